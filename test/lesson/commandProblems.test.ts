import t from 'tap';
import { parseCommandLine } from '../../src/core/commandLine.js';
import { commandProblems as problemsOf } from '../../src/lesson/commandProblems.js';

// It judges a line's model; here it is given the line as written.
const commandProblems = (line: string, owned?: Set<string>, inNamespace?: boolean) =>
  problemsOf(parseCommandLine(line), owned, inNamespace);

const rules = (line: string, owned?: Set<string>): string[] =>
  commandProblems(line, owned).problems.map((p) => `${p.offset} ${p.rule}`);

t.test("the tutorial's own commands have nothing wrong", async (t) => {
  for (const line of [
    'ip netns add netns0',
    'ip link add veth0 type veth peer name ceth0',
    'ip link set ceth0 netns netns0',
    'nsenter --net=/run/netns/netns0 bash',
    'ip addr add 172.18.0.10/16 dev ceth0',
    'nsenter --net=/run/netns/netns0 ip route add default via 172.18.0.1',
    'echo 1 > /proc/sys/net/ipv4/ip_forward',
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    'iptables -t nat -D PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
    'iptables -I FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'nsenter --net=/run/netns/netns0 python3 -m http.server --bind 172.18.0.10 5000',
    'curl 172.16.0.2:5000',
    'ping -c 2 172.18.0.11',
    'iptables-save | grep MASQUERADE',
    'iptables-restore --noflush < rules',
  ]) {
    t.same(rules(line), [], line);
  }
});

t.test('sudo is refused wherever it runs: first, after a pipe, behind nsenter', async (t) => {
  t.same(rules('sudo ip link add x type dummy'), ['0 sudo']);
  t.same(rules('echo 1 | sudo tee /proc/sys/net/ipv4/ip_forward'), ['9 sudo']);
  t.same(rules('nsenter --net=/run/netns/netns0 sudo ip link set lo up'), ['32 sudo']);
  t.same(rules('ip netns exec netns0 doas ip link'), ['21 sudo']);
  t.same(rules('timeout 5 sudo ip link set lo up'), ['10 sudo']);
  t.same(rules('nsenter -t 1 -n sudo ip link'), ['16 sudo']);
});

t.test('commands that wipe the firewall of the machine are refused', async (t) => {
  t.same(rules('iptables -F'), ['9 host-firewall']);
  t.same(rules('iptables -t nat -F'), ['16 host-firewall']);
  t.same(rules('iptables --flush FORWARD'), ['9 host-firewall']);
  t.same(rules('iptables -t nat -X'), ['16 host-firewall']);
  t.same(rules('ip6tables -P INPUT DROP'), ['10 host-firewall']);
  t.same(rules('iptables -D FORWARD 1'), ['9 host-firewall']);
  t.same(rules('iptables-restore < /etc/iptables/rules.v4'), ['0 host-firewall']);
  t.same(rules('iptables-nft-restore rules'), ['0 host-firewall']);
  t.same(rules('nft flush ruleset'), ['0 host-firewall']);
  t.same(rules('nft -f /etc/nftables.conf'), ['4 host-firewall']);
  t.same(rules('nft delete table ip nat'), ['0 host-firewall']);
  t.same(rules('ufw reset'), ['0 host-firewall']);
  t.same(rules('systemctl disable --now ufw'), ['0 host-firewall']);
  t.match(commandProblems('iptables -t nat -F').problems[0]!.reason, /flushes every rule of the nat table/);
  t.match(commandProblems('iptables -P FORWARD DROP').problems[0]!.reason, /default policy of the whole machine/);
});

t.test(
  "a container's own firewall may be wiped: inside a context, or through ip netns exec or nsenter into /run/netns",
  async (t) => {
    t.same(rules('ip netns exec netns0 iptables -F'), []);
    t.same(rules('nsenter --net=/run/netns/netns0 iptables -P INPUT DROP'), []);
    t.same(commandProblems('iptables -F', new Set(), true).problems, []);
    t.same(rules('nsenter -t 1 -n iptables -F'), ['25 host-firewall'], "pid 1's network namespace is the host's");
    t.same(rules('timeout 5 iptables -F'), ['19 host-firewall'], 'a wrapper that enters no namespace');
    t.same(rules('ip netns exec netns0 nsenter -t 1 -n iptables -F'), ['46 host-firewall'], 'the innermost decides');
  },
);

t.test('a lesson may flush and delete the chains and tables it created itself', async (t) => {
  const owned = new Set<string>();
  const created = commandProblems('iptables -t nat -N TSNET', owned);
  t.same(created.owns, ['ip:nat:TSNET']);
  for (const o of created.owns) owned.add(o);
  t.same(rules('iptables -t nat -F TSNET', owned), []);
  t.same(rules('iptables -t nat -X TSNET', owned), []);
  t.same(rules('iptables -F TSNET', owned), ['9 host-firewall'], 'the filter table has no TSNET of ours');
  const table = commandProblems('nft add table inet lab', owned);
  for (const o of table.owns) owned.add(o);
  t.same(rules('nft flush table inet lab', owned), []);
  t.same(rules('nft delete table inet lab', owned), []);
  t.same(rules('nft flush ruleset', owned), ['0 host-firewall'], 'the whole ruleset is never ours');
});

t.test('a shell the runner cannot follow is refused; a context opener and bash -c are fine', async (t) => {
  t.same(rules('bash'), ['0 context']);
  t.same(rules('nsenter --net=/run/netns/netns0 bash -i'), ['0 context']);
  t.same(rules('ip netns exec netns0 sh -l'), ['0 context']);
  t.same(rules('nsenter -t 1 -n bash'), ['0 context']);
  t.same(rules('nsenter --net=/run/netns/netns0 bash'), []);
  t.same(rules('ip netns exec netns0 bash'), []);
  t.same(rules("nsenter --net=/run/netns/netns0 bash -c 'ip link set lo up'"), []);
  t.same(rules('bash ./setup.sh'), []);
});

t.test('interface names over 15 characters are refused where ip names a device', async (t) => {
  t.same(rules('ip link add veth0-to-the-bridge type veth peer name ceth0'), ['12 ifname']);
  t.same(rules('ip link add veth0 type veth peer name container-end-01'), ['38 ifname']);
  t.same(rules('ip link add name a-very-long-bridge type bridge'), ['17 ifname']);
  t.same(rules('ip -n netns0 link set dev a-very-long-device up'), ['26 ifname']);
  t.same(rules('ip addr add 172.18.0.1/16 dev a-very-long-device'), ['30 ifname']);
  t.same(rules('ip link set veth0 master a-very-long-bridge'), ['25 ifname']);
  t.same(rules('ip link add container-end-0 type veth peer name c'), [], '15 characters are allowed');
  t.same(rules('ip route add 172.18.0.0/16 dev br0 scope link src 172.18.0.1'), []);
  t.match(
    commandProblems('ip link add veth0-to-the-bridge type dummy').problems[0]!.reason,
    /19 characters, expected at most 15/,
  );
});

t.test('namespace names that cannot be files under /run/netns are refused', async (t) => {
  t.same(rules('ip netns add my/ns'), ['13 netns-name']);
  t.same(rules('ip netns add ..'), ['13 netns-name']);
  t.same(rules('ip netns add netns0'), []);
});

t.test('dotted quads that are no IPv4 address are refused, in any command', async (t) => {
  t.same(rules('ip addr add 172.18.0.256/16 dev veth0'), ['12 address']);
  t.same(rules('ip route add 10.1.2.0/40 dev veth0'), ['13 address']);
  t.same(rules('curl http://172.18.0.300:5000/'), ['12 address']);
  t.same(rules('iptables -t nat -A PREROUTING -j DNAT --to-destination 172.18.0.999:5000'), ['55 address']);
  t.same(rules('ping 172.18.0.10'), []);
});

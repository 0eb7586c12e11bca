import t from 'tap';
import { parseCommandLine } from '../../src/core/commandLine.js';
import * as classify from '../../src/lesson/classifyCommand.js';

// Each judges a line's model; here they are given the line as written.
const contextOpened = (line: string) => classify.contextOpened(parseCommandLine(line));
const backgroundOf = (line: string) => classify.backgroundOf(parseCommandLine(line));
const observesOnly = (line: string) => classify.observesOnly(parseCommandLine(line));
const classifyLine = (line: string) => classify.classifyLine(parseCommandLine(line));

t.test('nsenter into a /run/netns path with a bare shell opens a context in that netns', async (t) => {
  t.equal(contextOpened('nsenter --net=/run/netns/netns0 bash'), 'netns0');
  t.equal(contextOpened('nsenter --net=/var/run/netns/netns1 sh'), 'netns1');
  t.equal(contextOpened('nsenter --net /run/netns/netns0 bash'), 'netns0');
  t.equal(contextOpened('nsenter --preserve-credentials --net=/run/netns/netns0 bash'), 'netns0');
});

t.test('nsenter into another path opens a context named by the path', async (t) => {
  t.equal(contextOpened('nsenter --net=/run/tsnet/outside bash'), '/run/tsnet/outside');
});

t.test('ip netns exec X bash opens a context in X', async (t) => {
  t.equal(contextOpened('ip netns exec netns1 bash'), 'netns1');
  t.equal(contextOpened('ip netns exec netns1 sh'), 'netns1');
});

t.test('a shell given a command, or another program, is not a context', async (t) => {
  t.equal(contextOpened("nsenter --net=/run/netns/netns0 bash -c 'ip link set lo up'"), null);
  t.equal(contextOpened('nsenter --net=/run/netns/netns0 bash -c "ip addr"'), null);
  t.equal(contextOpened('nsenter --net=/run/netns/netns0 ip addr'), null);
  t.equal(contextOpened('nsenter --net=/run/netns/netns0 python3 -m http.server'), null);
  t.equal(contextOpened('ip netns exec netns0 ip addr'), null);
  t.equal(contextOpened('ip netns exec netns0 bash -c "ip addr"'), null);
  t.equal(contextOpened('bash'), null);
  t.equal(contextOpened('nsenter --net=/run/netns/netns0 zsh'), null);
  t.equal(contextOpened('nsenter -t 4242 -n bash'), null, 'a process has no name to show');
  t.equal(contextOpened('timeout 60 nsenter --net=/run/netns/netns0 bash'), null);
  t.equal(contextOpened('nsenter --net=/run/netns/netns0 bash > /tmp/log'), null);
  t.equal(contextOpened('nsenter --net=/run/netns/netns0 bash &'), null);
});

t.test('python http.server is a background job on port 8000 unless a port is given', async (t) => {
  t.strictSame(backgroundOf('python3 -m http.server'), { port: 8000 });
  t.strictSame(backgroundOf('python -m http.server'), { port: 8000 });
  t.strictSame(backgroundOf('python3 -m http.server 5000'), { port: 5000 });
  t.strictSame(backgroundOf('nsenter --net=/run/netns/netns0 python3 -m http.server 5000'), { port: 5000 });
});

t.test('the values of --bind, -b, --directory and -d are not taken for the port', async (t) => {
  t.strictSame(backgroundOf('python3 -m http.server --bind 172.18.0.10 5000'), { port: 5000 });
  t.strictSame(backgroundOf('python3 -m http.server 5000 --bind 172.18.0.10'), { port: 5000 });
  t.strictSame(backgroundOf('python3 -m http.server -b 172.18.0.10'), { port: 8000 });
  t.strictSame(backgroundOf('python3 -m http.server -d 5001 5002'), { port: 5002 });
  t.strictSame(backgroundOf('python3 -m http.server --directory /srv -p HTTP/1.1 8080'), { port: 8080 });
});

t.test('a trailing & makes a background job with an unknown port', async (t) => {
  t.strictSame(backgroundOf('sleep 100 &'), { port: null });
  t.strictSame(backgroundOf('sleep 100&  '), { port: null });
  t.strictSame(backgroundOf('python3 -m http.server 9000 &'), { port: 9000 });
  t.strictSame(backgroundOf('ip netns exec netns0 timeout 60 python3 -m http.server 9000'), { port: 9000 });
  t.strictSame(backgroundOf("echo 'python3 -m http.server 9000'"), null, 'a word that only mentions it');
});

t.test('&& and ordinary commands are not background jobs', async (t) => {
  t.equal(backgroundOf('ip link set veth0 up && ip link set veth1 up'), null);
  t.equal(backgroundOf('ip link set veth0 up'), null);
  t.equal(backgroundOf('&'), null);
});

t.test('ip show and list commands only observe', async (t) => {
  for (const line of [
    'ip netns list',
    'ip -j addr show',
    'ip addr',
    'ip -br a',
    'ip link show veth0',
    'ip route',
    'ip -4 route get 172.18.0.10',
    'ip -n netns0 route',
    'ip link show dev br0',
    'ip neigh',
  ]) {
    t.equal(observesOnly(line), true, line);
  }
});

t.test('ip commands that change state do not only observe', async (t) => {
  for (const line of [
    'ip link set veth0 up',
    'ip addr add 172.18.0.1/16 dev br0',
    'ip netns add netns0',
    'ip link add veth0 type veth peer name ceth0',
    'ip route add default via 172.18.0.1',
    'ip -n netns0 link set lo up',
    'ip addr flush dev veth0',
    'ip',
  ]) {
    t.equal(observesOnly(line), false, line);
  }
});

t.test('writing to a file is a change, reading one is not', async (t) => {
  t.equal(observesOnly('echo 1 > /proc/sys/net/ipv4/ip_forward'), false);
  t.equal(observesOnly('cat /proc/sys/net/ipv4/ip_forward > /tmp/x'), false);
  t.equal(observesOnly('cat /etc/hosts >> /tmp/x'), false);
  t.equal(observesOnly('cat /proc/sys/net/ipv4/ip_forward'), true);
  t.equal(observesOnly('curl -sS http://172.18.0.10:5000/ 2>&1'), true);
});

t.test('iptables listings observe, appends and deletes do not', async (t) => {
  for (const line of [
    'iptables -S',
    'iptables -t nat -S',
    'iptables -t nat -L',
    'iptables -L -n -v',
    'iptables --list-rules',
    'iptables -t nat -C POSTROUTING -s 172.18.0.0/16 -j MASQUERADE',
    'iptables-save',
  ]) {
    t.equal(observesOnly(line), true, line);
  }
  for (const line of [
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    'iptables -t nat -D POSTROUTING 1',
    'iptables -F',
    'iptables -P FORWARD ACCEPT',
  ]) {
    t.equal(observesOnly(line), false, line);
  }
});

t.test('nsenter and ip netns exec wrappers are looked through', async (t) => {
  t.equal(observesOnly('nsenter --net=/run/netns/netns0 ping -c 2 172.18.0.1'), true);
  t.equal(observesOnly('ip netns exec netns0 curl http://172.18.0.1/'), true);
  t.equal(observesOnly('ip netns exec netns0 ip addr'), true);
  t.equal(observesOnly('nsenter --net=/run/netns/netns0 ip link set lo up'), false);
  t.equal(observesOnly('ip netns exec netns0 ip route add default via 172.18.0.1'), false);
  t.equal(observesOnly("nsenter --net=/run/netns/netns0 bash -c 'ip addr'"), false, 'a shell may do anything');
});

t.test('a line observes when each of its commands does; a pipeline may end in a filter', async (t) => {
  t.equal(observesOnly('iptables-save | grep MASQUERADE'), true);
  t.equal(observesOnly('ip -n netns0 addr show && ping -c 1 172.18.0.1'), true);
  t.equal(observesOnly('timeout 5 curl -s http://172.18.0.10:5000/ | head -1'), true);
  t.equal(observesOnly('ip addr && ip link set lo up'), false);
  t.equal(observesOnly('ip addr | sh'), false, 'a shell after the pipe may do anything');
  t.equal(observesOnly('grep x /etc/hosts'), false, 'a filter observes only what it is given');
  t.equal(observesOnly('iptables-save | tee /tmp/rules'), false);
  t.equal(observesOnly('ping -c 1 172.18.0.1 && echo reached'), true, 'echo only prints');
});

t.test('ping, ss and true observe; other programs change state', async (t) => {
  t.equal(observesOnly('ping -c 2 172.18.0.11'), true);
  t.equal(observesOnly('ss -ltn'), true);
  t.equal(observesOnly('true'), true);
  t.equal(observesOnly('  ping -c 1 172.18.0.1  '), true);
  t.equal(observesOnly('python3 -m http.server 5000'), false);
  t.equal(observesOnly('brctl addbr br0'), false);
});

t.test('bridge show observes', async (t) => {
  t.equal(observesOnly('bridge link show'), true);
  t.equal(observesOnly('bridge fdb'), true);
  t.equal(observesOnly('bridge link set dev veth0 learning off'), false);
});

t.test('classifyLine: exit closes a context', async (t) => {
  t.strictSame(classifyLine('exit'), { role: 'close-context', netns: null, background: null, observes: true });
  t.strictSame(classifyLine('  exit 0 '), { role: 'close-context', netns: null, background: null, observes: true });
  t.equal(classifyLine('exit now').role, 'run');
});

t.test('classifyLine: a context opener, a server and a plain change', async (t) => {
  t.strictSame(classifyLine('nsenter --net=/run/netns/netns0 bash'), {
    role: 'open-context',
    netns: 'netns0',
    background: null,
    observes: true,
  });
  t.strictSame(classifyLine('python3 -m http.server --bind 172.18.0.10 5000'), {
    role: 'run',
    netns: null,
    background: { port: 5000 },
    observes: false,
  });
  t.strictSame(classifyLine('ip link set br0 up'), { role: 'run', netns: null, background: null, observes: false });
  t.strictSame(classifyLine('ip netns list'), { role: 'run', netns: null, background: null, observes: true });
});

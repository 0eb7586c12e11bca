import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { lateAnswers, settleScript, unsettled } from '../../src/snapshot/settling.js';

/** Output of settleScript captured in a lab: after lesson 7, and with a port of an STP bridge just plugged in. */
const captured = (name: string): string =>
  readFileSync(new URL(`../fixtures/settle/${name}.txt`, import.meta.url), 'utf8');

t.test('a lab that has settled has nothing coming up, in any namespace', async (t) => {
  t.strictSame(unsettled(captured('after-lesson-7')), []);
});

t.test('a bridge port still listening (STP) is coming up, named with its namespace', async (t) => {
  t.strictSame(unsettled(captured('stp-port-listening')), ['pstp: bridge port listening']);
});

t.test('a link whose carrier came on but whose operational state still says down is coming up', async (t) => {
  // The captured output, with veth0's state as the link watcher leaves it for up to a second.
  const text = captured('after-lesson-7').replace(
    /("ifname":"veth0","flags":\["BROADCAST","MULTICAST","UP","LOWER_UP"\],[^}]*?"operstate":)"UP"/,
    '$1"DOWN"',
  );
  t.not(text, captured('after-lesson-7'), 'the capture has veth0 up with carrier');
  t.strictSame(unsettled(text), ['veth0: carrier on, still DOWN']);
  const lost = captured('after-lesson-7').replace(
    /"ifname":"ceth1","flags":\["BROADCAST","MULTICAST","UP","LOWER_UP"\]/,
    '"ifname":"ceth1","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"]',
  );
  t.strictSame(unsettled(lost), ['ceth1 in netns1: carrier lost, still UP']);
});

t.test('links that are down, or up without a peer, are settled: they stay that way', async (t) => {
  const down = `\n@@tsnet settle host\n${JSON.stringify([
    { ifname: 'br0', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], operstate: 'DOWN' },
    { ifname: 'veth9', flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN' },
    { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN' },
  ])}\n`;
  t.strictSame(unsettled(down), []);
});

t.test('the script reads the host, every named netns and the outside, and is valid bash', async (t) => {
  const script = settleScript('/run/tsnet/outside');
  t.match(script, /printf 'link show\\n' \| ip -d -j -b -/);
  t.match(script, /ip netns list/);
  t.match(script, /nsenter --net=\/run\/tsnet\/outside ip -d -j -b -/);
  t.notMatch(settleScript(null), /outside/, 'no outside world, none read');
  t.equal(spawnSync('bash', ['-n', '-c', script]).status, 0);
});

t.test('a neighbour still being resolved (ARP) is coming up too, when neighbours are read', async (t) => {
  t.strictSame(unsettled(captured('neighbour-resolving')), [
    '172.18.0.77 on ceth0 in netns0: neighbour still resolving',
  ]);
  t.match(settleScript(null, { neighbours: true }), /printf 'link show\\nneigh show\\n' \| ip -d -j -b -/);
  t.notMatch(settleScript(null), /neigh/, 'before probing, only the links');
});

t.test('who answers ARP by proxy is read from netconf and the proxy entries, named with its namespace', async (t) => {
  // Captured after test/fixtures/lessons/false-negative, with `ip -n router neigh add proxy 10.20.1.50 dev lan`.
  const text = captured('proxy-arp-router');
  t.strictSame(lateAnswers(text), ['lan in router: proxy ARP on', '10.20.1.50 on lan in router: answered by proxy']);
  t.strictSame(
    unsettled(text),
    ['10.20.1.99 on eth0 in red: neighbour still resolving'],
    'the proxy lines are not taken for neighbours or links',
  );
  const everywhere = text.replace(/("interface":"all",[^}]*"proxy_neigh":)false/, '$1true');
  t.not(everywhere, text, "the capture has the host's inet `all` entry");
  t.ok(lateAnswers(everywhere).includes('every interface: proxy ARP on'), 'all turns it on everywhere in the host');
});

t.test(
  'a lab after lesson 7 has nobody answering by proxy; a reading without those lines says nobody either',
  async (t) => {
    t.strictSame(lateAnswers(captured('after-lesson-7-proxies-read')), []);
    t.strictSame(unsettled(captured('after-lesson-7-proxies-read')), []);
    t.match(
      settleScript(null, { proxies: true }),
      /printf 'link show\\nnetconf show\\nneigh show proxy\\n' \| ip -d -j -b -/,
    );
  },
);

t.test('a link whose qdisc may hold packets back (tbf) may answer late; the defaults do not', async (t) => {
  // Captured after lesson 7, with `tc qdisc add dev veth0 root tbf rate 1mbit burst 32kbit latency 400ms`.
  t.strictSame(lateAnswers(captured('tbf-on-veth0')), ['veth0: qdisc tbf may hold packets back']);
  t.strictSame(
    lateAnswers(captured('after-lesson-7-proxies-read')),
    [],
    'noqueue, noop and the other defaults of a lab send at once',
  );
});

import t from 'tap';
import { parseCommandLine } from '../../src/core/commandLine.js';
import { destinationsOf as destinationsIn, unsafeTraffic } from '../../src/host/hostSafety.js';
import { lessonOf as lesson } from '../helpers/lessonOf.js';

// It reads a line's model; here it is given the line as written.
const destinationsOf = (line: string): string[] => destinationsIn(parseCommandLine(line));

t.test('the destinations of ping and curl lines are found, wrappers and all', async (t) => {
  t.same(destinationsOf('curl 172.16.0.2:5000'), ['172.16.0.2']);
  t.same(destinationsOf('curl -s http://203.0.113.1/x'), ['203.0.113.1']);
  t.same(destinationsOf('ping -c 2 172.18.0.11'), ['172.18.0.11']);
  t.same(destinationsOf('nsenter --net=/run/netns/netns0 ping -c 1 8.8.8.8'), ['8.8.8.8']);
  t.same(destinationsOf('ip netns exec netns0 curl 10.0.0.1'), ['10.0.0.1']);
  t.same(destinationsOf('ip addr add 172.16.0.2/24 dev eth0'), [], 'only ping and curl send traffic');
});

t.test('traffic behind any wrapper, and anywhere in a list or pipeline, is found', async (t) => {
  t.same(destinationsOf('nsenter -t 4242 -n ping 8.8.8.8'), ['8.8.8.8'], 'nsenter into a process');
  t.same(destinationsOf('timeout 5 ping 8.8.8.8'), ['8.8.8.8']);
  t.same(destinationsOf('env LC_ALL=C timeout -s KILL 5 curl -s http://1.1.1.1/'), ['1.1.1.1']);
  t.same(destinationsOf('ip -n netns0 link set lo up && ip netns exec netns0 ping -c1 9.9.9.9'), ['9.9.9.9']);
  t.same(destinationsOf('echo go; /usr/bin/curl "http://203.0.113.9:80/" | grep you'), ['203.0.113.9']);
  t.same(destinationsOf("bash -c 'echo ping 8.8.8.8'"), [], 'a word that only mentions ping sends nothing');
});

t.test(
  "traffic off this machine is refused, to the lessons' own subnets, loopback and local addresses allowed",
  async (t) => {
    const chain = [
      lesson([
        'ip addr add 172.18.0.1/16 dev br0',
        'ping -c 2 172.18.0.11',
        'curl 127.0.0.1:5000',
        'curl 172.16.0.2:5000',
      ]),
    ];
    t.same(unsafeTraffic(chain, new Set(['172.16.0.2'])), []);
    t.same(unsafeTraffic(chain, new Set(['192.0.2.7'])), [
      { lesson: 'l', line: 'curl 172.16.0.2:5000', address: '172.16.0.2' },
    ]);
    const wrapped = [lesson(['nsenter -t 4242 -n ping -c 1 8.8.8.8', 'timeout 5 ping 127.0.0.1 && ping 8.8.4.4'])];
    t.same(
      unsafeTraffic(wrapped, new Set()).map((u) => u.address),
      ['8.8.8.8', '8.8.4.4'],
      'wrapped and listed commands are refused too',
    );
    // The subnet is the lesson's own, read from its commands: another course probes its own network only.
    const other = [
      lesson(['ip -n web addr add 10.40.0.10/24 dev eth0', 'ping -c 1 10.40.0.1', 'ping -c 1 172.18.0.11']),
    ];
    t.same(unsafeTraffic(other, new Set()), [{ lesson: 'l', line: 'ping -c 1 172.18.0.11', address: '172.18.0.11' }]);
  },
);

import t from 'tap';
import { destinationsOf, unsafeTraffic } from '../../src/host/hostSafety.js';
import type { Lesson } from '../../src/lesson/lesson.js';

t.test('the destinations of ping and curl lines are found, wrappers and all', async (t) => {
  t.same(destinationsOf('curl 172.16.0.2:5000'), ['172.16.0.2']);
  t.same(destinationsOf('curl -s http://203.0.113.1/x'), ['203.0.113.1']);
  t.same(destinationsOf('ping -c 2 172.18.0.11'), ['172.18.0.11']);
  t.same(destinationsOf('nsenter --net=/run/netns/netns0 ping -c 1 8.8.8.8'), ['8.8.8.8']);
  t.same(destinationsOf('ip netns exec netns0 curl 10.0.0.1'), ['10.0.0.1']);
  t.same(destinationsOf('ip addr add 172.16.0.2/24 dev eth0'), [], 'only ping and curl send traffic');
});

t.test(
  "traffic off this machine is refused, to the lessons' own subnets, loopback and local addresses allowed",
  async (t) => {
    const lesson = (lines: string[]): Lesson => ({
      id: 'l',
      title: 'l',
      prerequisites: [],
      summary: '',
      file: 'l.md',
      steps: [
        {
          index: 1,
          title: 's',
          prose: '',
          paragraphs: [],
          kind: 'observe',
          checks: [],
          position: { line: 1, column: 1 },
          commands: lines.map((line) => ({
            line,
            context: null,
            role: 'run',
            mayFail: false,
            background: null,
            observes: true,
            position: { line: 1, column: 1 },
          })),
        },
      ],
    });
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
    // The subnet is the lesson's own, read from its commands: another course probes its own network only.
    const other = [
      lesson(['ip -n web addr add 10.40.0.10/24 dev eth0', 'ping -c 1 10.40.0.1', 'ping -c 1 172.18.0.11']),
    ];
    t.same(unsafeTraffic(other, new Set()), [{ lesson: 'l', line: 'ping -c 1 172.18.0.11', address: '172.18.0.11' }]);
  },
);

import t from 'tap';
import { parseCommandLine } from '../../src/core/commandLine.js';
import { destinationsOf as destinationsIn, unsafeTraffic } from '../../src/host/hostSafety.js';
import type { Lesson } from '../../src/lesson/lesson.js';

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

t.test(
  'traffic off this machine is refused, to the container subnet, loopback and local addresses allowed',
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
            parsed: parseCommandLine(line),
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
    const chain = [lesson(['ping -c 2 172.18.0.11', 'curl 127.0.0.1:5000', 'curl 172.16.0.2:5000'])];
    t.same(unsafeTraffic(chain, new Set(['172.16.0.2'])), []);
    t.same(unsafeTraffic(chain, new Set(['192.0.2.7'])), [
      { lesson: 'l', line: 'curl 172.16.0.2:5000', address: '172.16.0.2' },
    ]);
  },
);

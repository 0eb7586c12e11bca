import t from 'tap';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { lessonTopology } from '../../src/lesson/lessonTopology.js';
import { policyNeeds, trafficPolicy } from '../../src/judge/trafficPolicy.js';
import { recordedLab } from '../helpers/recordedShell.js';
import { snapshotOf } from '../helpers/snapshot.js';
import { pidTarget } from '../helpers/targets.js';
import { fileURLToPath } from 'node:url';

const shipped = async () => lessonTopology((await resolveLesson('7')).chain);
const web = async () =>
  lessonTopology(
    (await resolveLesson(fileURLToPath(new URL('../fixtures/lessons/web-bridge/lesson.md', import.meta.url)))).chain,
  );

t.test('in a lab every address is inside namespaces we made', async (t) => {
  const refuse = trafficPolicy(recordedLab, snapshotOf('after-lesson-7'), await shipped());
  t.equal(refuse('203.0.113.1', 'netns0'), null);
  t.equal(refuse('192.0.2.99', 'outside'), null);
  t.strictSame(policyNeeds(recordedLab, await shipped()), [], 'and nothing more is read for it');
});

t.test(
  'outside a lab: loopback, the target own addresses, and subnets the lessons build where their links carry them',
  async (t) => {
    const refuse = trafficPolicy(pidTarget(), snapshotOf('after-lesson-7'), await shipped());
    t.equal(refuse('127.0.0.1', 'host'), null);
    t.equal(refuse('172.16.0.2', 'netns0'), null, "the host's own uplink address");
    t.equal(refuse('172.18.0.20', 'netns0'), null, 'in 172.18.0.0/16, which br0 carries');
    t.match(
      refuse('203.0.113.1', 'netns0'),
      /203\.0\.113\.1 is not an address of pid:4242 nor in a subnet the lessons build \(172\.18\.0\.0\/16\)/,
    );
    t.match(refuse('172.16.0.1', 'netns1'), /not an address of pid:4242/, 'the gateway of the uplink is elsewhere');
    t.match(
      refuse('172.18.0.10', 'outside'),
      /pid:4242 has no outside world to send from; name the namespace that plays it with --outside NETNS/,
    );
  },
);

t.test('another course probes its own 10.40.0.0/24, never the tutorial subnet', async (t) => {
  const refuse = trafficPolicy(pidTarget(), snapshotOf('web-bridge-two-uplinks'), await web());
  t.equal(refuse('10.40.0.20', 'web'), null);
  t.equal(refuse('10.40.0.1', 'db'), null);
  t.equal(refuse('198.51.100.2', 'web'), null, 'the second uplink is an address of the target');
  t.match(
    refuse('172.18.0.10', 'host'),
    /not an address of pid:4242 nor in a subnet the lessons build \(10\.40\.0\.0\/24\)/,
  );
  t.match(refuse('198.51.100.1', 'host'), /not an address/, "the second uplink's far end is not");
});

t.test('a subnet the lessons build but nothing carries yet could be routed off the machine: refused', async (t) => {
  const refuse = trafficPolicy(pidTarget(), snapshotOf('nothing-built'), await shipped());
  t.match(
    refuse('172.18.0.10', 'host'),
    /172\.18\.0\.10 is in 172\.18\.0\.0\/16, which the lessons build but no link of theirs carries in pid:4242 yet/,
  );
});

t.test('with --outside, the outside world may send, and what it holds may be reached', async (t) => {
  const target = pidTarget('/proc/77/ns/net');
  const refuse = trafficPolicy(target, snapshotOf('after-lesson-7'), await shipped());
  t.equal(refuse('203.0.113.1', 'netns0'), null);
  t.equal(refuse('172.16.0.1', 'netns1'), null);
  t.equal(refuse('172.16.0.2', 'outside'), null);
  t.match(refuse('192.0.2.1', 'outside'), /not an address of pid:4242/);
  t.strictSame(
    policyNeeds(target, await shipped()).map((n) => n.ns),
    ['host', 'netns0', 'netns1', 'outside'],
    'the links of the host, the lessons namespaces and the outside are read for it',
  );
});

import { fileURLToPath } from 'node:url';
import t from 'tap';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { lessonTopology } from '../../src/lesson/lessonTopology.js';

/** A bundled lesson by number, or a fixture lesson by its folder's name. */
const chainOf = async (arg: string) =>
  (
    await resolveLesson(
      /^\d+$/.test(arg) ? arg : fileURLToPath(new URL(`../fixtures/lessons/${arg}/lesson.md`, import.meta.url)),
    )
  ).chain;

t.test("the shipped course's lesson 7: one bridge, one subnet, a port published on the host's address", async (t) => {
  const topo = lessonTopology(await chainOf('7'));
  t.strictSame(topo.namespaces, ['netns0', 'netns1']);
  t.strictSame(topo.bridges, [{ name: 'br0', ns: 'host' }]);
  t.strictSame(topo.subnets, ['172.18.0.0/16']);
  t.strictSame(topo.published, ['172.16.0.2']);
  t.strictSame(topo.forwarding, ['host']);
  t.ok(topo.addresses.some((a) => a.address === '172.18.0.1' && a.dev === 'br0' && a.ns === 'host'));
});

t.test('lesson 6 publishes nothing', async (t) => {
  t.strictSame(lessonTopology(await chainOf('6')).published, []);
});

t.test('another course names its own bridge and subnet, and publishes its port 8080 as the host port 80', async (t) => {
  const topo = lessonTopology(await chainOf('web-bridge'));
  t.strictSame(topo.namespaces, ['web', 'db']);
  t.strictSame(topo.bridges, [{ name: 'br-web', ns: 'host' }]);
  t.strictSame(topo.subnets, ['10.40.0.0/24']);
  t.strictSame(topo.published, ['172.16.0.2']);
});

t.test('a router between two networks: both subnets, and the router forwards', async (t) => {
  const topo = lessonTopology(await chainOf('false-negative'));
  t.strictSame(topo.subnets, ['10.20.1.0/24', '10.20.2.0/24']);
  t.strictSame(topo.forwarding, ['router']);
  t.strictSame(topo.bridges, [{ name: 'br-web', ns: 'host' }]);
  t.ok(topo.links.some((l) => l.name === 'lan' && l.ns === 'router'));
});

import t from 'tap';
import { fullNeeds } from '../../src/snapshot/fullSnapshot.js';

t.test('a full snapshot reads every part of the host, the outside and each netns', async (t) => {
  const needs = fullNeeds(['netns0'], true);
  t.ok(needs.some((n) => n.part === 'netns'));
  for (const ns of ['host', 'outside', 'netns0']) {
    for (const part of ['links', 'routes', 'iptables', 'listening', 'sysctl'])
      t.ok(
        needs.some((n) => n.ns === ns && n.part === part),
        `${part} of ${ns}`,
      );
  }
});

t.test('without an outside world it reads none', async (t) => {
  t.notOk(fullNeeds([], false).some((n) => n.ns === 'outside'));
});

import { carryOver, readAgain, unread } from '../../src/snapshot/fullSnapshot.js';
import { readFileSync } from 'node:fs';
import type { Shell } from '../../src/target/shell.js';
import { recordedShell } from '../helpers/recordedShell.js';
import { snapshotOf, snapshotText } from '../helpers/snapshot.js';

const RULES = readFileSync(new URL('../fixtures/iptables/tutorial.txt', import.meta.url), 'utf8');

t.test('what was not read again is carried over, part by part; a netns that is gone is dropped', async (t) => {
  const before = snapshotOf('after-lesson-7');
  const read = { netns: ['netns0'], netnsIds: {}, spaces: { host: { routes: [] }, netns0: null } };
  const after = carryOver(before, read);
  t.strictSame(after.spaces.host?.routes, [], 'the part read now wins');
  t.strictSame(after.spaces.host?.links, before.spaces.host?.links, 'the parts not read are the ones from before');
  t.equal(after.spaces.netns0, null, 'a netns read as missing is missing');
  t.notOk('netns1' in after.spaces, 'netns1 is no longer listed: dropped');
  t.strictSame(after.spaces.outside, before.spaces.outside);
});

t.test('reading again reads only what is asked, and carries the rest over', async (t) => {
  const before = snapshotOf('after-lesson-4');
  const lines: string[] = [];
  // What the script prints when asked for the host's firewall only.
  const shell: Shell = {
    async exec(line) {
      lines.push(line);
      return {
        line,
        exitCode: 0,
        stdout: `\n@@tsnet present host\n\n@@tsnet iptables host\n${RULES}`,
        stderr: '',
        durationMs: 0,
      };
    },
    async execAll() {
      throw new Error('no probes here');
    },
    async close() {},
  };
  const after = await readAgain(shell, before, [{ ns: 'host', part: 'iptables' }], false);
  t.equal(lines.length, 1, 'one round trip');
  t.match(lines[0]!, /iptables-save/);
  t.notMatch(lines[0]!, /netns list|\bip -/, 'no netns list, no links');
  t.ok(
    Object.values(after.spaces.host?.iptables ?? {}).some((table) => table.rules.length > 0),
    'the firewall read now',
  );
  t.strictSame(after.spaces.host?.links, before.spaces.host?.links, 'the links carried over');
  t.strictSame(after.spaces.netns0, before.spaces.netns0, 'the netns not read carried over');
  t.strictSame(after.netns, before.netns, 'the netns list carried over');
});

t.test('a netns that appears without being asked for is read whole in a second round trip', async (t) => {
  const before = { ...snapshotOf('after-lesson-7'), netns: [] as string[] };
  delete before.spaces.netns0;
  delete before.spaces.netns1;
  const shell = recordedShell(snapshotText('after-lesson-7'));
  const after = await readAgain(shell, before, [], true);
  t.equal(shell.lines.length, 2);
  t.strictSame(after.netns.sort(), ['netns0', 'netns1']);
  t.ok(after.spaces.netns0?.links && after.spaces.netns0.iptables && after.spaces.netns0.listening, 'all of netns0');
});

t.test('a part never read of a namespace that exists is unread; of one that does not, it is not', async (t) => {
  const before = snapshotOf('after-lesson-4');
  delete before.spaces.netns0!.iptables;
  t.strictSame(
    unread(before, [
      { ns: 'netns0', part: 'iptables' },
      { ns: 'host', part: 'links' },
      { ns: 'nosuch', part: 'links' },
      { ns: 'netns9', part: 'links' },
    ]),
    [{ ns: 'netns0', part: 'iptables' }],
  );
  t.strictSame(unread(before, [{ ns: 'host', part: 'sysctl', key: 'net.ipv4.conf.all.rp_filter' }]), [
    { ns: 'host', part: 'sysctl', key: 'net.ipv4.conf.all.rp_filter' },
  ]);
});

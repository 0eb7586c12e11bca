import t from 'tap';
import type { Need } from '../../src/snapshot/model.js';
import { fullNeeds } from '../../src/snapshot/fullSnapshot.js';
import { readSideBySide, shareOut } from '../../src/snapshot/readSideBySide.js';
import { recordedShell } from '../helpers/recordedShell.js';
import { snapshotOf, snapshotText } from '../helpers/snapshot.js';

const spacesOf = (share: Need[]): string[] => [
  ...new Set(share.map((n) => (n.part === 'netns' ? 'netns list' : n.ns))),
];

t.test(
  'the host and the netns list stay on the first shell; each namespace goes whole to the least loaded one',
  async (t) => {
    const shares = shareOut(fullNeeds(['netns0', 'netns1'], false), 2);
    t.strictSame(shares.map(spacesOf), [['netns list', 'host', 'netns1'], ['netns0']]);
    t.strictSame(shareOut(fullNeeds(['netns0', 'netns1'], false), 3).map(spacesOf), [
      ['netns list', 'host'],
      ['netns0'],
      ['netns1'],
    ]);
  },
);

t.test('one shell reads everything', async (t) => {
  const needs = fullNeeds(['netns0'], false);
  t.strictSame(shareOut(needs, 1), [needs]);
});

t.test('the parts read side by side make one snapshot, with the netns list of the shell that read it', async (t) => {
  const shells = [recordedShell(snapshotText('after-lesson-7')), recordedShell(snapshotText('after-lesson-7'))];
  const s = await readSideBySide(shells, fullNeeds(['netns0', 'netns1'], false));
  t.strictSame(s.netns.sort(), ['netns0', 'netns1']);
  t.strictSame(Object.keys(s.spaces).sort(), ['host', 'netns0', 'netns1']);
  t.strictSame(s.spaces.netns0, snapshotOf('after-lesson-7').spaces.netns0);
  t.ok(
    shells.every((sh) => sh.lines.length === 1),
    'one round trip on each shell',
  );
  t.notMatch(shells[1]!.lines[0], /netns list/, 'the second shell does not list the namespaces');
});

import t from 'tap';
import { compareText, plainText } from '../../src/core/compareText.js';

t.test('compareText orders plain names exactly as localeCompare does', async (t) => {
  const alphabet = ['a', 'b', 'z', '0', '9', '-', '.'];
  const names = [''];
  for (let len = 1; len <= 3; len++)
    for (const n of names.filter((x) => x.length === len - 1)) for (const c of alphabet) names.push(n + c);
  let disagreements = 0;
  for (const a of names)
    for (const b of names) if (Math.sign(compareText(a, b)) !== Math.sign(a.localeCompare(b))) disagreements++;
  t.equal(disagreements, 0, `${names.length ** 2} pairs`);
});

t.test('compareText leaves names with capitals, _ or other letters to localeCompare', async (t) => {
  t.notOk(plainText('Netns0', 'netns1'));
  t.notOk(plainText('a_b', 'a'));
  t.notOk(plainText('café', 'cafe'));
  // In code units `_` sorts after digits and capitals before small letters; the collation says otherwise.
  t.equal(Math.sign(compareText('a_', 'a1')), Math.sign('a_'.localeCompare('a1')));
  t.equal(Math.sign(compareText('B', 'a')), Math.sign('B'.localeCompare('a')));
});

t.test('compareText says equal for the same name', async (t) => {
  t.equal(compareText('netns0', 'netns0'), 0);
});

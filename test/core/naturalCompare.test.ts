import t from 'tap';
import { naturalCompare } from '../../src/core/naturalCompare.js';

const sorted = (xs: string[]): string[] => [...xs].sort(naturalCompare);
const icu = (a: string, b: string): number => Math.sign(a.localeCompare(b, 'en', { numeric: true }));

t.test('naturalCompare puts lesson-2 before lesson-10, as people count', async (t) => {
  t.same(sorted(['lesson-10', 'lesson-2', 'lesson-1', 'lesson-11', 'lesson-3']), [
    'lesson-1',
    'lesson-2',
    'lesson-3',
    'lesson-10',
    'lesson-11',
  ]);
});

t.test('naturalCompare compares numbers of any length by value, leading zeros not counting', async (t) => {
  t.ok(naturalCompare('n99999999999999999999', 'n100000000000000000000') < 0);
  t.equal(naturalCompare('lesson-007', 'lesson-7'), 0);
  t.ok(naturalCompare('x-07-a', 'x-7-b') < 0);
  t.ok(naturalCompare('lesson-07', 'lesson-8') < 0);
});

t.test('naturalCompare orders plain names exactly as the ICU numeric collation does', async (t) => {
  // Every pair of short names over an alphabet with the cases that matter: digits, letters, - and .
  const alphabet = ['a', 'b', 'z', '0', '1', '7', '-', '.'];
  const names = [''];
  for (let len = 1; len <= 3; len++)
    for (const n of names.filter((x) => x.length === len - 1)) for (const c of alphabet) names.push(n + c);
  let disagreements = 0;
  for (const a of names) for (const b of names) if (Math.sign(naturalCompare(a, b)) !== icu(a, b)) disagreements++;
  t.equal(disagreements, 0, `${names.length ** 2} pairs`);
});

t.test('naturalCompare hands names with other characters to the collation itself', async (t) => {
  for (const [a, b] of [
    ['Lesson-2', 'lesson-10'],
    ['a_1', 'a-1'],
    ['ü-1', 'u-2'],
  ] as const)
    t.equal(Math.sign(naturalCompare(a, b)), icu(a, b), `${a} vs ${b}`);
});

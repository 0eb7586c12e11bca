import t from 'tap';
import { pool } from '../../src/run/pool.js';

/** Jobs that take `ms` each, logging when they start and how many run at once. */
const recorder = () => {
  const started: string[] = [];
  let running = 0;
  let most = 0;
  const work = async (item: { name: string; ms: number }): Promise<string> => {
    started.push(item.name);
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, item.ms));
    running--;
    return item.name.toUpperCase();
  };
  return { started, work, most: () => most };
};

const items = [
  { name: 'a', ms: 5 },
  { name: 'b', ms: 20 },
  { name: 'c', ms: 10 },
  { name: 'd', ms: 20 },
];

t.test('a pool starts the heaviest jobs first and returns the results in the order of the items', async (t) => {
  const r = recorder();
  const out = await pool(items, 2, r.work, (i) => i.ms);
  t.same(out, ['A', 'B', 'C', 'D']);
  t.same(r.started, ['b', 'd', 'c', 'a'], 'by weight, ties in the given order');
  t.equal(r.most(), 2, 'never more than two at a time');
});

t.test('without weights a pool keeps the order of the items, one at a time when asked', async (t) => {
  const r = recorder();
  t.same(await pool(items, 1, r.work), ['A', 'B', 'C', 'D']);
  t.same(r.started, ['a', 'b', 'c', 'd']);
  t.equal(r.most(), 1);
});

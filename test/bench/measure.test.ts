import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, ratio, record } from '../../bench/measure.js';

t.test('a ratio is of medians, and meets its limit only at or below it', async (t) => {
  t.same(ratio([90, 130, 120], 100, 1.3), { value: '1.20×', met: true });
  t.same(ratio([140, 131, 150], 100, 1.3), { value: '1.40×', met: false });
  t.equal(median([4, 1, 3, 2]), 2.5);
});

t.test('a figure goes to the summary file when there is one, and nowhere otherwise', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-bench-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'figures.jsonl');
  const figure = {
    figure: 'list',
    floor: 'node -e 0',
    measured: '150 ms',
    floorMeasured: '100 ms',
    value: '1.50×',
    target: '≤ 1.30×',
    met: false,
  };
  const saved = process.env.TSNET_BENCH_RESULTS;
  t.teardown(() => {
    if (saved === undefined) delete process.env.TSNET_BENCH_RESULTS;
    else process.env.TSNET_BENCH_RESULTS = saved;
  });
  delete process.env.TSNET_BENCH_RESULTS;
  record(figure);
  process.env.TSNET_BENCH_RESULTS = file;
  record(figure);
  record({ ...figure, figure: '--help' });
  t.same(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).figure),
    ['list', '--help'],
  );
});

import t from 'tap';
import { createRequire } from 'node:module';
import pc from '../../src/report/colors.js';

t.test('colors are picocolors itself, required rather than imported', async (t) => {
  t.equal(pc, createRequire(import.meta.url)('picocolors'));
  t.match(pc.bold('x'), /x/);
});

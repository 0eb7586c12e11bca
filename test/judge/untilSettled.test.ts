import { readFileSync } from 'node:fs';
import t from 'tap';
import { untilSettled } from '../../src/judge/untilSettled.js';
import type { Shell } from '../../src/target/shell.js';

const captured = (name: string): string =>
  readFileSync(new URL(`../fixtures/settle/${name}.txt`, import.meta.url), 'utf8');

/** A shell whose readings are captured outputs, one per exec, the last repeated. */
function readings(outputs: string[]): Shell & { reads: number } {
  const shell = {
    reads: 0,
    async exec(line: string) {
      if (!line.includes('@@tsnet settle')) throw new Error(`unexpected: ${line}`);
      const stdout = outputs[Math.min(shell.reads++, outputs.length - 1)]!;
      return { line, exitCode: 0, stdout, stderr: '', durationMs: 0 };
    },
    async execAll() {
      throw new Error('no probes here');
    },
    async close() {},
  };
  return shell;
}

t.test('a settled target is read once, and nothing is waited for', async (t) => {
  const shell = readings([captured('after-lesson-7')]);
  t.strictSame(await untilSettled(shell, '/run/tsnet/outside'), { comingUp: null, late: [] });
  t.equal(shell.reads, 1);
});

t.test('a port still listening is read again until it forwards', async (t) => {
  const shell = readings([captured('stp-port-listening'), captured('stp-port-listening'), captured('after-lesson-7')]);
  t.equal((await untilSettled(shell, null)).comingUp, null);
  t.equal(shell.reads, 3);
});

t.test('what is still coming up at the limit is said, so silence is not taken for an answer', async (t) => {
  const shell = readings([captured('stp-port-listening')]);
  const started = Date.now();
  t.equal((await untilSettled(shell, null, 120)).comingUp, 'pstp: bridge port listening');
  t.ok(Date.now() - started >= 120, 'waited up to the limit');
  t.ok(shell.reads >= 2);
});

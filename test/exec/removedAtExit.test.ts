import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { removedAtExit } from '../../src/exec/removedAtExit.js';

/** Exit listeners kept here instead of on the process, so the test can play the exit. */
function hooks() {
  const listeners: (() => void)[] = [];
  return {
    listeners,
    once: (_: string, f: () => void) => (listeners.push(f), undefined as never),
    off: (_: string, f: () => void) => (listeners.splice(listeners.indexOf(f), 1), undefined as never),
  };
}

t.test('a directory registered is removed, with what it holds, when the process exits', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-exit-test-'));
  writeFileSync(join(dir, 'rc'), 'x');
  const h = hooks();
  removedAtExit(dir, h as never);
  t.ok(existsSync(dir), 'still there while the process runs');
  for (const f of h.listeners) f();
  t.notOk(existsSync(dir), 'gone at exit');
});

t.test('removing it early removes it now and leaves no hook behind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-exit-test-'));
  const h = hooks();
  const remove = removedAtExit(dir, h as never);
  remove();
  t.notOk(existsSync(dir));
  t.equal(h.listeners.length, 0);
});

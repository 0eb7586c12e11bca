import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const LOCK = fileURLToPath(new URL('../../dist/src/lab/labLock.js', import.meta.url));

t.test('creators of different labs at once never trip over the shared locks directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-lock-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Each one takes and releases its own lock many times; a release removes the emptied directory,
  // which another process may be just about to write into.
  const script = `const { lockLab } = await import(${JSON.stringify(LOCK)}); for (let i = 0; i < 40; i++) (await lockLab(process.argv[1]))();`;
  const codes = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, `lab${i}`], { env: { ...process.env, NODE_OPTIONS: '', TSNET_STATE_DIR: join(dir, 'state') } });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      }),
    ),
  );
  for (const [i, r] of codes.entries()) t.equal(r.code, 0, `creator ${i}: ${r.stderr}`);
  t.notOk(existsSync(join(dir, 'state', 'locks')), 'no lock and no empty directory is left');
});

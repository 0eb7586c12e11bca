// The safety net under every integration test: a test process killed outright (tap kills a file that
// times out, and teardowns do not run) still leaves no lab, process or state directory behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import t from 'tap';
import { eventually, processesWith } from './harness.js';

const HARNESS = new URL('./harness.ts', import.meta.url).href;
// tap's TypeScript loader, so that the child can import the harness as a test does.
const loader = process.execArgv.filter((a) => a.includes('@tapjs/typescript'));

t.test('a test process killed without its teardown leaves no lab, no process and no state directory', async (t) => {
  // A test as it would be when killed: a sandbox with a lab in it, and no cleanup.
  const script = `const { sandbox } = await import(${JSON.stringify(HARNESS)}); const box = sandbox(); const r = await box.run(['lab', 'create', 'left']); process.stdout.write(JSON.stringify({ code: r.code, stateDir: box.stateDir, processes: box.processes().length }) + '\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, [...loader, '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => void child.kill('SIGKILL'));
  const seen = await new Promise<{ code: number; stateDir: string; processes: number }>((resolve, reject) => {
    let out = '';
    child.stdout.on(
      'data',
      (d: Buffer) => (
        (out += d),
        out.includes('\n') && resolve(JSON.parse(out) as { code: number; stateDir: string; processes: number })
      ),
    );
    child.on('exit', (code) => reject(new Error(`the child exited (${code}) first: ${out}`)));
  });
  t.equal(seen.code, 0, 'the lab was made');
  t.ok(seen.processes > 0, 'and runs');
  child.kill('SIGKILL');
  await eventually(() => !existsSync(seen.stateDir) && processesWith(seen.stateDir).length === 0, 10_000);
  t.same(processesWith(seen.stateDir), [], 'no process of the killed test is left');
  t.notOk(existsSync(seen.stateDir), 'nor its state directory');
});

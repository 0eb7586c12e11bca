import t from 'tap';
import { run, runAttached, runSync, signalExitCode, startChild } from '../../src/exec/spawn.js';

t.test('run gives one record for success and failure alike', async (t) => {
  const ok = await run('sh', ['-c', 'echo out; echo err >&2']);
  t.strictSame(ok, { exitCode: 0, signal: null, stdout: 'out\n', stderr: 'err\n', error: null });
  const failed = await run('sh', ['-c', 'echo nope >&2; exit 3']);
  t.strictSame([failed.exitCode, failed.stderr, failed.error], [3, 'nope\n', null]);
  const missing = await run('/nonexistent/tsnet-no-such-program', []);
  t.equal(missing.exitCode, null);
  t.match(missing.error, /ENOENT/);
});

t.test('run adds its env to this process environment and stops a program at its time limit', async (t) => {
  const env = await run('printenv', ['TSNET_SPAWN_TEST', 'PATH'], { env: { TSNET_SPAWN_TEST: 'seen' } });
  t.equal(env.stdout, `seen\n${process.env.PATH}\n`);
  const slow = await run('sleep', ['5'], { timeoutMs: 100 });
  t.equal(slow.signal, 'SIGKILL');
  t.match(slow.error, /stopped after 100 ms/);
});

t.test('runSync answers the same as run, synchronously', async (t) => {
  t.strictSame(runSync('sh', ['-c', 'echo out; echo err >&2; exit 4'], { env: { LC_ALL: 'C' } }), {
    exitCode: 4,
    signal: null,
    stdout: 'out\n',
    stderr: 'err\n',
    error: null,
  });
  t.match(runSync('/nonexistent/tsnet-no-such-program', []).error, /ENOENT/);
});

t.test('runAttached ends with the exit code of the program, or 128+n for signal n', async (t) => {
  t.strictSame(await runAttached('sh', ['-c', 'exit 7']), { exitCode: 7, error: null });
  t.strictSame(await runAttached('sh', ['-c', 'kill -TERM $$']), { exitCode: 143, error: null });
  t.equal(signalExitCode('SIGINT'), 130);
  const missing = await runAttached('/nonexistent/tsnet-no-such-program', []);
  t.equal(missing.exitCode, 127);
  t.match(missing.error, /ENOENT/);
});

t.test('runAttached leaves no signal listener behind', async (t) => {
  const before = ['SIGINT', 'SIGQUIT', 'SIGTERM'].map((s) => process.listenerCount(s));
  const running = runAttached('sh', ['-c', 'exit 0'], { forward: { SIGTERM: 'SIGHUP' } });
  t.equal(process.listenerCount('SIGTERM'), before[2]! + 1, 'SIGTERM is passed on while it runs');
  await running;
  t.strictSame(
    ['SIGINT', 'SIGQUIT', 'SIGTERM'].map((s) => process.listenerCount(s)),
    before,
  );
});

t.test('startChild starts a program that keeps running, with piped streams', async (t) => {
  const child = startChild('cat', []);
  let echoed = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (echoed += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end('still here\n');
  t.equal(await exited, 0);
  t.equal(echoed, 'still here\n');
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { execSequence, framedCommand, openShell, type Shell } from '../../src/target/shell.js';
import { execaSpawner, nodeSpawner } from '../../src/exec/spawn.js';

const SEP = '\x1e';

t.test(
  'framedCommand evals the line quoted, with stdin from /dev/null, then prints the status on both streams',
  async (t) => {
    t.equal(
      framedCommand(3, 'echo hi', {}, '/run/tsnet/jobs'),
      `eval 'echo hi' </dev/null; __tsnet_rc=$?\nprintf '${SEP}TSNET:3:%s${SEP}' "$__tsnet_rc"; printf '${SEP}TSNET:3${SEP}' >&2\n`,
    );
  },
);

t.test('framedCommand quotes single quotes in the line', async (t) => {
  const framed = framedCommand(1, "echo 'it'\"'\"'s' > /tmp/x", {}, '/tmp');
  t.equal(framed.split('\n')[0], `eval 'echo '\\''it'\\''"'\\''"'\\''s'\\'' > /tmp/x' </dev/null; __tsnet_rc=$?`);
});

t.test("a background job with a port waits for that port (hex) to listen in the job's namespace", async (t) => {
  const framed = framedCommand(
    7,
    'nsenter --net=/run/netns/netns0 python3 -m http.server --bind 172.18.0.10 5000',
    { background: { port: 5000 } },
    '/run/tsnet/jobs',
  );
  t.match(
    framed,
    `eval 'exec setsid nsenter --net=/run/netns/netns0 python3 -m http.server --bind 172.18.0.10 5000' </dev/null >/run/tsnet/jobs/job-${process.pid}-7.log 2>&1 & __tsnet_pid=$!`,
  );
  t.match(framed, "IFS= read -r -d '' __tsnet_t </proc/$__tsnet_pid/net/tcp;");
  t.match(framed, '[0-9A-F]+:1388\\ [0-9A-F]+:[0-9A-F]+\\ 0A ]]');
  const loop = framed.slice(framed.indexOf('while'), framed.indexOf('done'));
  t.notMatch(
    loop,
    /\bgrep\b|\bsleep\b|\$\((?!\()/,
    'bash reads and matches the socket table and naps itself: no process per poll',
  );
  t.match(loop, 'read -t $__tsnet_p -u $__tsnet_nap', 'a nap is a read that times out');
  t.match(framed, 'listening on port 5000');
  t.match(framed, `printf '${SEP}TSNET:7:%s${SEP}' "$__tsnet_rc"`);
});

t.test('the port is four hex digits, upper case', async (t) => {
  t.match(framedCommand(1, 'python3 -m http.server 80', { background: { port: 80 } }, '/tmp'), ':0050\\ ');
  t.match(framedCommand(1, 'python3 -m http.server', { background: { port: 8000 } }, '/tmp'), ':1F40\\ ');
});

t.test('a background job without a port drops its & and only has to stay alive briefly', async (t) => {
  const framed = framedCommand(2, 'sleep 30 &', { background: { port: null } }, '/tmp/jobs');
  t.match(framed, "eval 'exec setsid sleep 30' </dev/null");
  t.match(framed, 'if [ $__tsnet_n -ge 25 ]; then __tsnet_rc=0; break; fi');
  t.notMatch(framed, '/proc/$__tsnet_pid/net/tcp');
});

t.test('a persistent local bash', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  const shell: Shell = await openShell([], dir);
  t.teardown(async () => {
    await shell.close();
    rmSync(dir, { recursive: true, force: true });
  });

  t.test('lines sent at once run in order and answer in order, each with its own output', async (t) => {
    const answers = await Promise.all([
      shell.exec('sleep 0.05; echo first'),
      shell.exec('echo second >&2; (exit 4)'),
      shell.exec('echo third'),
    ]);
    t.strictSame(
      answers.map((r) => [r.stdout, r.stderr, r.exitCode]),
      [
        ['first\n', '', 0],
        ['', 'second\n', 4],
        ['third\n', '', 0],
      ],
    );
  });

  t.test('a sequence stops at a line that fails, unless it may fail; what is sent after it still runs', async (t) => {
    const file = join(dir, 'sequence.log');
    const answers = execSequence(shell, [
      { line: `echo a >> ${file}`, mayFail: false },
      { line: `echo b >> ${file}; false`, mayFail: true },
      { line: `echo c >> ${file}; (exit 3)`, mayFail: false },
      { line: `echo d >> ${file}`, mayFail: false },
    ]);
    const after = shell.exec(`echo after >> ${file}; cat ${file}`);
    const codes = (await Promise.all(answers)).map((r) => r?.exitCode ?? null);
    t.strictSame(codes, [0, 1, 3, null], 'd is not run');
    t.equal((await after).stdout, 'a\nb\nc\nafter\n');
    const again = await Promise.all(execSequence(shell, [{ line: 'echo next', mayFail: false }]));
    t.equal(again[0]?.stdout, 'next\n', 'a new sequence starts afresh');
  });

  t.test('runs a line and returns its output and status', async (t) => {
    const r = await shell.exec('echo hello');
    t.equal(r.line, 'echo hello');
    t.equal(r.stdout, 'hello\n');
    t.equal(r.stderr, '');
    t.equal(r.exitCode, 0);
    t.type(r.durationMs, 'number');
  });

  t.test('keeps stdout and stderr apart, and reports a failing status', async (t) => {
    const r = await shell.exec('echo out; echo err >&2; (exit 3)');
    t.strictSame([r.stdout, r.stderr, r.exitCode], ['out\n', 'err\n', 3]);
    t.equal((await shell.exec('false')).exitCode, 1);
    t.equal((await shell.exec('no-such-command-tsnet')).exitCode, 127);
  });

  t.test('returns output without a trailing newline as is', async (t) => {
    t.equal((await shell.exec('printf abc')).stdout, 'abc');
    t.equal((await shell.exec('printf "a\\nb"')).stdout, 'a\nb');
  });

  t.test('passes quotes through to bash unchanged', async (t) => {
    t.equal((await shell.exec(`printf '%s\\n' "it's" 'say "hi"'`)).stdout, `it's\nsay "hi"\n`);
  });

  t.test('gives a command that reads stdin an immediate EOF', async (t) => {
    t.equal((await shell.exec('cat')).stdout, '');
    t.equal((await shell.exec('read -r x; echo "read returned $?"')).stdout, 'read returned 1\n');
  });

  t.test('keeps shell state from one line to the next', async (t) => {
    await shell.exec('X=1');
    t.equal((await shell.exec('echo $X')).stdout, '1\n');
    await shell.exec('cd /');
    t.equal((await shell.exec('pwd')).stdout, '/\n');
  });

  t.test('runs lines one after the other, in the order given', async (t) => {
    const results = await Promise.all([
      shell.exec('sleep 0.1; echo 1'),
      shell.exec('echo 2'),
      shell.exec('echo 3 >&2'),
    ]);
    t.strictSame(
      results.map((r) => r.stdout + r.stderr),
      ['1\n', '2\n', '3\n'],
    );
  });

  t.test('starts in an empty directory under the jobs directory', async (t) => {
    t.ok(existsSync(join(dir, 'www')));
  });

  t.test('a background job without a port is reported started once it stays up, with its log', async (t) => {
    const r = await shell.exec('sleep 1 &', { background: { port: null } });
    t.equal(r.exitCode, 0);
    t.equal(r.stderr, '');
    const m = /^started in the background \(pid (\d+)\); log: (\S+)\n$/.exec(r.stdout);
    t.ok(m, r.stdout);
    const log = m?.[2] ?? '';
    t.equal(
      log.slice(0, log.lastIndexOf('-')),
      join(dir, `job-${process.pid}`),
      'the log is in the jobs directory, named by our pid',
    );
  });

  t.test('a background job that exits before it listens fails with its output and status', async (t) => {
    const r = await shell.exec(`sh -c 'echo cannot bind >&2; exit 4'`, { background: { port: 1 } });
    t.equal(r.exitCode, 1);
    t.equal(r.stdout, '');
    t.equal(r.stderr, 'cannot bind\nthe background job exited with status 4\n');
  });

  t.test('runs probe lines side by side and returns each status and output', async (t) => {
    const trimmed = (rs: { exitCode: number; output: string }[]): { exitCode: number; output: string }[] =>
      rs.map((r) => ({ ...r, output: r.output.trim() }));
    t.strictSame(trimmed(await shell.execAll(['echo a', 'echo b >&2; exit 3', 'printf c'])), [
      { exitCode: 0, output: 'a' },
      { exitCode: 3, output: 'b' },
      { exitCode: 0, output: 'c' },
    ]);
    t.strictSame(trimmed(await shell.execAll(['echo one'])), [{ exitCode: 0, output: 'one' }]);
    t.strictSame(await shell.execAll([]), []);
  });
});

t.test('exit in a line ends the shell; that line and later ones are rejected', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const shell = await openShell([], dir);
  await t.rejects(shell.exec('echo bye >&2; exit 5'), { message: 'the shell in the target ended (exit 5): bye' });
  await t.rejects(shell.exec('echo again'), { message: 'the shell in the target ended (exit 5): bye' });
  await shell.close();
});

t.test('a line that runs too long stops the shell', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const shell = await openShell([], dir);
  await t.rejects(shell.exec('sleep 2', { timeoutMs: 1000 }), {
    message: '`sleep 2` did not finish within 1.0 s; the shell was stopped',
  });
  await t.rejects(shell.exec('echo again'), {
    message: '`sleep 2` did not finish within 1.0 s; the shell was stopped',
  });
  await shell.close();
});

t.test('close ends the shell; later lines are rejected', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const shell = await openShell([], dir);
  t.equal((await shell.exec('echo ready')).stdout, 'ready\n');
  await shell.close();
  await t.rejects(shell.exec('echo again'), { message: 'the shell in the target ended (exit 0)' });
  await shell.close();
  t.pass('closing twice is harmless');
});

t.test('a shell that cannot start rejects its lines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const shell = await openShell(['/nonexistent/tsnet-no-such-program'], dir);
  await t.rejects(shell.exec('echo hi'), { message: /^cannot start \/nonexistent\/tsnet-no-such-program: / });
  await shell.close();
});

t.test('a background job writes its output to the log, not to the result', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const shell = await openShell([], dir);
  const r = await shell.exec(`sh -c 'echo logged; sleep 0.5'`, { background: { port: null } });
  t.equal(r.exitCode, 0);
  const log = /log: (\S+)/.exec(r.stdout)?.[1];
  t.ok(log, r.stdout);
  t.equal(readFileSync(log!, 'utf8'), 'logged\n');
  await shell.close();
});

for (const [name, spawner] of [
  ['execa', execaSpawner],
  ["node's own spawn", nodeSpawner],
] as const) {
  t.test(`started with ${name}, the shell frames output, status and failures alike`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const shell = await openShell([], dir, spawner);
    const r = await shell.exec('echo out; echo err >&2; (exit 3)');
    t.strictSame([r.stdout, r.stderr, r.exitCode], ['out\n', 'err\n', 3]);
    // A step's commands: sent at once to the shell this spawner started, stopped at the first failure.
    const steps = await Promise.all(
      execSequence(shell, [
        { line: 'echo one', mayFail: false },
        { line: '(exit 6)', mayFail: false },
        { line: 'echo never', mayFail: false },
      ]),
    );
    t.strictSame(
      steps.map((s) => (s ? [s.stdout, s.exitCode] : null)),
      [['one\n', 0], ['', 6], null],
    );
    t.strictSame(await shell.execAll(['echo a', 'exit 4']), [
      { exitCode: 0, output: 'a\n' },
      { exitCode: 4, output: '\n' },
    ]);
    await t.rejects(shell.exec('exit 5'), { message: 'the shell in the target ended (exit 5)' });
    await shell.close();
    const missing = await openShell(['/nonexistent/tsnet-no-such-program'], dir, spawner);
    await t.rejects(missing.exec('echo hi'), { message: /^cannot start \/nonexistent\/tsnet-no-such-program: / });
    await missing.close();
  });
}

t.test('curl shows what it would show on a terminal: the page and its errors, no progress meter', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  const server = createServer((_, res) => res.end('<html>hello</html>\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const shell = await openShell([], dir);
  // Where nothing may be written in the target (pid:PID).
  const readOnly = await openShell([], null);
  t.teardown(async () => {
    await shell.close();
    await readOnly.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const page = await shell.exec(`curl 127.0.0.1:${port}`);
  t.equal(page.exitCode, 0);
  t.equal(page.stdout, '<html>hello</html>\n');
  t.equal(page.stderr, '', 'no progress meter, as on a terminal');
  // Inside a context a line runs under `bash -c`, or behind a wrapper: the same there.
  for (const line of [`bash -c 'curl 127.0.0.1:${port}'`, `env curl 127.0.0.1:${port}`])
    t.equal((await shell.exec(line)).stderr, '', line);
  for (const line of [`curl 127.0.0.1:${port}`, `bash -c 'curl 127.0.0.1:${port}'`]) {
    const r = await readOnly.exec(line);
    t.same([r.stdout, r.stderr], ['<html>hello</html>\n', ''], `${line}, writing nothing in the target`);
  }
  // Port 1 on loopback: nothing listens there, and the refusal is shown as a terminal shows it.
  const refused = await shell.exec('curl 127.0.0.1:1');
  t.equal(refused.exitCode, 7);
  t.match(refused.stderr, /^curl: \(7\) Failed to connect to 127\.0\.0\.1 port 1/);
  t.notMatch(refused.stderr, /% Total/);
});

t.test('a shell without sequences runs one line at a time, and stops the same way', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-shell-test-'));
  const real = await openShell([], dir);
  t.teardown(async () => {
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const sent: string[] = [];
  const plain: Shell = {
    exec: (line, options) => (sent.push(line), real.exec(line, options)),
    execAll: (lines) => real.execAll(lines),
    close: async () => undefined,
  };
  const answers = await Promise.all(
    execSequence(plain, [
      { line: 'false', mayFail: true },
      { line: '(exit 2)', mayFail: false },
      { line: 'echo never', mayFail: false },
    ]),
  );
  t.strictSame(
    answers.map((r) => r?.exitCode ?? null),
    [1, 2, null],
  );
  t.strictSame(sent, ['false', '(exit 2)'], 'the line after the failure is never sent');
});

t.test('where nothing may be written in the target (pid:PID), probe lines still run side by side', async (t) => {
  const readOnly = await openShell([], null);
  t.teardown(() => readOnly.close());
  const started = Date.now();
  const results = await readOnly.execAll(['sleep 1; echo a', 'sleep 1; echo b >&2; exit 3']);
  const ms = Date.now() - started;
  t.strictSame(results, [
    { exitCode: 0, output: 'a\n' },
    { exitCode: 3, output: '\nb' },
  ]);
  t.ok(ms < 1900, `two lines of 1 s took ${ms} ms`);
});

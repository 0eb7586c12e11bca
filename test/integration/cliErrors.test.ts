// Bad input gets a clear message, exit code 2 and changes nothing.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { NOBODY, sandbox } from './harness.js';

const noLabs = (dir: string): boolean => !existsSync(join(dir, 'labs')) || readdirSync(join(dir, 'labs')).length === 0;

t.test('an unknown lesson exits 2 with one line that lists the known ids', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['run', 'lesson-9']);
  t.equal(r.code, 2);
  t.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
  t.match(r.stderr, /^tsnet-learn: Unknown lesson "lesson-9"; the lessons are lesson-1, .*lesson-7\b/);
  t.ok(noLabs(box.stateDir), 'no lab was created');
});

t.test('a path that is no lesson file gets one line saying what it is, for run, show and check', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const dir = join(box.stateDir, 'input');
  mkdirSync(dir);
  writeFileSync(join(dir, 'empty.md'), '');
  writeFileSync(join(dir, 'binary.md'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]));
  const cases: [string, RegExp][] = [
    [join(dir, 'missing.md'), /^tsnet-learn: No file .*missing\.md\b/],
    [dir, /^tsnet-learn: .*input is a directory, not a lesson file/],
    [join(dir, 'empty.md'), /^tsnet-learn: .*empty\.md is empty/],
    [join(dir, 'binary.md'), /^tsnet-learn: .*binary\.md is not a text file/],
  ];
  for (const command of ['run', 'show', 'check'])
    for (const [arg, said] of cases) {
      const r = await box.run([command, arg]);
      t.equal(r.code, 2, `${command} ${arg} exits 2`);
      t.equal(r.stderr.split('\n').filter(Boolean).length, 1, `${command} ${arg}: one line\n${r.stderr}`);
      t.match(r.stderr, said);
      t.notMatch(r.stderr, /expected frontmatter|lesson-1 /, 'no parse error, no list of lessons');
      t.equal(r.stdout, '', 'nothing ran');
    }
  t.ok(noLabs(box.stateDir), 'no lab was created');
});

t.test('a lesson file with a malformed check exits 2 with file:line:col and runs nothing', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['run', 'test/fixtures/lessons/malformed-check/lesson.md']);
  t.equal(r.code, 2);
  t.match(r.stderr, /test\/fixtures\/lessons\/malformed-check\/lesson\.md:15:1 +error +Unexpected check kind `linq`/);
  t.match(r.stderr, /lesson\.md:16:6 /);
  t.match(r.stderr, /5 errors/);
  t.equal(r.stdout, '', 'nothing ran');
  t.ok(noLabs(box.stateDir), 'no lab was created');
});

t.test('a usage error exits 2', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['run']);
  t.equal(r.code, 2);
  t.match(r.stderr, /missing required argument 'lesson'/);
  const bad = await box.run(['run', '1', '--format', 'xml']);
  t.equal(bad.code, 2);
  const target = await box.run(['run', '1', '--target', 'moon']);
  t.equal(target.code, 2);
  t.match(target.stderr, /Unknown target "moon"/);
});

t.test('a pid target that names no process exits 2 with how to name one, and makes nothing', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  // Above the kernel's largest pid: no process has it.
  for (const command of ['run', 'check']) {
    const r = await box.run([command, '1', '--target', 'pid:99999999']);
    t.equal(r.code, 2, command);
    t.match(
      r.stderr,
      /No process 99999999: --target pid:99999999 names a process running inside the network to work on/,
    );
    t.match(r.stderr, /docker inspect/);
    t.equal(r.stdout, '', 'nothing ran');
  }
  t.notOk(existsSync(box.stateDir) && readdirSync(box.stateDir).length > 0, 'nothing was made, not even a claim');
});

t.test(
  'unprivileged, a pid target gets the right reason: no such process, or one whose network it cannot read',
  async (t) => {
    const box = sandbox(NOBODY);
    t.teardown(() => box.cleanup());
    const gone = await box.run(['check', '6', '--target', 'pid:99999999'], { asUser: NOBODY });
    t.equal(gone.code, 2);
    t.match(gone.stderr, /No process 99999999/);
    // pid 1 is root's: it exists, and this user may not read its namespaces.
    const init = await box.run(['check', '6', '--target', 'pid:1'], { asUser: NOBODY });
    t.equal(init.code, 2);
    t.notMatch(init.stderr, /No process/);
    t.match(
      init.stderr,
      /Process 1 exists, but this user \(uid 65534\) may not read its network namespace; it runs as uid 0/,
    );
    t.match(init.stderr, /as root/);
    t.equal(init.stdout, '', 'nothing was graded');
  },
);

t.test('--target host refuses without root and touches nothing', async (t) => {
  const box = sandbox(NOBODY);
  t.teardown(() => box.cleanup());
  const r = await box.run(['run', '1', '--target', 'host'], { asUser: NOBODY });
  t.equal(r.code, 2);
  t.match(r.stderr, /--target host needs root/);
});

t.test('a missing tool is named with the package that installs it', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  // A machine with node on its PATH, and none of the tools.
  const onlyNode = join(box.stateDir, 'only-node');
  mkdirSync(onlyNode);
  symlinkSync(process.execPath, join(onlyNode, 'node'));
  const r = await box.run(['run', '1'], { env: { PATH: onlyNode } });
  t.equal(r.code, 2);
  t.match(r.stderr, /Missing tools: .*curl/);
  t.match(r.stderr, /apt-get install -y .*iputils-ping/);
  t.ok(noLabs(box.stateDir));
});

t.test('destroying a lab that does not exist says so and exits 0', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['lab', 'destroy', 'never-made']);
  t.equal(r.code, 0);
  t.match(r.stdout, /There is no lab "never-made"/);
});

t.test('--help helps, for every command', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  for (const args of [['--help'], ['run', '--help'], ['lab', '--help'], ['show', '--help'], ['list', '--help']]) {
    const r = await box.run(args);
    t.equal(r.code, 0, `${args.join(' ')} exits 0`);
    t.match(r.stdout, /Usage: tsnet-learn/);
  }
  t.match((await box.run(['run', '--help'])).stdout, /Examples:/);
});

t.test('--target host refuses a lesson whose curl would leave the machine, before touching anything', async (t) => {
  // A sandbox stands in for the host: a fresh network namespace that does not own 172.16.0.2.
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['run', '7', '--target', 'host'], {
    wrap: ['unshare', '--net', '--mount', '--propagation', 'private', '--'],
  });
  t.equal(r.code, 2, r.stderr);
  t.match(
    r.stderr,
    /`curl 172\.16\.0\.2:5000` \(lesson-7\) would send traffic to 172\.16\.0\.2, which is not an address of this machine/,
  );
  t.match(r.stderr, /Run it in a lab/);
});

t.test('every error line starts the same way: tsnet-learn, then the message', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  for (const [args, says] of [
    [['run'], /^tsnet-learn: missing required argument 'lesson'\n/],
    [['run', '1', '--format', 'xml'], /^tsnet-learn: option '-f, --format <format>' argument 'xml' is invalid/],
    [['run', '1', '--bogus'], /^tsnet-learn: unknown option '--bogus'\n/],
    [['rnu'], /^tsnet-learn: unknown command 'rnu'\n\(Did you mean run\?\)/],
    [['run', 'lesson-9'], /^tsnet-learn: Unknown lesson "lesson-9";/],
    [['--target', 'host'], /^tsnet-learn: The overview shows how far you got in a lab, not in host\./],
  ] as const) {
    const r = await box.run([...args]);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, says, args.join(' '));
  }
  t.ok(noLabs(box.stateDir), 'no lab was created');
});

// One way to name a lab (--target lab:NAME), one command run inside a lab, and machine-readable lists.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { hostNetwork, sandbox } from './harness.js';

const noLabs = (dir: string): boolean => !existsSync(join(dir, 'labs')) || readdirSync(join(dir, 'labs')).length === 0;

interface LabSeen {
  name: string;
  status: string;
  pid: number;
  rootless: boolean;
  createdAt: string;
  creator: { pid: number; command: string } | null;
}

t.test('lab exec runs one command inside the lab and exits with its exit code', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  t.equal((await box.run(['lab', 'create', 'it-exec'])).code, 0);
  const addr = await box.run(['lab', 'exec', 'it-exec', '--', 'ip', '-br', 'addr', 'show', 'dev', 'eth0']);
  t.equal(addr.code, 0, addr.stderr);
  t.match(addr.stdout, /^eth0@\S+ +UP +172\.16\.0\.2\/24/, "the lab's own uplink, not this machine's");
  t.equal((await box.run(['lab', 'exec', 'it-exec', '--', 'sh', '-c', 'exit 7'])).code, 7);
  t.equal(
    (await box.run(['lab', 'exec', 'it-exec', 'sh', '-c', 'exit 3'])).code,
    3,
    'without --, the options after the lab name are the command’s too',
  );
  t.equal((await box.run(['lab', 'exec', 'it-exec', '--', 'sh', '-c', 'kill -TERM $$'])).code, 143, '128 + SIGTERM');
  // A change made with exec stays in the lab.
  t.equal((await box.run(['lab', 'exec', 'it-exec', '--', 'ip', 'netns', 'add', 'it-exec-ns'])).code, 0);
  t.match((await box.run(['lab', 'exec', 'it-exec', '--', 'ip', 'netns', 'list'])).stdout, /^it-exec-ns$/m);
  t.same(hostNetwork(), before, 'the host network is untouched');
});

t.test('lab exec of a lab that does not exist exits 2 and creates nothing', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['lab', 'exec', 'it-ghost', '--', 'true']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^tsnet-learn: No lab named "it-ghost"\./);
  t.match(r.stderr, /tsnet-learn lab create it-ghost/);
  const bare = await box.run(['lab', 'exec', 'it-ghost', '--']);
  t.equal(bare.code, 2);
  t.match(bare.stderr, /^tsnet-learn: lab exec needs a command\./);
  t.ok(noLabs(box.stateDir), 'no lab was created');
});

t.test('lab list has a header line, and --format json lists each lab with its status and pid', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  t.strictSame(JSON.parse((await box.run(['lab', 'list', '--format', 'json'])).stdout), []);
  t.equal((await box.run(['lab', 'create', 'it-list'])).code, 0);
  const pretty = await box.run(['lab', 'list']);
  t.match(pretty.stdout, /^NAME +STATUS\nit-list +running +pid \d+/);
  const r = await box.run(['lab', 'list', '--format', 'json']);
  t.equal(r.code, 0);
  const labs = JSON.parse(r.stdout) as LabSeen[];
  t.equal(labs.length, 1);
  t.match(labs[0], {
    name: 'it-list',
    status: 'running',
    rootless: false,
    creator: { command: 'tsnet-learn lab create' },
  });
  t.equal(labs[0]!.pid, box.records()['it-list']!.initPid, "the pid is the lab's init");
  t.equal((await box.run(['lab', 'list', '--format', 'xml'])).code, 2);
});

t.test('show --format json gives the steps, where each command runs, and the checks', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['show', '6', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const shown = JSON.parse(r.stdout) as {
    id: string;
    applies: string[];
    steps: {
      index: number;
      kind: string;
      commands: { line: string; context: string; runsAs: string | null }[];
      checks: { id: string; kind: string; transient: boolean }[];
    }[];
  };
  t.equal(shown.id, 'lesson-6');
  t.strictSame(shown.applies, ['lesson-5'], 'its prerequisites, applied first');
  t.strictSame(
    shown.steps.map((s) => s.index),
    [1, 2, 3, 4],
  );
  const forward = shown.steps[1]!;
  t.match(forward.commands[0], { context: 'host', line: /ip_forward/ });
  t.match(forward.checks[0], { id: 'lesson-6:2.1', kind: 'sysctl', transient: false });
  t.ok(
    shown.steps.some((s) => s.checks.some((c) => c.transient)),
    'a "not yet" claim is marked transient',
  );
  const unknown = await box.run(['show', '99', '--format', 'json']);
  t.equal(unknown.code, 2);
  t.equal(unknown.stdout, '');
});

t.test('learn --target lab:NAME practises in that lab; --lab NAME still works; a non-lab is refused', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  // No terminal: the learner's shell reads the end of its input and leaves at once.
  const r = await box.run(['learn', '2', '--target', 'lab:it-learn-target']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /tsnet-learn learn lesson-2 in lab "it-learn-target" \(new lab\)/);
  t.match(r.stdout, /Come back: tsnet-learn learn lesson-2 --target lab:it-learn-target/);
  t.ok(box.records()['it-learn-target'], 'the lab is made under the name given');

  const old = await box.run(['learn', '2', '--lab', 'it-learn-target']);
  t.equal(old.code, 0, old.stderr);
  t.match(old.stdout, /in lab "it-learn-target"(?! \(new lab\))/, 'the deprecated --lab names the same lab');

  const both = await box.run(['learn', '2', '--lab', 'it-learn-target', '--target', 'lab:it-other']);
  t.equal(both.code, 2);
  t.match(both.stderr, /^tsnet-learn: --lab it-learn-target and --target lab:it-other name two different labs\./);
  const host = await box.run(['learn', '2', '--target', 'host']);
  t.equal(host.code, 2);
  t.match(host.stderr, /^tsnet-learn: learn practises in a lab, not in host\./);
  t.strictSame(Object.keys(box.records()), ['it-learn-target'], 'no other lab was made');

  // The overview, pointed at that lab, shows how far the learner got there.
  const overview = await box.run(['--target', 'lab:it-learn-target']);
  t.equal(overview.code, 0, overview.stderr);
  t.match(overview.stdout, /how far you got in the lab "it-learn-target"/);
  t.match(overview.stdout, /^lesson-1 .* done$/m);
  t.match(overview.stdout, /Next lesson: tsnet-learn learn lesson-2 --target lab:it-learn-target/);
});

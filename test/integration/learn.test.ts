// `learn` driven on a real terminal (a pty), in a real lab, as root and as an unprivileged user:
// the learner types lesson 3 by hand, a wrong address included.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import t from 'tap';
import { shellQuote } from '../../src/core/shellQuote.js';
import { hostNetwork, isRoot, NOBODY, processesOfLab, sandbox, terminal } from './harness.js';
import { assertNothingLeft } from './interrupts.js';

for (const [who, uid] of [
  ['root', undefined],
  ['an unprivileged user', NOBODY],
] as const) {
  t.test(
    `typing lesson 3 in learn: a failing check and its hint, a prerequisite undone and redone, the ping, the end (${who})`,
    async (t) => {
      if (uid === undefined && !isRoot()) t.fail('the root half of this test must run as root');
      const box = sandbox(uid);
      t.teardown(() => box.cleanup());
      const lab = 'it-learn';
      const term = terminal(box, ['learn', '3', '--target', `lab:${lab}`], { asUser: uid });
      const prompt = (label: string): RegExp => new RegExp(`\\[lab:${lab} ${label}\\] [^\\n]*[#$] $`);

      await term.waitFor(/✓ lesson-1 applied[\s\S]*✓ lesson-2 applied/);
      await term.waitFor(/━━ lesson-3 · step 1 of 1 · Configure netns0 from the inside ━━/);
      await term.waitFor(/✗ step 1 of 1 · 0 of 5 checks hold · failing: lo exists in netns netns0: up/);
      await term.waitFor(prompt('lesson-3 1/1'));

      term.type('echo "dir=$TSNET_LEARN_DIR"');
      const dir = /dir=(\/\S+)/.exec(await term.waitFor(/dir=\/\S+\n/))?.[1];
      t.ok(dir && existsSync(dir), 'the private directory exists while learning');

      // Undoing what a prerequisite built is named at once, and so is the repair.
      term.type('ip addr del 172.18.0.11/16 dev veth0');
      await term.waitFor(
        /⚠ that undid lesson-2 step 4 "Give veth0 an address": veth0 in the host has 172\.18\.0\.11\/16/,
      );
      await term.waitFor(/hint: ip addr add 172\.18\.0\.11\/16 dev veth0/);
      await term.waitFor(prompt('lesson-3 1/1'));
      term.type('ip addr add 172.18.0.11/16 dev veth0');
      await term.waitFor(/✓ lesson-2 step 4 holds again: Give veth0 an address/);
      await term.waitFor(prompt('lesson-3 1/1'));

      term.type('nsenter --net=/run/netns/netns0 bash');
      await term.waitFor(prompt('lesson-3 1/1 netns0'));

      term.type('ip link set lo up');
      await term.waitFor(/what changed:\n\s+~ link lo: down → up \(netns netns0\)/);
      await term.waitFor(/✗ step 1 of 1 · 1 of 5 checks hold/);
      await term.waitFor(prompt('lesson-3 1/1 netns0'));

      term.type('ip link set ceth0 up');
      await term.waitFor(/2 of 5 checks hold/);
      await term.waitFor(prompt('lesson-3 1/1 netns0'));

      // A wrong address: the check says what is there instead.
      term.type('ip addr add 172.18.0.100/16 dev ceth0');
      await term.waitFor(/\+ address 172\.18\.0\.100\/16 on ceth0 \(netns netns0\)/);
      await term.waitFor(
        /✗ step 1 of 1 · 2 of 5 checks hold · failing: ceth0 in netns netns0 has 172\.18\.0\.10\/16 — ceth0 has 172\.18\.0\.100\/16 \(hint\)/,
      );
      await term.waitFor(prompt('lesson-3 1/1 netns0'));
      term.type('hint');
      await term.waitFor(/hint: inside netns0: ip addr add 172\.18\.0\.10\/16 dev ceth0/);
      await term.waitFor(prompt('lesson-3 1/1 netns0'));

      // Ctrl-C stops the learner's command, not learn: the next command is judged as before.
      // The job prints a word that the typed line does not contain once it is running in the foreground.
      term.type(`bash -c 'echo run""ning; exec sleep 60'`);
      await term.waitFor(/^running$/m);
      term.press('\x03');
      await term.waitFor(prompt('lesson-3 1/1 netns0'));

      term.type('ip addr del 172.18.0.100/16 dev ceth0');
      await term.waitFor(/- address 172\.18\.0\.100\/16 on ceth0/);
      await term.waitFor(prompt('lesson-3 1/1 netns0'));
      term.type('ip addr add 172.18.0.10/16 dev ceth0');
      // Every check holds, but the lesson's point is still to come: the ping across the cable.
      const built = await term.waitFor(/✓ step 1 of 1 · 5 of 5 checks hold · now type: ping -c 2 172\.18\.0\.11/);
      t.notMatch(built, /complete/, 'not complete before the ping');
      await term.waitFor(prompt('lesson-3 1/1 netns0'));
      term.type('ping -c 2 172.18.0.11');
      await term.waitFor(/2 packets transmitted, 2 received/);
      await term.waitFor(/✓ step 1 done: Configure netns0 from the inside/);
      await term.waitFor(/✓ right now: netns0 has no route beyond 172\.18\.0\.0\/16 yet/);
      await term.waitFor(/★ lesson-3 complete: Configure the namespace and ping the host/);
      await term.waitFor(/still inside netns0: type exit/);
      await term.waitFor(/Next: tsnet-learn learn lesson-4 --target lab:it-learn/);
      await term.waitFor(prompt('lesson-3 done netns0'));

      term.type('exit');
      await term.waitFor(prompt('lesson-3 done'));
      term.type('exit');
      await term.waitFor(
        /Left lab "it-learn" with lesson-3 complete\. The lab keeps what you built\.[\s\S]*Remove it: tsnet-learn lab destroy it-learn/,
      );
      t.equal(await term.exited, 0, 'learn exits 0 when the learner leaves');
      t.notOk(existsSync(dir!), 'the private directory is removed');

      // The lab stays, with what the learner built: grading it passes.
      const graded = await box.run(['check', '3', '--target', `lab:${lab}`, '--format', 'json'], { asUser: uid });
      t.equal(
        graded.code,
        0,
        `check lesson-3 passes on what was typed${graded.code ? ` ${graded.stdout.slice(0, 2000)}` : ''}`,
      );
      // Coming back to a finished lesson: nothing to do, no shell (named the old way, --lab, which still works).
      const again = await box.run(['learn', '3', '--lab', lab], { asUser: uid });
      t.equal(again.code, 0);
      t.match(again.stdout, /lesson-3 is already complete in lab "it-learn": every check holds\.[\s\S]*--from-scratch/);
      t.match((await box.run(['lab', 'destroy', lab], { asUser: uid })).stdout, /Destroyed lab/);
    },
  );
}

t.test('learn refuses a lesson that does not exist, changing nothing', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['learn', 'lesson-99']);
  t.equal(r.code, 2);
  t.match(r.stderr, /Unknown lesson "lesson-99"/);
  t.match((await box.run(['lab', 'list'])).stdout, /No labs/);
});

t.test('output closed during set-up (| head -1): learn exits 141 and the lab it was creating goes', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  const { argv, env, cwd } = box.command(['learn', '7', '--target', 'lab:learn-piped']);
  // The CLI's own status, not head's: the last line bash prints.
  const script = `${argv.map(shellQuote).join(' ')} </dev/null | head -1; echo "status \${PIPESTATUS[0]}"`;
  const r = spawnSync('bash', ['-c', script], { env, cwd, encoding: 'utf8', timeout: 120_000 });
  const [first, status] = r.stdout.trim().split('\n');
  t.match(first, /^tsnet-learn learn lesson-7 in lab "learn-piped" \(new lab\)$/, 'head got its line');
  t.equal(status, 'status 141', `128 + SIGPIPE, as a shell reports a command ended by a closed pipe\n${r.stderr}`);
  t.match(r.stderr, /tsnet-learn: learn output closed; the lab "learn-piped" it was creating was removed/);
  await assertNothingLeft(t, box, before, []);
});

t.test('SIGTERM while the prerequisites are applied: learn exits 143 and the lab it was creating goes', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  const cli = box.start(['learn', '7', '--target', 'lab:learn-term']);
  await cli.until((out) => out.includes('Preparing the prerequisites'));
  const lab = processesOfLab(box.records()['learn-term']!.initPid);
  t.ok(lab.length > 0, 'the lab was running');
  cli.kill('SIGTERM');
  t.equal((await cli.exit).code, 143, cli.stderr());
  t.match(cli.stderr(), /tsnet-learn: learn terminated; the lab "learn-term" it was creating was removed/);
  await assertNothingLeft(t, box, before, lab);
});

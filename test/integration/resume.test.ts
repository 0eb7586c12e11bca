// Resume: half of lesson 5 typed by hand in a lab, then `run` and `learn` pick it up at the first
// unfinished step. And the other way round: lesson 4's leftovers are not mistaken for half of lesson 5.
import t from 'tap';
import { loadCatalog } from '../../src/lesson/catalog.js';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { checksOf, parseReport, stepsOf } from '../helpers/report.js';
import { isRoot, sandbox, terminal } from './harness.js';

const lesson5 = (await loadCatalog()).byId.get('lesson-5')!;
/** Lesson 5's steps 1 to 3 as the lesson file spells them (no contexts there), one line each. */
const firstHalf = lesson5.steps
  .slice(0, 3)
  .flatMap((s) => s.commands.filter((c) => c.role === 'run').map((c) => c.line));
const lesson5Steps = (r: ReportDocument): string[] =>
  stepsOf(r)
    .filter((s) => s.lesson === 'lesson-5')
    .map((s) => `${s.index} ${s.status}`);

t.test('the first half of lesson 5 is what is typed', async (t) => {
  t.strictSame(firstHalf, [
    'ip netns delete netns0',
    'ip netns delete netns1',
    'ip link delete veth0',
    'ip link delete veth1',
    'ip netns add netns0',
    'ip netns add netns1',
    'ip link add br0 type bridge',
    'ip link set br0 up',
  ]);
});

t.test('resuming in labs built partly by hand', async (t) => {
  if (!isRoot()) t.fail('this test must run as root');
  const box = sandbox();
  t.teardown(() => box.cleanup());

  /** A new lab with the first half of lesson 5 typed into `lab shell`, line by line. */
  const halfBuilt = async (lab: string): Promise<void> => {
    t.equal((await box.run(['lab', 'create', lab])).code, 0);
    const typed = await box.run(['lab', 'shell', lab], { input: `${firstHalf.join('\n')}\nexit\n` });
    t.equal(typed.code, 0, `typed into ${lab}${typed.code ? `: ${typed.stderr}` : ''}`);
  };

  await Promise.all([
    t.test(
      'run lesson-5 starts at the first unfinished step: steps 1 to 3 are satisfied, 4 and 5 run and pass',
      async (t) => {
        await halfBuilt('it-resume-run');
        const r = await box.run(['run', 'lesson-5', '--target', 'lab:it-resume-run', '--format', 'json']);
        const report = parseReport(r);
        t.equal(r.code, 0, r.stderr);
        t.strictSame(lesson5Steps(report), ['1 satisfied', '2 satisfied', '3 satisfied', '4 passed', '5 passed']);
        t.strictSame(
          checksOf(report).filter((c) => c.status === 'failed'),
          [],
        );
      },
    ),

    t.test(
      'learn lesson-5 starts at step 4; once it is typed, step 5 is shown; run then finishes the lesson',
      async (t) => {
        await halfBuilt('it-resume-learn');
        const term = terminal(box, ['learn', 'lesson-5', '--lab', 'it-resume-learn']);
        await term.waitFor(/Steps 1 to 3 are already done in this lab: starting at step 4\./);
        await term.waitFor(/━━ lesson-5 · step 4 of 5 · Plug the host ends into the bridge ━━/);
        await term.waitFor(/\[lab:it-resume-learn lesson-5 4\/5\] [^\n]*# $/);
        for (const c of lesson5.steps[3]!.commands) {
          term.type(c.line);
          await term.waitFor(/\[lab:it-resume-learn lesson-5 [45]\/5\] [^\n]*# $/);
        }
        t.match(
          term.output(),
          /✓ step 4 done: Plug the host ends into the bridge\n\n━━ lesson-5 · step 5 of 5 · Configure both namespaces ━━/,
        );
        t.match(term.output(), /what changed:\n(\s+.*\n)*\s+\+ link veth0 \(veth\): down \(the host\)/);
        t.match(term.output(), /what changed:\n\s+~ link veth0 \(veth\): now on br0 \(the host\)/);
        term.type('exit');
        await term.waitFor(/Left lab "it-resume-learn" at lesson-5 step 5 of 5/);
        t.equal(await term.exited, 0);
        const r = await box.run(['run', 'lesson-5', '--target', 'lab:it-resume-learn', '--format', 'json']);
        t.equal(r.code, 0, r.stderr);
        t.strictSame(lesson5Steps(parseReport(r)), [
          '1 satisfied',
          '2 satisfied',
          '3 satisfied',
          '4 satisfied',
          '5 passed',
        ]);
      },
    ),

    t.test(
      "after lesson 4, run lesson-5 starts over at its cleanup step instead of failing on lesson 4's leftovers",
      async (t) => {
        t.equal((await box.run(['run', 'lesson-4', '--target', 'lab:it-after-4', '--format', 'json'])).code, 0);
        const r = await box.run(['run', 'lesson-5', '--target', 'lab:it-after-4', '--format', 'json']);
        t.equal(r.code, 0, r.code ? r.stdout.slice(0, 3000) : 'lesson 5 passes after lesson 4');
        t.strictSame(lesson5Steps(parseReport(r)), ['1 passed', '2 passed', '3 passed', '4 passed', '5 passed']);
      },
    ),
  ]);
});

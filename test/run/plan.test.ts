import t from 'tap';
import type { CheckResult, CheckStatus } from '../../src/judge/evaluateChecks.js';
import { loadCatalog } from '../../src/lesson/catalog.js';
import type { Lesson } from '../../src/lesson/lesson.js';
import { alreadyHolds, type LessonPlan, planLesson, TRANSIENT_NOT_JUDGED } from '../../src/run/plan.js';
import { lastingChecks } from '../../src/run/resumePoint.js';

const catalog = await loadCatalog();
const lesson5 = catalog.byId.get('lesson-5')!;

/** Verdicts for the lasting checks of `lesson`: `status(id)` says each one's, null leaves it unjudged. */
function verdicts(lesson: Lesson, status: (id: string) => CheckStatus | null): Map<string, CheckResult> {
  const out = new Map<string, CheckResult>();
  for (const step of lesson.steps)
    for (const decl of lastingChecks(step)) {
      const s = status(decl.id);
      if (s) out.set(decl.id, { decl, status: s, message: s });
    }
  return out;
}

/** Each step's action in a line: `2 holds`, `3 run unless it holds`, `1 run`. */
const actions = (plan: LessonPlan): string[] =>
  plan.steps.map(
    ({ step, action }) =>
      `${step.index} ${action.kind === 'run' ? (action.unlessHolds ? 'run unless it holds' : 'run') : action.kind}`,
  );

t.test('in a lab made for this run every step runs as written, none judged first', async (t) => {
  const plan = planLesson(lesson5, 'lesson', { fresh: true, verdicts: new Map() });
  t.equal(plan.satisfied, false);
  t.equal(plan.resumeAt, 1);
  t.strictSame(actions(plan), ['1 run', '2 run', '3 run', '4 run', '5 run']);
});

t.test('in a lab that holds nothing, it starts at step 1 and judges each change step before applying it', async (t) => {
  const plan = planLesson(lesson5, 'prerequisite', { fresh: false, verdicts: verdicts(lesson5, () => 'failed') });
  t.equal(plan.resumeAt, 1);
  t.equal(plan.role, 'prerequisite');
  t.strictSame(
    actions(plan),
    ['1 run', '2 run unless it holds', '3 run unless it holds', '4 run unless it holds', '5 run unless it holds'],
    'the cleanup step has no claims to judge',
  );
});

t.test('a lab where every lasting claim holds has the lesson satisfied, each step with its verdicts', async (t) => {
  const held = verdicts(lesson5, () => 'passed');
  const plan = planLesson(lesson5, 'lesson', { fresh: false, verdicts: held });
  t.equal(plan.satisfied, true);
  t.equal(plan.resumeAt, lesson5.steps.length + 1);
  t.strictSame(actions(plan), ['1 holds', '2 holds', '3 holds', '4 holds', '5 holds']);
  const step5 = plan.steps[4]!.action;
  if (step5.kind !== 'holds') throw new Error('step 5 holds');
  t.strictSame(
    step5.results.map((r) => [r.decl.id, r.status]),
    [
      ['lesson-5:5.1', 'passed'],
      ['lesson-5:5.2', 'passed'],
      ['lesson-5:5.3', 'passed'],
      ['lesson-5:5.4', 'passed'],
      ['lesson-5:5.5', 'skipped'],
    ],
  );
  t.equal(step5.results[4]!.message, TRANSIENT_NOT_JUDGED, 'the transient "not yet" claim is not judged again');
});

t.test('after the first steps were typed by hand, it resumes at the first step whose claims fail', async (t) => {
  const done = new Set(['lesson-5:2.1', 'lesson-5:2.2', 'lesson-5:3.1']);
  const plan = planLesson(lesson5, 'lesson', {
    fresh: false,
    verdicts: verdicts(lesson5, (id) => (done.has(id) ? 'passed' : 'failed')),
  });
  t.equal(plan.satisfied, false);
  t.equal(plan.resumeAt, 4);
  t.strictSame(actions(plan), ['1 holds', '2 holds', '3 holds', '4 run unless it holds', '5 run unless it holds']);
});

t.test("another lesson's leftovers (a later claim holds, an earlier one not) start the lesson over", async (t) => {
  const plan = planLesson(lesson5, 'lesson', {
    fresh: false,
    verdicts: verdicts(lesson5, (id) => (id === 'lesson-5:4.1' ? 'passed' : 'failed')),
  });
  t.equal(plan.resumeAt, 1);
  t.notOk(
    plan.steps.some(({ action }) => action.kind === 'holds'),
    'nothing is taken as done',
  );
});

t.test('a step left out on purpose is not applied, unless it already holds', async (t) => {
  const skipSteps = new Set(['lesson-5:2', 'lesson-5:4']);
  t.strictSame(actions(planLesson(lesson5, 'lesson', { fresh: true, verdicts: new Map(), skipSteps })), [
    '1 run',
    '2 leave-out',
    '3 run',
    '4 leave-out',
    '5 run',
  ]);
  const done = new Set(['lesson-5:2.1', 'lesson-5:2.2']);
  const plan = planLesson(lesson5, 'lesson', {
    fresh: false,
    verdicts: verdicts(lesson5, (id) => (done.has(id) ? 'passed' : 'failed')),
    skipSteps,
  });
  t.strictSame(actions(plan), ['1 holds', '2 holds', '3 run unless it holds', '4 leave-out', '5 run unless it holds']);
});

t.test('a step holds already when none of its lasting claims fails and one passes', async (t) => {
  const step5 = lesson5.steps[4]!;
  const judged = (status: (i: number) => CheckStatus): CheckResult[] =>
    lastingChecks(step5).map((decl, i) => ({ decl, status: status(i), message: '' }));
  const holds = alreadyHolds(
    step5,
    judged(() => 'passed'),
  );
  t.strictSame(
    holds?.map((r) => r.status),
    ['passed', 'passed', 'passed', 'passed', 'skipped'],
    'reported with its transient claim skipped',
  );
  t.ok(
    alreadyHolds(
      step5,
      judged((i) => (i === 3 ? 'skipped' : 'passed')),
    ),
    'a probe that cannot be made denies nothing',
  );
  t.equal(
    alreadyHolds(
      step5,
      judged((i) => (i === 2 ? 'failed' : 'passed')),
    ),
    null,
    'one failing claim: it runs',
  );
  t.equal(
    alreadyHolds(
      step5,
      judged(() => 'skipped'),
    ),
    null,
    'nothing confirmed: it runs',
  );
});

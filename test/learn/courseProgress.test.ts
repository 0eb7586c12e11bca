import t from 'tap';
import { loadCatalog } from '../../src/lesson/catalog.js';
import {
  type LessonProgress,
  courseProgress,
  courseStanding,
  formatProgress,
  lessonProgress,
  nextLesson,
} from '../../src/learn/courseProgress.js';
import { grade } from '../../src/judge/grade.js';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { isProbe } from '../../src/run/resumePoint.js';
import { recordedLab, recordedShell } from '../helpers/recordedShell.js';
import { snapshotText, type Captured } from '../helpers/snapshot.js';

const { lessons } = await loadCatalog();
const probeIds = new Set(
  lessons
    .flatMap((l) => l.steps.flatMap((s) => s.checks))
    .filter(isProbe)
    .map((d) => d.id),
);

async function progressIn(captured: Captured): Promise<Record<string, string>> {
  const shell = recordedShell(snapshotText(captured), (line) => !line.includes('172.18.0.11'));
  const p = await courseProgress(lessons, shell, recordedLab);
  return Object.fromEntries([...p].map(([id, v]) => [id, formatProgress(v)]));
}

t.test('after lesson 5 typed halfway: lesson 5 at step 4, lessons 6 and 7 not started', async (t) => {
  const p = await progressIn('lesson-5-half');
  t.equal(p['lesson-5'], 'step 4 of 5');
  t.equal(p['lesson-6'], 'not started');
  t.equal(p['lesson-7'], 'not started');
  t.equal(p['lesson-1'], 'done', 'netns0 exists: what lesson 1 builds is there');
});

t.test(
  'after lesson 7: lessons 5 to 7 are done; lessons 2 to 4, which lesson 5 starts over without, are superseded',
  async (t) => {
    const p = await progressIn('after-lesson-7');
    t.strictSame([p['lesson-5'], p['lesson-6'], p['lesson-7']], ['done', 'done', 'done']);
    for (const id of ['lesson-2', 'lesson-3', 'lesson-4']) t.equal(p[id], 'superseded by lesson-5', id);
    t.equal(p['lesson-1'], 'done', 'netns0 is there, as lesson 1 built it');
  },
);

for (const captured of ['after-lesson-7', 'lesson-5-half', 'after-lesson-4'] as const) {
  t.test(`${captured}: a lesson is done exactly when check passes on what is built (probes aside)`, async (t) => {
    const shell = recordedShell(snapshotText(captured));
    const standing = await courseProgress(lessons, shell, recordedLab);
    for (const lesson of lessons) {
      const chain = (await resolveLesson(lesson.id)).chain;
      const report = await grade({
        chain,
        only: false,
        vars: {},
        target: recordedLab,
        shell: recordedShell(snapshotText(captured)),
      });
      const state = report.lessons.flatMap((l) => l.checks).filter((c) => !probeIds.has(c.id));
      const passes = state.every((c) => c.status === 'pass');
      t.equal(
        standing.get(lesson.id)?.state === 'done',
        passes,
        `${lesson.id}: ${formatProgress(standing.get(lesson.id)!)}`,
      );
    }
  });
}

t.test('a lesson whose prerequisite is not built waits for it, whatever of its own is there', async (t) => {
  const byId = new Map(lessons.map((l) => [l.id, l]));
  const all = (ids: string[]) =>
    new Map(
      ids
        .flatMap((id) => byId.get(id)!.steps.flatMap((s) => s.checks))
        .map((d) => [d.id, { status: 'passed' as const }]),
    );
  // Lessons 1 and 3 built, lesson 2 not: lesson 3 is not done, as check 3 would fail on lesson 2.
  const p = courseStanding(lessons, all(['lesson-1', 'lesson-3']));
  t.strictSame(p.get('lesson-1'), { state: 'done' });
  t.strictSame(p.get('lesson-2'), { state: 'not-started' });
  t.strictSame(p.get('lesson-3'), { state: 'needs', lesson: 'lesson-2' });
  t.equal(formatProgress(p.get('lesson-3')!), 'needs lesson-2 first');
});

t.test('the next lesson: the one in progress, else the one after the last done, else none', async (t) => {
  t.equal(
    nextLesson(lessons, await courseProgress(lessons, recordedShell(snapshotText('lesson-5-half')), recordedLab)),
    'lesson-5',
  );
  t.equal(
    nextLesson(lessons, await courseProgress(lessons, recordedShell(snapshotText('after-lesson-7')), recordedLab)),
    null,
  );
  t.equal(nextLesson(lessons, courseStanding(lessons, new Map())), 'lesson-1');
  const lesson5 = new Map(
    lessons
      .find((l) => l.id === 'lesson-5')!
      .steps.flatMap((s) => s.checks)
      .map((d) => [d.id, { status: 'passed' as const }]),
  );
  t.equal(nextLesson(lessons, courseStanding(lessons, lesson5)), 'lesson-6');
  // Lesson 1 done; lesson 5 "at step 1" only because its first step cleans up: lesson 2 comes next, not 5.
  const standing = new Map<string, LessonProgress>(
    lessons.map((l) => [l.id, { state: 'not-started' } as LessonProgress]),
  );
  standing.set('lesson-1', { state: 'done' });
  standing.set('lesson-2', { state: 'at', step: 1, of: 4 });
  standing.set('lesson-5', { state: 'at', step: 1, of: 5 });
  t.equal(nextLesson(lessons, standing), 'lesson-2');
});

t.test('judged by what is built: one snapshot for every lesson, no traffic', async (t) => {
  const shell = recordedShell(snapshotText('after-lesson-7'));
  await courseProgress(lessons, shell, recordedLab);
  t.equal(shell.lines.length, 1);
  t.ok(shell.lines[0]!.includes('@@tsnet'));
});

t.test('a step whose only lasting checks are probes does not keep a lesson from being done', async (t) => {
  const lesson6 = lessons.find((l) => l.id === 'lesson-6')!;
  const state = new Map(lesson6.steps.flatMap((s) => s.checks).map((d) => [d.id, { status: 'passed' as const }]));
  for (const d of lesson6.steps.flatMap((s) => s.checks))
    if (d.kind === 'ping' || d.kind === 'http') state.delete(d.id);
  t.strictSame(lessonProgress(lesson6, state), { state: 'done' });
  t.strictSame(lessonProgress(lesson6, new Map()), { state: 'not-started' });
});

t.test("a lesson whose only claims that hold are another lesson's leftovers has not started", async (t) => {
  const lesson5 = lessons.find((l) => l.id === 'lesson-5')!;
  // After lesson 3: netns0 exists (not netns1), and has the address step 5 gives it. learn would start at step 1.
  const holding = [lesson5.steps[1]!.checks[0]!, lesson5.steps[4]!.checks[0]!];
  t.match(holding.map((d) => d.source).join('\n'), /netns netns0[\s\S]*addr 172\.18\.0\.10\/16 dev=ceth0 in=netns0/);
  const leftovers = new Map(holding.map((d) => [d.id, { status: 'passed' as const }]));
  t.strictSame(lessonProgress(lesson5, leftovers), { state: 'not-started' });
  const standing = courseStanding(lessons, leftovers);
  t.not(nextLesson(lessons, standing), 'lesson-5');
});

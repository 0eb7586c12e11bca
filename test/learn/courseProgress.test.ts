import t from 'tap';
import { loadCatalog } from '../../src/lesson/catalog.js';
import { courseProgress, formatProgress, lessonProgress } from '../../src/learn/courseProgress.js';
import { recordedLab, recordedShell } from '../helpers/recordedShell.js';
import { snapshotText, type Captured } from '../helpers/snapshot.js';

const { lessons } = await loadCatalog();

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

t.test('after lesson 7: lessons 5 to 7 are done; lesson 4, whose veth1 has no address any more, is not', async (t) => {
  const p = await progressIn('after-lesson-7');
  t.strictSame([p['lesson-5'], p['lesson-6'], p['lesson-7']], ['done', 'done', 'done']);
  t.match(p['lesson-4'], /^step \d of 4$/);
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

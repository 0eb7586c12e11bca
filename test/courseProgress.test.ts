import t from 'tap';
import { loadCatalog } from '../src/catalog.js';
import { courseProgress, formatProgress } from '../src/courseProgress.js';
import { recordedLab, recordedShell } from './helpers/recordedShell.js';
import { snapshotText, type Captured } from './helpers/snapshot.js';

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

t.test('after lesson 7: lessons 5 to 7 are done; lesson 3, whose host end 172.18.0.11 is gone, is not', async (t) => {
  const p = await progressIn('after-lesson-7');
  t.strictSame([p['lesson-5'], p['lesson-6'], p['lesson-7']], ['done', 'done', 'done']);
  t.equal(p['lesson-3'], 'step 1 of 1');
});

t.test('one snapshot for every lesson at once', async (t) => {
  const shell = recordedShell(snapshotText('after-lesson-7'));
  await courseProgress(lessons, shell, recordedLab);
  t.ok(shell.lines.filter((l) => l.includes('@@tsnet')).length <= 2, 'the state checks, then the probes that decide');
});

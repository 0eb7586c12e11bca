import t from 'tap';
import { loadCatalog } from '../../src/lesson/catalog.js';
import type { Lesson } from '../../src/lesson/lesson.js';
import { parseLesson } from '../../src/lesson/parseLesson.js';
import { judgeLasting, resumePoint } from '../../src/run/resumePoint.js';
import { recordedLab, recordedShell, type Reach } from '../helpers/recordedShell.js';
import { snapshotText, type Captured } from '../helpers/snapshot.js';

const catalog = await loadCatalog();
const lesson = (id: string): Lesson => catalog.byId.get(id)!;

/** Where `lesson` resumes in a captured lab, probes answered by `reach`. */
async function resumeIn(
  captured: Captured | string,
  id: string,
  reach?: Reach,
): Promise<ReturnType<typeof resumePoint>> {
  const text = captured.includes('@@tsnet') ? captured : snapshotText(captured as Captured);
  const shell = recordedShell(text, reach);
  return resumePoint(lesson(id), await judgeLasting([lesson(id)], shell, recordedLab));
}

const EMPTY_LAB = '\n@@tsnet netns -\n[]\n\n@@tsnet present host\n\n@@tsnet links host\n[]\n';

t.test('a lab where lesson 7 was built has lessons 5, 6 and 7 done', async (t) => {
  for (const id of ['lesson-5', 'lesson-6', 'lesson-7'])
    t.strictSame(await resumeIn('after-lesson-7', id), { done: true }, id);
});

t.test("after lesson 5's first three steps typed by hand, it resumes at step 4 with steps 2 and 3 held", async (t) => {
  const at = await resumeIn('lesson-5-half', 'lesson-5');
  t.strictSame(at, { done: false, step: 4, held: 2, stray: null });
});

t.test('in an empty lab a lesson starts at step 1, its cleanup step included', async (t) => {
  t.strictSame(await resumeIn(EMPTY_LAB, 'lesson-5'), { done: false, step: 1, held: 0, stray: null });
  t.strictSame(await resumeIn(EMPTY_LAB, 'lesson-1'), { done: false, step: 1, held: 0, stray: null });
});

t.test(
  "lesson 4's leftovers are not half of lesson 5: lesson 5 starts over, naming the later claim that holds",
  async (t) => {
    const at = await resumeIn('after-lesson-4', 'lesson-5');
    t.equal(at.done, false);
    if (at.done) return;
    t.equal(at.step, 1, 'the cleanup step must run, or recreating veth0 fails with "File exists"');
    // Step 3 (the bridge) is not done, yet step 4's "ceth0 is in netns0" holds: lesson 4 put it there.
    t.equal(at.stray?.step, 4);
    t.match(at.stray?.check.source, /^link ceth0 in=netns0 type=veth/);
  },
);

t.test('a failing probe keeps its step unfinished although the state is there', async (t) => {
  const at = await resumeIn('after-lesson-7', 'lesson-5', (line) => !line.includes('172.18.0.20'));
  t.strictSame(at, { done: false, step: 5, held: 3, stray: null });
});

t.test(
  'transient "not yet" claims are not judged: a finished lesson stays done although they no longer hold',
  async (t) => {
    // Lesson 5 says "the host cannot reach the containers yet"; after lesson 7 it can. Every probe answers here.
    const shell = recordedShell(snapshotText('after-lesson-7'));
    const verdicts = await judgeLasting([lesson('lesson-5')], shell, recordedLab);
    t.notOk(verdicts.has('lesson-5:5.5'), 'the transient check is not judged at all');
    t.strictSame(resumePoint(lesson('lesson-5'), verdicts), { done: true });
  },
);

t.test(
  'probes of steps after the first unfinished one are not sent (they decide nothing, and failing ones are slow)',
  async (t) => {
    const shell = recordedShell(snapshotText('lesson-5-half'));
    await judgeLasting([lesson('lesson-5')], shell, recordedLab);
    t.strictSame(
      shell.lines.filter((l) => !l.includes('@@tsnet')),
      [],
      'no ping: step 5 comes after unfinished step 4',
    );
  },
);

const synthetic = parseLesson(
  `---
id: lesson-90
title: Synthetic
prerequisites: []
---

## Make a

\`\`\`bash
ip link add a type dummy
\`\`\`

\`\`\`check
link a
\`\`\`

## Look at it

\`\`\`bash
ip link show a
\`\`\`

## Make b

\`\`\`bash
ip link add b type dummy
\`\`\`

\`\`\`check
link b
link c absent
\`\`\`

## Make d

\`\`\`bash
ip link add d type dummy
\`\`\`

\`\`\`check
link zz absent
\`\`\`
`,
  'synthetic.md',
).lesson!;

const verdicts = (passed: Record<string, boolean>): Map<string, { status: 'passed' | 'failed' }> =>
  new Map(Object.entries(passed).map(([id, ok]) => [id, { status: ok ? 'passed' : 'failed' }]));

t.test('an observe step right before the first unfinished step is shown again with it', async (t) => {
  t.strictSame(
    resumePoint(
      synthetic,
      verdicts({ 'lesson-90:1.1': true, 'lesson-90:3.1': false, 'lesson-90:3.2': true, 'lesson-90:4.1': true }),
    ),
    {
      done: false,
      step: 2,
      held: 1,
      stray: null,
    },
  );
});

t.test('a later step whose only claims are "absent" is no evidence of leftovers', async (t) => {
  const at = resumePoint(
    synthetic,
    verdicts({ 'lesson-90:1.1': false, 'lesson-90:3.1': false, 'lesson-90:3.2': true, 'lesson-90:4.1': true }),
  );
  t.strictSame(at, { done: false, step: 1, held: 0, stray: null });
});

t.test('a later positive claim that holds while an earlier step does not means starting over', async (t) => {
  const at = resumePoint(
    synthetic,
    verdicts({ 'lesson-90:1.1': false, 'lesson-90:3.1': true, 'lesson-90:3.2': true, 'lesson-90:4.1': true }),
  );
  t.match(at, { done: false, step: 1, held: 0, stray: { step: 3, check: { id: 'lesson-90:3.1' } } });
});

t.test('a claim never judged counts as not holding', async (t) => {
  t.match(resumePoint(synthetic, verdicts({ 'lesson-90:1.1': true })), { done: false, step: 2, held: 1 });
});

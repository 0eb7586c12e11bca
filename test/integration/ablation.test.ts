// Every check a lesson declares can fail, shown in real labs: leaving out a step makes checks fail,
// and the "not yet" claims that no left-out step can break fail once the course goes further.
import t from 'tap';
import { ablate, judgeAfter } from '../../src/ablate.js';
import { loadCatalog, resolveLesson } from '../../src/catalog.js';
import type { CheckDecl } from '../../src/lesson.js';
import { sandbox } from './harness.js';

t.test('every check of every lesson can fail, and every step is verified by its own checks', async (t) => {
  const box = sandbox();
  process.env.TSNET_STATE_DIR = box.stateDir;
  t.teardown(() => box.cleanup());
  const catalog = await loadCatalog();
  const decls = new Map<string, CheckDecl>(catalog.lessons.flatMap((l) => l.steps.flatMap((s) => s.checks.map((c) => [c.id, c] as const))));
  // lesson-4 and lesson-7 end the two chains of the course (1→4 and 5→7): together they cover every lesson.
  const covered = new Set<string>();
  const notYet: string[] = [];
  for (const end of ['lesson-4', 'lesson-7']) {
    const { chain } = await resolveLesson(end, Promise.resolve(catalog));
    chain.forEach((l) => covered.add(l.id));
    const report = await ablate(chain, { jobs: 2 });
    t.ok(report.runs.length >= 8, `${end}: one fresh lab per state-changing step (${report.runs.length})`);
    t.same(report.unverifiedSteps, [], `${end}: leaving out any step fails at least one of that step's own checks`);
    for (const c of report.cannotFail) {
      t.equal(decls.get(c.id)?.transient, true, `${c.id} ("${c.title}") survives every ablation only because it is a transient "not yet" claim`);
      notYet.push(c.id);
    }
  }
  t.same([...covered].sort(), catalog.lessons.map((l) => l.id).sort(), 'the chains cover every lesson of the course');

  t.ok(notYet.length > 0, 'the course makes "not yet" claims (its surprises)');
  const { chain: finished } = await resolveLesson('lesson-7', Promise.resolve(catalog));
  const later = await judgeAfter(
    notYet.map((id) => decls.get(id)!),
    finished,
  );
  for (const r of later) t.equal(r.status, 'failed', `${r.decl.id} ("${r.decl.title}") fails once lesson 7 is done: ${r.message}`);
});

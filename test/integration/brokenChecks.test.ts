// For each lasting check of the course: in a lab where the lessons hold, break exactly what the check
// claims; grading must fail that check, name it as the root cause (or a cause found by diagnosis), and
// give its hint. Then the break is undone (or, where only the lesson can redo it, `run` resumes it) and
// the lab must pass again before the next check.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadCatalog } from '../../src/lesson/catalog.js';
import { breakerFor } from '../helpers/breakers.js';
import { checksOf, parseReport } from '../helpers/report.js';
import { sandbox } from './harness.js';

const catalog = await loadCatalog();
// Lessons 4 and 7 end the two chains (1 → 4, 5 → 7): between them they hold every lasting check.
for (const last of ['lesson-4', 'lesson-7']) {
  t.test(
    `every lasting check of ${last} and its prerequisites fails, with its hint, when its thing is broken`,
    async (t) => {
      const box = sandbox();
      t.teardown(() => box.cleanup());
      const lab = `broken-${last}`;
      const built = await box.run(['run', last, '--target', `lab:${lab}`, '--format', 'json']);
      t.equal(built.code, 0, `${last} builds: ${built.stderr}`);
      // Read each time: mending from scratch makes a new lab.
      const initPid = (): number =>
        (JSON.parse(readFileSync(join(box.stateDir, 'labs', `${lab}.json`), 'utf8')) as { initPid: number }).initPid;
      const inLab = (line: string): void => {
        execFileSync('nsenter', ['-t', String(initPid()), '--net', '--mount', '--pid', '--', 'bash', '-c', line], {
          stdio: 'pipe',
        });
      };
      const chain = catalog.lessons.filter(
        (l) => l.id <= last && (last === 'lesson-4' ? l.id <= 'lesson-4' : l.id >= 'lesson-5'),
      );
      const decls = chain.flatMap((l) => l.steps.flatMap((s) => s.checks)).filter((d) => !d.transient);
      let broken = 0;
      for (const decl of decls) {
        const breaker = breakerFor(decl);
        if (!breaker) continue;
        broken++;
        inLab(breaker.breakLine);
        const r = await box.run(['check', last, '--target', `lab:${lab}`, '--format', 'json']);
        const report = parseReport(r);
        const mine = checksOf(report).find((c) => c.id === decl.id);
        t.equal(r.code, 1, `${decl.id} broken (${breaker.breakLine}): check exits 1`);
        t.equal(mine?.status, 'failed', `${decl.id} fails: ${mine?.message}`);
        const root = decls.find((d) => d.id === report.rootCause?.check);
        // Blocking one path of traffic also fails an earlier check of the same path: that one is named.
        const samePath = root && root.kind === decl.kind && JSON.stringify(root.args) === JSON.stringify(decl.args);
        if (root === decl || samePath) {
          t.equal(
            report.rootCause?.fix,
            decl.hint,
            `${decl.id} is the root cause${root === decl ? '' : ` (as ${root.id}, the same claim)`}, with its own hint`,
          );
        } else {
          t.fail(
            `${decl.id} broken, but the root cause named is ${report.rootCause?.check}: ${report.rootCause?.message} (fix: ${report.rootCause?.fix})`,
          );
        }
        if (breaker.mendLine) inLab(breaker.mendLine);
        let mended = breaker.mendLine
          ? await box.run(['check', last, '--target', `lab:${lab}`, '--format', 'json'])
          : { code: 1, stderr: '' };
        t.ok(
          !breaker.mendLine || mended.code === 0,
          `${decl.id}: undoing the break (${breaker.mendLine}) restores the lab`,
        );
        if (mended.code !== 0) mended = await box.run(['run', last, '--target', `lab:${lab}`, '--format', 'json']);
        if (mended.code !== 0)
          mended = await box.run(['run', last, '--target', `lab:${lab}`, '--format', 'json', '--from-scratch']);
        t.equal(mended.code, 0, `the lab holds ${last} again after ${decl.id}: ${mended.stderr}`);
        if (mended.code !== 0) break;
      }
      // What is left are claims that something is absent or fails: their step's ablation proves them.
      const unbroken = decls.filter((d) => !breakerFor(d)).map((d) => d.id);
      t.same(
        decls.filter((d) => !breakerFor(d) && !d.args.absent && !d.args.fails).map((d) => d.id),
        [],
        `every positive claim was broken (${broken}); not: ${unbroken.join(', ')}`,
      );
    },
  );
}

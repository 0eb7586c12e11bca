// For each lasting check of the course: in a lab where the lessons hold, break exactly what the check
// claims; grading must fail that check, name it as the root cause (or a cause found by diagnosis), and
// give its hint, or, where the hint does not fit what is there, a fix that works. Then the break is undone
// (or, where only the lesson can redo it, `run` resumes it) and the lab must pass again before the next check.
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
        const fix = report.rootCause?.fix ?? null;
        // The lab after a computed fix was applied (then the breaker's own mend may no longer fit it).
        let afterFix: { code: number; stdout: string; stderr: string } | null = null;
        if ((root === decl || samePath) && fix === decl.hint) {
          t.pass(
            `${decl.id} is the root cause${root === decl ? '' : ` (as ${root.id}, the same claim)`}, with its own hint`,
          );
        } else if (root === decl || samePath) {
          // The hint does not fit what is there (it would create what exists), or there is none: the fix is
          // computed from what is there, and it must work. A probe whose hint is done already gets none:
          // what blocks it is no piece of the lessons (here, the breaker's REJECT rule).
          const probe = decl.kind === 'ping' || decl.kind === 'http';
          t.ok(fix || probe, `${decl.id} is the root cause, with a fix (its hint: ${decl.hint})`);
          if (fix) {
            try {
              inLab(fix);
            } catch (e) {
              t.fail(`${decl.id}: the fix \`${fix}\` runs: ${(e as Error).message}`);
            }
            const fixed = await box.run(['check', last, '--target', `lab:${lab}`, '--format', 'json']);
            afterFix = fixed;
            const now = checksOf(parseReport(fixed)).find((c) => c.id === decl.id);
            t.equal(now?.status, 'passed', `${decl.id}: the fix \`${fix}\` makes it hold`);
          }
        } else {
          t.fail(
            `${decl.id} broken, but the root cause named is ${report.rootCause?.check}: ${report.rootCause?.message} (fix: ${report.rootCause?.fix})`,
          );
        }
        let mended: { code: number; stderr: string } = afterFix ?? { code: 1, stderr: '' };
        if (afterFix === null) {
          if (breaker.mendLine) inLab(breaker.mendLine);
          // A link that flapped keeps failing connections for a few seconds (stale neighbour and
          // connection state in the kernel): the lab is given up to 10 s to come back.
          for (let tries = 0; breaker.mendLine && tries < 10 && mended.code !== 0; tries++) {
            if (tries) await new Promise((resolve) => setTimeout(resolve, 1000));
            mended = await box.run(['check', last, '--target', `lab:${lab}`, '--format', 'json']);
          }
          t.ok(
            !breaker.mendLine || mended.code === 0,
            `${decl.id}: undoing the break (${breaker.mendLine}) restores the lab`,
          );
        }
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

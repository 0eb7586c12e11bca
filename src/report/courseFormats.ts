// `test` results as TAP or JUnit: one test point per lesson, one per ablation finding. Pure.
import type { CourseTest } from '../run/testCourse.js';
import { xmlEscape as xml } from './xmlEscape.js';

export function tapCourse(r: CourseTest): string {
  const findings = r.ablation ?? [];
  const out = ['TAP version 14', `1..${r.lessons.length + (r.ablation ? Math.max(1, findings.length) : 0)}`];
  let n = 0;
  for (const l of r.lessons) {
    out.push(`${l.status === 'passed' ? 'ok' : 'not ok'} ${++n} - ${l.lesson} # time=${l.durationMs}ms`);
    if (l.status !== 'passed')
      out.push(
        '  ---',
        `  failure: ${JSON.stringify(l.failure)}`,
        `  failedChecks: ${JSON.stringify(l.failedChecks)}`,
        '  ...',
      );
  }
  if (r.ablation && findings.length === 0)
    out.push(`ok ${++n} - ablation: every step is verified and every check can fail`);
  for (const f of findings)
    out.push(`not ok ${++n} - ablation: ${f.kind} ${f.id}`, '  ---', `  title: ${JSON.stringify(f.title)}`, '  ...');
  return `${out.join('\n')}\n`;
}

export function junitCourse(r: CourseTest): string {
  const failed = r.lessons.filter((l) => l.status !== 'passed');
  const lessons = r.lessons.map((l) => {
    const open = `    <testcase classname="lessons" name="${xml(l.lesson)}" time="${(l.durationMs / 1000).toFixed(3)}">`;
    return l.status === 'passed'
      ? `${open}</testcase>`
      : `${open}\n      <failure message="${xml(l.failure ?? 'failed')}">${xml(l.failedChecks.join('\n'))}</failure>\n    </testcase>`;
  });
  const suites = [
    `  <testsuite name="lessons" tests="${r.lessons.length}" failures="${failed.length}">\n${lessons.join('\n')}\n  </testsuite>`,
  ];
  if (r.ablation) {
    const cases = r.ablation.map(
      (f) =>
        `    <testcase classname="ablation" name="${xml(f.id)}">\n      <failure message="${xml(f.kind)}">${xml(f.title)}</failure>\n    </testcase>`,
    );
    suites.push(
      `  <testsuite name="ablation" tests="${Math.max(1, cases.length)}" failures="${cases.length}">\n${cases.length ? cases.join('\n') : '    <testcase classname="ablation" name="every check can fail"></testcase>'}\n  </testsuite>`,
    );
  }
  const failures = failed.length + (r.ablation?.length ?? 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tsnet-learn test" tests="${r.lessons.length + (r.ablation ? Math.max(1, r.ablation.length) : 0)}" failures="${failures}" time="${(r.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

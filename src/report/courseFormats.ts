// `test` results as the report document (--format json), and from that as TAP or JUnit: one test point
// per lesson, one per ablation finding. Pure.
import type { CourseTest } from '../run/testCourse.js';
import { header, ms, score, summarize, type ReportDocument, type ReportLesson } from './reportDocument.js';
import { runCheckDocument } from './runFormats.js';
import { xmlEscape as xml } from './xmlEscape.js';

export function courseDocument(r: CourseTest): ReportDocument {
  const lessons: ReportLesson[] = r.lessons.map((l) => {
    const checks = l.checks.map(runCheckDocument);
    return {
      id: l.lesson,
      title: l.title,
      role: 'lesson',
      status: l.status,
      ...score(checks),
      durationMs: ms(l.durationMs),
      failure: l.failure,
      checks,
    };
  });
  return {
    ...header('test'),
    lesson: null,
    target: null,
    passed: r.passed,
    durationMs: ms(r.durationMs),
    summary: summarize(lessons),
    rootCause: null,
    lessons,
    ablation: r.ablation && { durationMs: ms(r.ablationDurationMs ?? 0), findings: r.ablation },
  };
}

/** The failed checks of a lesson, each with its hint: the body of a TAP or JUnit failure. */
const failedChecks = (l: ReportLesson) =>
  l.checks
    .filter((c) => c.status === 'failed')
    .map((c) => ({ id: c.id, lesson: c.lesson, title: c.title, message: c.message, hint: c.hint }));

const y = (s: string | null): string => JSON.stringify(s);

export function tapCourse(doc: ReportDocument): string {
  const findings = doc.ablation?.findings ?? [];
  const count = doc.lessons.length + (doc.ablation ? Math.max(1, findings.length) : 0);
  const out = ['TAP version 14', `1..${count}`];
  let n = 0;
  for (const l of doc.lessons) {
    const desc = `${l.id}: ${l.title}`.replace(/#/g, '\\#');
    out.push(`${l.status === 'passed' ? 'ok' : 'not ok'} ${++n} - ${desc} # time=${l.durationMs}ms`);
    if (l.status === 'passed') continue;
    out.push('  ---', `  failure: ${y(l.failure)}`, '  failedChecks:');
    for (const c of failedChecks(l))
      out.push(
        `    - id: ${y(c.id)}`,
        `      lesson: ${y(c.lesson)}`,
        `      title: ${y(c.title)}`,
        `      message: ${y(c.message)}`,
        `      hint: ${y(c.hint)}`,
      );
    out.push('  ...');
  }
  if (doc.ablation && findings.length === 0)
    out.push(
      `ok ${++n} - ablation: every step is verified and every check can fail # time=${doc.ablation.durationMs}ms`,
    );
  for (const f of findings)
    out.push(
      `not ok ${++n} - ablation: ${f.kind} ${f.id}`.replace(/#/g, '\\#'),
      '  ---',
      `  lesson: ${y(f.lesson)}`,
      `  title: ${y(f.title)}`,
      '  ...',
    );
  return `${out.join('\n')}\n`;
}

const seconds = (msecs: number): string => (msecs / 1000).toFixed(3);

export function junitCourse(doc: ReportDocument): string {
  const failed = doc.lessons.filter((l) => l.status !== 'passed');
  const ablationMs = doc.ablation?.durationMs ?? 0;
  const lessons = doc.lessons.map((l) => {
    const open = `    <testcase classname="lessons" name="${xml(l.id)}" time="${seconds(l.durationMs)}">`;
    const body = failedChecks(l).map((c) => `${c.id} ${c.title}: ${c.message}${c.hint ? `\n  hint: ${c.hint}` : ''}`);
    return l.status === 'passed'
      ? `${open}</testcase>`
      : `${open}\n      <failure message="${xml(l.failure ?? 'failed')}">${xml(body.join('\n'))}</failure>\n    </testcase>`;
  });
  // The lessons run side by side: their suite took the wall time before the ablation began.
  const suites = [
    `  <testsuite name="lessons" tests="${doc.lessons.length}" failures="${failed.length}" time="${seconds(ms(doc.durationMs - ablationMs))}">\n${lessons.join('\n')}\n  </testsuite>`,
  ];
  const findings = doc.ablation?.findings ?? [];
  if (doc.ablation) {
    // A finding comes out of the ablation runs as a whole (the suite's time), and has no time of its own.
    const cases = findings.map(
      (f) =>
        `    <testcase classname="ablation" name="${xml(f.id)}" time="0.000">\n      <failure message="${xml(f.kind)}">${xml(f.title)}</failure>\n    </testcase>`,
    );
    const none = `    <testcase classname="ablation" name="every check can fail" time="${seconds(ablationMs)}"></testcase>`;
    suites.push(
      `  <testsuite name="ablation" tests="${Math.max(1, cases.length)}" failures="${cases.length}" time="${seconds(ablationMs)}">\n${cases.length ? cases.join('\n') : none}\n  </testsuite>`,
    );
  }
  const tests = doc.lessons.length + (doc.ablation ? Math.max(1, findings.length) : 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tsnet-learn test" tests="${tests}" failures="${failed.length + findings.length}" time="${seconds(doc.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

// A grade report as pretty text; as the report document (--format json), and from that as TAP (node-tap's
// parser reads it) or JUnit XML. Pure.
import pc from './colors.js';
import type { GradeReport, GradedLesson, GradeStatus } from '../judge/grade.js';
import {
  header,
  ms,
  summarize,
  type ReportCheck,
  type ReportDocument,
  type ReportLesson,
  type ReportStatus,
} from './reportDocument.js';
import { xmlEscape as xml } from './xmlEscape.js';

export function prettyGrade(r: GradeReport): string {
  const out: string[] = [`tsnet-learn check ${r.lesson} in ${r.target}`];
  for (const l of r.lessons) {
    out.push('', `${pc.bold(l.id)}  ${pc.bold(l.title)}  ${pc.dim(`${l.earned}/${l.possible} points`)}`);
    for (const c of l.checks) {
      const mark = c.status === 'pass' ? pc.green('✔') : c.status === 'skip' ? pc.yellow('○') : pc.red('✖');
      out.push(`  ${mark} ${c.title}${c.status === 'pass' ? '' : pc.dim(`  — ${c.message}`)}`);
      if (c !== r.rootCause?.check && (c.status === 'fail' || c.status === 'error') && c.hint)
        out.push(`      ${pc.yellow('hint:')} ${c.hint}`);
    }
  }
  out.push(
    '',
    `${r.passed ? pc.green(pc.bold('✔ passed')) : pc.red(pc.bold('✖ failed'))}: ${r.earned}/${r.possible} points`,
  );
  if (r.skipped) out.push(`${pc.yellow(notJudged(r.skipped))}: ${r.skipReasons.join('; ')}`);
  if (r.rootCause) {
    const { check, cause, fix } = r.rootCause;
    out.push(`First broken link${check ? ` (${check.lesson}, step ${check.step})` : ''}: ${cause}`);
    if (fix) out.push(`Fix it first: ${fix}`);
    out.push(pc.dim('Later failures may follow from this one: check again after fixing it.'));
  }
  return `${out.join('\n')}\n`;
}

/** `2 checks not judged` (never earned: the points say so, and the grade does not pass). */
const notJudged = (skipped: number): string => `${skipped} check${skipped === 1 ? '' : 's'} not judged`;

/** A target that could not be read fails every check: the message says so (`error: …`). */
export const STATUS: Record<GradeStatus, ReportStatus> = {
  pass: 'passed',
  fail: 'failed',
  error: 'failed',
  skip: 'skipped',
};

/** One lesson of a grade, as the report has it (a class report has one of these per lesson and student). */
export function gradedLessonDocument(l: GradedLesson, role: ReportLesson['role']): ReportLesson {
  const checks: ReportCheck[] = l.checks.map((c) => {
    const status = STATUS[c.status];
    return {
      id: c.id,
      lesson: c.lesson,
      step: c.step,
      kind: c.kind,
      title: c.title,
      status,
      points: c.points,
      earned: status === 'passed' ? c.earned : 0,
      message: c.message,
      hint: c.hint,
      durationMs: ms(c.durationMs),
    };
  });
  const failed = checks.find((c) => c.status === 'failed');
  const allSkipped = checks.length > 0 && checks.every((c) => c.status === 'skipped');
  return {
    id: l.id,
    title: l.title,
    role,
    status: failed ? 'failed' : allSkipped ? 'skipped' : 'passed',
    earned: l.earned,
    possible: l.possible,
    // The probes of every lesson run side by side: a lesson takes as long as its slowest.
    durationMs: Math.max(0, ...checks.map((c) => c.durationMs)),
    failure: failed ? `${failed.title}: ${failed.message}` : null,
    checks,
  };
}

/** A grade as the report document: what `check --format json` prints, per student in a class report. */
export function gradeDocument(g: GradeReport): ReportDocument {
  const lessons = g.lessons.map((l) => gradedLessonDocument(l, l.id === g.lesson ? 'lesson' : 'prerequisite'));
  const root = g.rootCause;
  return {
    ...header('check'),
    lesson: g.lesson,
    target: g.target,
    passed: g.passed,
    durationMs: ms(g.durationMs),
    summary: summarize(lessons, { earned: g.earned, possible: g.possible }),
    rootCause: root && {
      lesson: root.check?.lesson ?? null,
      check: root.check?.id ?? null,
      message: root.cause,
      fix: root.fix,
    },
    lessons,
  };
}

/** `First broken link (lesson-6, step 4): …` and `Fix it first: …`, as the pretty report says them. */
export function rootCauseLines(doc: ReportDocument): string[] {
  const root = doc.rootCause;
  if (!root) return [];
  const check = doc.lessons.flatMap((l) => l.checks).find((c) => c.lesson === root.lesson && c.id === root.check);
  const where = check ? ` (${check.lesson}, step ${check.step})` : root.lesson ? ` (${root.lesson})` : '';
  return [`First broken link${where}: ${root.message}`, ...(root.fix ? [`Fix it first: ${root.fix}`] : [])];
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ');
const yamlString = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));
const isRoot = (doc: ReportDocument, c: ReportCheck): boolean =>
  doc.rootCause?.check === c.id && doc.rootCause.lesson === c.lesson;

/** A point per check; a failure's YAML block has its hint, and the root cause's also the cause and its fix. */
export function tapGrade(doc: ReportDocument): string {
  const checks = doc.lessons.flatMap((l) => l.checks);
  const out = ['TAP version 14', `1..${checks.length}`];
  checks.forEach((c, i) => {
    const desc = `${c.title} (${c.id})`.replace(/#/g, '\\#');
    if (c.status === 'skipped') {
      out.push(`ok ${i + 1} - ${desc} # SKIP ${oneLine(c.message)}`);
      return;
    }
    out.push(`${c.status === 'passed' ? 'ok' : 'not ok'} ${i + 1} - ${desc} # time=${c.durationMs}ms`);
    out.push(
      '  ---',
      `  id: ${yamlString(c.id)}`,
      `  lesson: ${yamlString(c.lesson)}`,
      `  step: ${c.step}`,
      `  kind: ${yamlString(c.kind)}`,
      `  status: ${c.status}`,
      `  message: ${yamlString(c.message)}`,
      `  hint: ${yamlString(c.hint)}`,
      `  points: ${c.points}`,
      `  earned: ${c.earned}`,
    );
    if (isRoot(doc, c))
      out.push(`  rootCause: ${yamlString(doc.rootCause!.message)}`, `  fix: ${yamlString(doc.rootCause!.fix)}`);
    out.push('  ...');
  });
  out.push(
    `# ${doc.summary.earned}/${doc.summary.possible} points`,
    ...(doc.summary.skipped
      ? [`# ${notJudged(doc.summary.skipped)}: ${oneLine(doc.summary.skipReasons.join('; '))}`]
      : []),
    ...rootCauseLines(doc).map((l) => `# ${oneLine(l)}`),
  );
  return `${out.join('\n')}\n`;
}

const seconds = (msecs: number): string => (msecs / 1000).toFixed(3);
const property = (name: string, value: string | number): string =>
  `<property name="${xml(name)}" value="${xml(String(value))}"/>`;

function testcase(doc: ReportDocument, c: ReportCheck): string {
  const open = `    <testcase classname="${xml(`${c.lesson}.step-${c.step}`)}" name="${xml(`${c.title} (${c.id})`)}" time="${seconds(c.durationMs)}">`;
  const props = `      <properties>${property('points', c.points)}${property('earned', c.earned)}${property('status', c.status)}</properties>`;
  const text = [c.message, ...(c.hint ? [`hint: ${c.hint}`] : []), ...(isRoot(doc, c) ? rootCauseLines(doc) : [])];
  const body =
    c.status === 'passed'
      ? ''
      : c.status === 'skipped'
        ? `\n      <skipped message="${xml(c.message)}"/>`
        : `\n      <failure message="${xml(c.message)}">${xml(text.join('\n'))}</failure>`;
  return `${open}\n${props}${body}\n    </testcase>`;
}

/**
 * A testsuite per lesson, a testcase per check. The root cause is a property of the suite of its lesson
 * (of the first suite when no check names it), and is told in its check's failure too.
 */
export function junitGrade(doc: ReportDocument): string {
  const count = (cs: ReportCheck[], s: ReportStatus): number => cs.filter((c) => c.status === s).length;
  const all = doc.lessons.flatMap((l) => l.checks);
  const root = doc.rootCause;
  const rootSuite = root
    ? Math.max(
        0,
        doc.lessons.findIndex((l) => l.id === root.lesson),
      )
    : -1;
  const suites = doc.lessons.map((l, i) => {
    const props = [property('earned', l.earned), property('possible', l.possible)];
    if (root && i === rootSuite) {
      props.push(property('rootCause', root.message));
      if (root.check) props.push(property('rootCauseCheck', root.check));
      if (root.fix) props.push(property('fix', root.fix));
    }
    return `  <testsuite name="${xml(`${l.id}: ${l.title}`)}" tests="${l.checks.length}" failures="${count(l.checks, 'failed')}" skipped="${count(l.checks, 'skipped')}" time="${seconds(l.durationMs)}">\n    <properties>${props.join('')}</properties>\n${l.checks.map((c) => testcase(doc, c)).join('\n')}\n  </testsuite>`;
  });
  const { skipped, skipReasons } = doc.summary;
  const notJudgedText = skipped ? `, ${notJudged(skipped)}: ${skipReasons.join('; ')}` : '';
  const name = `tsnet-learn check ${doc.lesson} (${doc.target}): ${doc.summary.earned}/${doc.summary.possible} points${notJudgedText}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(name)}" tests="${all.length}" failures="${count(all, 'failed')}" skipped="${count(all, 'skipped')}" time="${seconds(doc.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

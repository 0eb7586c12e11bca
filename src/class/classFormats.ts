// The class report as a table on the terminal, a gradebook CSV, JSON, or JUnit XML (a testsuite per
// student). The HTML page is classHtml.ts. Pure.
import type { GradedCheck } from '../judge/grade.js';
import pc from '../report/colors.js';
import { gradeDocument } from '../report/gradeFormats.js';
import { xmlEscape } from '../report/xmlEscape.js';
import { firstFix, graded, type ClassReport, type StudentResult } from './classReport.js';

export function summaryLine(r: ClassReport): string {
  return `${r.passed} passed, ${r.failed} failed, ${r.ungradable} could not be graded; class mean ${r.meanPercent}%`;
}

const points = (s: StudentResult): string => `${s.earned}/${s.possible}`;

function colourStatus(s: StudentResult, text: string): string {
  return s.status === 'passed' ? pc.green(text) : s.status === 'failed' ? pc.red(text) : pc.yellow(text);
}

/** A table: student, points, status, the first thing to fix; `width` (a terminal's) cuts long lines. */
export function prettyClass(r: ClassReport, width: number | null = null): string {
  const head = ['student', 'points', 'status', 'first thing to fix'];
  const rows = r.results.map((s) => {
    const { cause, fix } = firstFix(s);
    return [s.student, points(s), s.status, fix ? `${cause} — ${fix}` : cause];
  });
  const w = [0, 1, 2].map((i) => Math.max(head[i]!.length, ...rows.map((row) => row[i]!.length)));
  const cut = (text: string): string =>
    width !== null && text.length > width ? `${text.slice(0, Math.max(width - 1, 0))}…` : text;
  const line = (cells: string[]): string =>
    cut(`${cells[0]!.padEnd(w[0]!)}  ${cells[1]!.padStart(w[1]!)}  ${cells[2]!.padEnd(w[2]!)}  ${cells[3]}`);
  const out = [
    `tsnet-learn grade ${r.lesson}: ${r.students} student${r.students === 1 ? '' : 's'}`,
    '',
    pc.bold(line(head)),
  ];
  r.results.forEach((s, i) => {
    const text = line(rows[i]!);
    const at = w[0]! + 2 + w[1]! + 2;
    out.push(`${text.slice(0, at)}${colourStatus(s, text.slice(at, at + w[2]!))}${text.slice(at + w[2]!)}`);
  });
  out.push('', cut(summaryLine(r)));
  return `${out.join('\n')}\n`;
}

/** A CSV field: quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line per student, for a gradebook: student, earned, possible, percent, status, root cause, fix. */
export function csvClass(r: ClassReport): string {
  const lines = [['student', 'earned', 'possible', 'percent', 'status', 'root cause', 'fix'].join(',')];
  for (const s of r.results) {
    const { cause, fix } = firstFix(s);
    lines.push([s.student, s.earned, s.possible, s.percent, s.status, cause, fix].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Each graded student's report is the document `check --format json` prints (schema/report.schema.json). */
export function jsonClass(r: ClassReport): string {
  const results = r.results.map((s) => ({ ...s, report: s.report && gradeDocument(s.report) }));
  return `${JSON.stringify({ ...r, results }, null, 2)}\n`;
}

const xml = xmlEscape;

function testcase(student: string, c: GradedCheck): string {
  const open = `    <testcase classname="${xml(`${student}.${c.lesson}.step-${c.step}`)}" name="${xml(`${c.title} (${c.id})`)}">`;
  const props = `      <properties><property name="points" value="${c.points}"/><property name="earned" value="${c.earned}"/></properties>`;
  const tag = c.status === 'error' ? 'error' : 'failure';
  const body =
    c.status === 'pass'
      ? ''
      : c.status === 'skip'
        ? `\n      <skipped message="${xml(c.message)}"/>`
        : `\n      <${tag} message="${xml(c.message)}">${xml(c.hint ? `hint: ${c.hint}` : c.message)}</${tag}>`;
  return `${open}\n${props}${body}\n    </testcase>`;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function suite(s: StudentResult): { xml: string; counts: Counts } {
  const props = `    <properties><property name="target" value="${xml(s.target)}"/><property name="status" value="${xml(s.status)}"/><property name="earned" value="${s.earned}"/><property name="possible" value="${s.possible}"/><property name="percent" value="${s.percent}"/></properties>`;
  if (!graded(s) || !s.report) {
    const counts = { tests: 1, failures: 0, errors: 1, skipped: 0 };
    const p = s.problem!;
    const body = `    <testcase classname="${xml(s.student)}" name="${xml(`grade ${s.target}`)}">\n      <error type="${xml(s.status)}" message="${xml(p.message)}">${xml(p.fix ? `fix: ${p.fix}` : p.message)}</error>\n    </testcase>`;
    return { xml: open(s, counts, `${props}\n${body}`), counts };
  }
  const checks = s.report.lessons.flatMap((l) => l.checks);
  const count = (st: string): number => checks.filter((c) => c.status === st).length;
  const counts = { tests: checks.length, failures: count('fail'), errors: count('error'), skipped: count('skip') };
  return { xml: open(s, counts, `${props}\n${checks.map((c) => testcase(s.student, c)).join('\n')}`), counts };
}

function open(s: StudentResult, c: Counts, body: string): string {
  return `  <testsuite name="${xml(s.student)}" hostname="${xml(s.target)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${(s.durationMs / 1000).toFixed(3)}">\n${body}\n  </testsuite>`;
}

/** JUnit XML: one testsuite per student, a testcase per check; a student not graded is one error. */
export function junitClass(r: ClassReport): string {
  const suites = r.results.map(suite);
  const sum = (k: keyof Counts): number => suites.reduce((n, x) => n + x.counts[k], 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`tsnet-learn grade ${r.lesson}: ${summaryLine(r)}`)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}">\n${suites.map((x) => x.xml).join('\n')}\n</testsuites>\n`;
}

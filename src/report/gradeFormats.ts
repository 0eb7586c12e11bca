// A grade report as pretty text, TAP (node-tap's parser reads it) or JUnit XML. Pure.
import pc from 'picocolors';
import type { GradeReport, GradedCheck } from '../judge/grade.js';
import { xmlEscape } from './xmlEscape.js';

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
  if (r.skipped) out.push(`${pc.yellow(notJudged(r))}: ${r.skipReasons.join('; ')}`);
  if (r.rootCause) {
    const { check, cause, fix } = r.rootCause;
    out.push(`First broken link${check ? ` (${check.lesson}, step ${check.step})` : ''}: ${cause}`);
    if (fix) out.push(`Fix it first: ${fix}`);
    out.push(pc.dim('Later failures may follow from this one: check again after fixing it.'));
  }
  return `${out.join('\n')}\n`;
}

/** `2 checks not judged` (never earned: the points say so, and the grade does not pass). */
const notJudged = (r: GradeReport): string => `${r.skipped} check${r.skipped === 1 ? '' : 's'} not judged`;

const yamlString = (s: string): string => JSON.stringify(s);

export function tapGrade(r: GradeReport): string {
  const checks = r.lessons.flatMap((l) => l.checks);
  const out = ['TAP version 14', `1..${checks.length}`];
  checks.forEach((c, i) => {
    const desc = `${c.title} (${c.id})`.replace(/#/g, '\\#');
    if (c.status === 'skip') {
      out.push(`ok ${i + 1} - ${desc} # SKIP ${c.message.replace(/\n/g, ' ')}`);
      return;
    }
    out.push(`${c.status === 'pass' ? 'ok' : 'not ok'} ${i + 1} - ${desc}`);
    out.push(
      '  ---',
      `  id: ${yamlString(c.id)}`,
      `  lesson: ${yamlString(c.lesson)}`,
      `  step: ${c.step}`,
      `  status: ${c.status}`,
      `  message: ${yamlString(c.message)}`,
      `  hint: ${c.hint === null ? 'null' : yamlString(c.hint)}`,
      `  points: ${c.points}`,
      `  earned: ${c.earned}`,
      '  ...',
    );
  });
  out.push(`# ${r.earned}/${r.possible} points`);
  if (r.skipped) out.push(`# ${notJudged(r)}: ${r.skipReasons.join('; ').replace(/\n/g, ' ')}`);
  return `${out.join('\n')}\n`;
}

const xml = xmlEscape;

function testcase(c: GradedCheck): string {
  const open = `    <testcase classname="${xml(`${c.lesson}.step-${c.step}`)}" name="${xml(`${c.title} (${c.id})`)}">`;
  const props = `      <properties><property name="points" value="${c.points}"/><property name="earned" value="${c.earned}"/><property name="status" value="${c.status}"/></properties>`;
  const body =
    c.status === 'pass'
      ? ''
      : c.status === 'skip'
        ? `\n      <skipped message="${xml(c.message)}"/>`
        : `\n      <${c.status === 'error' ? 'error' : 'failure'} message="${xml(c.message)}">${xml(c.hint ? `hint: ${c.hint}` : c.message)}</${c.status === 'error' ? 'error' : 'failure'}>`;
  return `${open}\n${props}${body}\n    </testcase>`;
}

export function junitGrade(r: GradeReport): string {
  const count = (cs: GradedCheck[], s: string): number => cs.filter((c) => c.status === s).length;
  const all = r.lessons.flatMap((l) => l.checks);
  const suites = r.lessons.map(
    (l) =>
      `  <testsuite name="${xml(`${l.id}: ${l.title}`)}" tests="${l.checks.length}" failures="${count(l.checks, 'fail')}" errors="${count(l.checks, 'error')}" skipped="${count(l.checks, 'skip')}">\n${l.checks.map(testcase).join('\n')}\n  </testsuite>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`tsnet-learn check ${r.lesson} (${r.target}): ${r.earned}/${r.possible} points${r.skipped ? `, ${notJudged(r)}: ${r.skipReasons.join('; ')}` : ''}`)}" tests="${all.length}" failures="${count(all, 'fail')}" errors="${count(all, 'error')}" skipped="${count(all, 'skip')}">\n${suites.join('\n')}\n</testsuites>\n`;
}

// The class report as one self-contained HTML page: the class summary, a row per student, then each
// student's checks, root cause and hints. No script, no font, no image, no link out: it opens offline and
// prints. The numbers sit in data- attributes too, for tools (and tests) that read the page. Pure.
import type { GradedCheck, GradedLesson } from '../judge/grade.js';
import { xmlEscape } from '../report/xmlEscape.js';
import { firstFix, graded, type ClassReport, type StudentResult } from './classReport.js';
import { summaryLine } from './classFormats.js';
import { STATUS } from '../report/gradeFormats.js';

const h = xmlEscape;

const STYLE = `
:root { color-scheme: light; --pass: #1a7f37; --fail: #c62828; --warn: #9a6700; --line: #d0d7de; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin: 0; } h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.sub { color: #59636e; margin-top: 0; }
dl.summary { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0 1.5rem; }
dl.summary div { border: 1px solid var(--line); border-radius: 8px; padding: .5rem 1rem; min-width: 8rem; }
dl.summary dt { color: #59636e; font-size: .85rem; } dl.summary dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: #59636e; } td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 6rem; height: .6rem; background: #eaeef2; border-radius: 3px; margin-left: .4rem; vertical-align: middle; }
.bar span { display: block; height: 100%; border-radius: 3px; background: var(--pass); }
.status { font-weight: 600; white-space: nowrap; } .passed, .pass { color: var(--pass); } .failed, .fail, .error { color: var(--fail); }
.skip, .ungradable { color: var(--warn); }
section.student { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 1.2rem 0; break-inside: avoid; }
.head { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; } .target { color: #59636e; font-family: ui-monospace, monospace; font-size: .9rem; }
.cause { background: #fff8c5; border-left: 4px solid var(--warn); padding: .5rem .8rem; margin: .8rem 0; }
.cause code, td code { font-family: ui-monospace, monospace; font-size: .88rem; word-break: break-word; }
.msg { color: #59636e; } .hint { font-size: .9rem; }
`;

function mark(c: GradedCheck): string {
  return c.status === 'pass' ? '✔' : c.status === 'skip' ? '○' : '✖';
}

function statusClass(s: StudentResult): string {
  return graded(s) ? s.status : 'ungradable';
}

function row(s: StudentResult, i: number): string {
  const { cause, fix } = firstFix(s);
  return `<tr data-student="${h(s.student)}" data-earned="${s.earned}" data-possible="${s.possible}" data-percent="${s.percent}" data-status="${h(s.status)}">
<td><a href="#student-${i}">${h(s.student)}</a></td><td class="num">${s.earned}/${s.possible}</td>
<td class="num">${s.percent}%<span class="bar"><span style="width:${Math.min(100, Math.max(0, s.percent))}%"></span></span></td>
<td class="status ${statusClass(s)}">${h(s.status)}</td><td>${h(cause)}${fix ? `<br><code>${h(fix)}</code>` : ''}</td></tr>`;
}

function lessonTable(l: GradedLesson): string {
  const rows = l.checks.map(
    (
      c,
    ) => `<tr data-check="${h(c.id)}" data-status="${STATUS[c.status]}"><td class="status ${STATUS[c.status]}">${mark(c)}</td>
<td>${h(c.title)}<br><span class="msg">${h(c.message)}</span></td><td class="num">${c.earned}/${c.points}</td>
<td class="hint">${c.status !== 'pass' && c.hint ? `<code>${h(c.hint)}</code>` : ''}</td></tr>`,
  );
  return `<h3>${h(l.id)}: ${h(l.title)} <span class="msg">${l.earned}/${l.possible} points</span></h3>
<table class="checks"><thead><tr><th></th><th>check</th><th>points</th><th>hint</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function studentSection(s: StudentResult, i: number): string {
  const { cause, fix } = firstFix(s);
  const title = graded(s) ? 'First broken link' : 'Could not be graded';
  const causeBox = cause
    ? `<div class="cause"><strong>${title}:</strong> ${h(cause)}${fix ? `<br><strong>${graded(s) ? 'Fix it first' : 'What to do'}:</strong> <code>${h(fix)}</code>` : ''}</div>`
    : '';
  return `<section class="student" id="student-${i}" data-student="${h(s.student)}" data-earned="${s.earned}" data-possible="${s.possible}" data-status="${h(s.status)}">
<div class="head"><h2>${h(s.student)}</h2><span class="num">${s.earned}/${s.possible} points, ${s.percent}%</span>
<span class="status ${statusClass(s)}">${h(s.status)}</span><span class="target">${h(s.target)}</span></div>
${causeBox}
${(s.report?.lessons ?? []).map(lessonTable).join('\n')}
</section>`;
}

export function htmlClass(r: ClassReport, generatedAt: Date = new Date()): string {
  const stat = (name: string, key: string, value: string | number): string =>
    `<div><dt>${name}</dt><dd data-key="${key}">${value}</dd></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`${r.lesson}: class report`)}</title><style>${STYLE}</style></head>
<body data-lesson="${h(r.lesson)}">
<h1>Class report: ${h(r.lesson)}</h1>
<p class="sub">${h(summaryLine(r))}. Graded by tsnet-learn on ${h(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>
<dl class="summary" id="summary">
${stat('students', 'students', r.students)}${stat('passed', 'passed', r.passed)}${stat('failed', 'failed', r.failed)}${stat('could not be graded', 'ungradable', r.ungradable)}${stat('class mean', 'meanPercent', `${r.meanPercent}%`)}
</dl>
<table id="class"><thead><tr><th>student</th><th>points</th><th>percent</th><th>status</th><th>first thing to fix</th></tr></thead><tbody>
${r.results.map(row).join('\n')}
</tbody></table>
${r.results.map(studentSection).join('\n')}
</body></html>
`;
}

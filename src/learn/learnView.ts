// What `learn` prints in the learner's shell: the step card, the status line, what changed, hints. Pure.
import pc from '../report/colors.js';
import type { Change } from '../snapshot/diffSnapshots.js';
import { formatChange } from '../snapshot/diffSnapshots.js';
import type { CheckResult } from '../judge/evaluateChecks.js';
import type { Command, Lesson, Step } from '../lesson/lesson.js';
import { lastingChecks } from '../run/resumePoint.js';

/** The helpers the learner types, and what they do (shown in the introduction and by `where`). */
export const HELPERS: readonly [string, string][] = [
  ['step', 'show the current step again'],
  ['hint', 'how to fix what still fails'],
  ['next', 'go on after a step that only looks (a done step goes on by itself)'],
  ['skip', 'go on although the step is not done'],
  ['where', 'the lesson, the step and the namespace this shell is in'],
];

export const whereIs = (ctx: string): string => (ctx === 'host' ? 'on the host' : `inside ${ctx}`);

function commandNote(c: Command): string {
  if (c.role === 'open-context') return `opens a shell inside ${c.context?.netns}: what follows runs there, until exit`;
  if (c.role === 'close-context') return 'leaves it: back to the host';
  if (c.background) return "keeps running: add ' &' at the end to keep your prompt";
  if (c.mayFail) return 'may fail: nothing to delete is fine';
  return '';
}

function commandLine(c: Command): string {
  const inside = c.role !== 'open-context' && c.context ? `${pc.cyan(`[${c.context.netns}]`)} ` : '';
  const note = commandNote(c);
  return `    ${inside}${pc.dim('$')} ${pc.bold(c.line)}${note ? pc.dim(`   # ${note}`) : ''}`;
}

const indent = (text: string, pad = '  '): string =>
  text
    .split('\n')
    .map((l) => pad + l.trim())
    .join('\n');

/** The step as the learner meets it: its explanation with the commands where the lesson puts them, then what "done" means. */
export function formatStepCard(lesson: Lesson, step: Step): string {
  const out: string[] = [pc.bold(`━━ ${lesson.id} · step ${step.index} of ${lesson.steps.length} · ${step.title} ━━`)];
  const items = [
    ...step.paragraphs.map((p) => ({ line: p.line, text: indent(p.text), command: false })),
    ...step.commands.map((c) => ({ line: c.position.line, text: commandLine(c), command: true })),
  ].sort((a, b) => a.line - b.line);
  items.forEach((item, i) => {
    // Commands of one block stay together; every change between prose and commands gets a blank line.
    if (!(item.command && items[i - 1]?.command)) out.push('');
    out.push(item.text);
  });
  const lasting = lastingChecks(step);
  const transient = step.checks.filter((d) => d.transient);
  const seeing = observations(step).map((c) => `    · and you have typed: ${c.line}`);
  if (lasting.length) out.push('', '  Done when:', ...lasting.map((d) => `    · ${d.title}`), ...seeing);
  else if (step.kind !== 'change')
    out.push(
      '',
      pc.dim(
        `  This step only ${step.kind === 'cleanup' ? 'cleans up' : 'looks'}: type its commands, or next to go on.`,
      ),
    );
  if (transient.length)
    out.push('', '  Right after this step, and only then:', ...transient.map((d) => `    · ${d.title}`));
  return out.join('\n');
}

/**
 * The commands of a checked step that only show something (lesson 3's `ping` across the new cable): no check
 * can tell they were typed, yet seeing what they show is the point of the step. Pure.
 */
export function observations(step: Step): Command[] {
  return lastingChecks(step).length ? step.commands.filter((c) => c.role === 'run' && c.observes) : [];
}

export interface StatusInput {
  lesson: Lesson;
  step: Step;
  /** Results of the step's lasting checks (null: not judged yet). */
  results: readonly CheckResult[] | null;
  /** Commands of an unchecked step typed so far. */
  typed: number;
  /** Of a checked step, the commands that show it (observations) not typed yet since its checks hold. */
  toType?: readonly string[];
}

/** The first lasting check that does not pass: a real failure before one not probed because of it. */
export function firstFailing(results: readonly CheckResult[]): CheckResult | null {
  return results.find((r) => r.status === 'failed') ?? results.find((r) => r.status !== 'passed') ?? null;
}

/** One line after every command: done, or what still fails. The prompt shows the namespace. */
export function formatStatus(s: StatusInput): string {
  const head = `step ${s.step.index} of ${s.lesson.steps.length}`;
  if (lastingChecks(s.step).length === 0) {
    const runs = s.step.commands.filter((c) => c.role === 'run').length;
    return `${pc.yellow('○')} ${head} · ${s.typed} of ${runs} command${runs === 1 ? '' : 's'} typed · next goes on`;
  }
  const results = s.results ?? [];
  const holding = results.filter((r) => r.status === 'passed').length;
  const failing = firstFailing(results);
  if (!failing && results.length && s.toType?.length)
    return (
      `${pc.green('✓')} ${head} · ${holding} of ${results.length} checks hold · now type: ${s.toType.join('; ')} ` +
      pc.dim('(next goes on)')
    );
  if (!failing && results.length) return `${pc.green('✓')} ${head} done`;
  const why = failing
    ? ` · failing: ${failing.decl.title}${failing.status === 'failed' ? ` — ${failing.message}` : ''}`
    : '';
  return `${pc.red('✗')} ${head} · ${holding} of ${results.length} checks hold${why}${failing?.decl.hint ? pc.dim(' (hint)') : ''}`;
}

/** "What changed", one line each, at most `max`. */
export function formatChanges(changes: readonly Change[], max = 12): string {
  if (changes.length === 0) return '';
  const lines = changes.slice(0, max).map((c) => `    ${formatChange(c)}`);
  if (changes.length > max) lines.push(pc.dim(`    … and ${changes.length - max} more`));
  return [pc.dim('  what changed:'), ...lines].join('\n');
}

/** How to fix each lasting check that fails; the probes waiting for them are only named. */
export function formatHint(step: Step, results: readonly CheckResult[], toType: readonly string[] = []): string {
  if (lastingChecks(step).length === 0)
    return `  Step ${step.index} has no checks: type its commands (step shows them), or next to go on.`;
  const failed = results.filter((r) => r.status === 'failed');
  const waiting = results.filter((r) => r.status === 'skipped');
  if (failed.length === 0 && waiting.length === 0)
    return toType.length
      ? `  Nothing fails. Now see it work: ${toType.join('; ')} (or next to go on).`
      : `  Nothing fails: step ${step.index} is done.`;
  const out = failed.map(
    (r) =>
      `  ${pc.red('✗')} ${r.decl.title} ${pc.dim(`— ${r.message}`)}\n    ${pc.yellow('hint:')} ${r.decl.hint ?? 'the commands of this step (step shows them) make it hold'}`,
  );
  if (waiting.length) out.push(pc.dim(`  Judged once those hold: ${waiting.map((r) => r.decl.title).join('; ')}`));
  return out.join('\n');
}

/** The step just finished, and what its "right after" claims say now. */
export function formatStepDone(step: Step, transient: readonly CheckResult[], skipped: boolean): string {
  const out = [
    skipped
      ? `${pc.yellow('↷')} step ${step.index} skipped: ${step.title}`
      : `${pc.green('✓')} step ${step.index} done: ${step.title}`,
  ];
  for (const r of transient) {
    const mark = r.status === 'passed' ? pc.green('✓') : r.status === 'failed' ? pc.red('✗') : pc.yellow('○');
    out.push(`  ${mark} right now: ${r.decl.title}${r.status === 'passed' ? '' : pc.dim(` (${r.message})`)}`);
  }
  return out.join('\n');
}

/** A command undid a step that was done (this lesson's or a prerequisite's): which, and what fails now. */
export function formatUndone(lesson: Lesson, step: Step, failing: CheckResult): string {
  return [
    `${pc.yellow('⚠')} that undid ${lesson.id} step ${step.index} "${step.title}": ${failing.decl.title} ` +
      pc.dim(`— ${failing.message}`),
    ...(failing.decl.hint ? [`    ${pc.yellow('hint:')} ${failing.decl.hint}`] : []),
  ].join('\n');
}

/** A step reported undone holds again. */
export function formatRedone(lesson: Lesson, step: Step): string {
  return `${pc.green('✓')} ${lesson.id} step ${step.index} holds again: ${step.title}`;
}

/** The end of the lesson. */
export function formatLessonDone(lesson: Lesson, nextLesson: string | null, ctx: string, lab: string): string {
  const out = ['', pc.green(pc.bold(`★ ${lesson.id} complete: ${lesson.title}`))];
  if (ctx !== 'host') out.push(`  You are still ${whereIs(ctx)}: type exit to get back to the host.`);
  out.push(
    `  This shell stays open to look around; exit leaves it. The lab keeps what you built (tsnet-learn lab destroy ${lab} removes it).`,
  );
  if (nextLesson) out.push(`  Next: tsnet-learn learn ${nextLesson}${lab === 'default' ? '' : ` --target lab:${lab}`}`);
  return out.join('\n');
}

/** `where`: the lesson, the step, the namespace, the lab, and the helpers. */
export function formatWhere(lesson: Lesson, step: Step | null, ctx: string, lab: string): string {
  return [
    `  lab ${lab} · ${lesson.id} "${lesson.title}" · ${step ? `step ${step.index} of ${lesson.steps.length}: ${step.title}` : 'complete'}`,
    `  this shell is ${whereIs(ctx)}`,
    `  helpers: ${HELPERS.map(([name]) => name).join(', ')}; exit leaves (the lab stays)`,
  ].join('\n');
}

/** The short label in the prompt: `lesson-3 1/1 netns0`. */
export function promptLabel(lesson: Lesson, step: Step | null, ctx: string): string {
  return `${lesson.id} ${step ? `${step.index}/${lesson.steps.length}` : 'done'}${ctx === 'host' ? '' : ` ${ctx}`}`;
}

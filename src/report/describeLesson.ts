// `list` and `show`: lessons as the runner sees them. Pure formatting.
import pc from './colors.js';
import type { Lesson } from '../lesson/lesson.js';
import { shellLineFor } from '../lesson/shellLineFor.js';

export function checkCount(l: Lesson): number {
  return l.steps.reduce((n, s) => n + s.checks.length, 0);
}

/** The lessons as a table; `extra` adds a last column (the learner's progress in a lab). */
export function formatList(
  lessons: readonly Lesson[],
  extra?: { header: string; values: ReadonlyMap<string, string> },
): string {
  const rows = lessons.map((l) => [
    l.id,
    l.title,
    String(l.steps.length),
    String(checkCount(l)),
    l.prerequisites.join(', ') || '-',
    ...(extra ? [extra.values.get(l.id) ?? '-'] : []),
  ]);
  const head = ['ID', 'TITLE', 'STEPS', 'CHECKS', 'NEEDS', ...(extra ? [extra.header] : [])];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [pc.bold(line(head)), ...rows.map(line)].join('\n');
}

export function formatShow(lesson: Lesson, chain: readonly Lesson[]): string {
  const out: string[] = [];
  out.push(`${pc.bold(lesson.id)}  ${pc.bold(lesson.title)}`);
  out.push(pc.dim(`file: ${lesson.file}`));
  const pre = chain.slice(0, -1).map((l) => l.id);
  out.push(
    `prerequisites: ${lesson.prerequisites.join(', ') || 'none'}${pre.length > lesson.prerequisites.length ? pc.dim(`  (applies: ${pre.join(' → ')})`) : ''}`,
  );
  for (const step of lesson.steps) {
    out.push('', `${pc.bold(`${step.index}. ${step.title}`)}  ${pc.dim(`[${step.kind}]`)}`);
    for (const c of step.commands) {
      const where = c.context ? `[${c.context.netns}]` : '[host]';
      const flags = [
        c.role === 'open-context' ? `opens a shell in ${c.context?.netns}` : '',
        c.role === 'close-context' ? 'closes the context' : '',
        c.mayFail ? 'may fail' : '',
        c.background ? `background job${c.background.port ? `, waits for port ${c.background.port}` : ''}` : '',
        c.observes && c.role === 'run' ? 'observes' : '',
      ].filter(Boolean);
      out.push(`   ${pc.cyan(where.padEnd(9))} ${c.line}${flags.length ? pc.dim(`   (${flags.join(', ')})`) : ''}`);
      if (c.context && c.role === 'run') out.push(pc.dim(`   ${''.padEnd(9)} runs as: ${shellLineFor(c)}`));
    }
    for (const k of step.checks) {
      out.push(
        `   ${pc.green('check')}     ${k.title}  ${pc.dim(`${k.id}${k.points !== 1 ? `, ${k.points} points` : ''}${k.transient ? ', transient' : ''}`)}`,
      );
    }
  }
  return out.join('\n');
}

/** `show --format json`: the lesson as the runner reads it, for scripts. Pure. */
export function showJson(lesson: Lesson, chain: readonly Lesson[]): object {
  return {
    id: lesson.id,
    title: lesson.title,
    file: lesson.file,
    prerequisites: lesson.prerequisites,
    applies: chain.slice(0, -1).map((l) => l.id),
    steps: lesson.steps.map((step) => ({
      index: step.index,
      title: step.title,
      kind: step.kind,
      commands: step.commands.map((c) => ({
        line: c.line,
        context: c.context?.netns ?? 'host',
        role: c.role,
        runsAs: c.role === 'run' ? shellLineFor(c) : null,
        mayFail: c.mayFail,
        background: c.background,
        observes: c.observes,
      })),
      checks: step.checks.map((k) => ({
        id: k.id,
        kind: k.kind,
        title: k.title,
        source: k.source,
        points: k.points,
        transient: k.transient,
        hint: k.hint,
      })),
    })),
  };
}

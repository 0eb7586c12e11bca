// Lesson lint: every file well formed, every change step checked, prerequisites known and acyclic,
// ids unique across the course. Pure: file texts in, positioned messages out (vfile's, loaded only when
// there is a problem: a run lints its lessons first, and well-formed ones need no messages). Prerequisites
// not among the files are looked up in `beyond` (the rest of the lesson's folder, then the bundled course).
import { prerequisiteChain } from './chain.js';
import type { Lesson, Position } from './lesson.js';
import type { LessonMessage } from './message.js';
import type { ParseResult } from './parseLesson.js';

export interface LintInput {
  file: string;
  source: string;
  result: ParseResult;
}

function keyPosition(source: string, key: string): Position {
  const i = source.split('\n').findIndex((l) => l.startsWith(`${key}:`));
  return { line: i >= 0 ? i + 1 : 1, column: 1 };
}

/** Where a list item of a frontmatter key is written (`prerequisites: [lesson-1, lesson-9]` → at lesson-9). */
function itemPosition(source: string, key: string, item: string): Position {
  const at = keyPosition(source, key);
  const lines = source.split('\n');
  for (let i = at.line - 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (i >= at.line && (/^[A-Za-z_]/.test(line) || line.startsWith('---'))) break;
    const m = new RegExp(`(?<![\\w-])${item.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).exec(
      i === at.line - 1 ? line.slice(key.length + 1) : line,
    );
    if (m) return { line: i + 1, column: m.index + 1 + (i === at.line - 1 ? key.length + 1 : 0) };
  }
  return at;
}

export async function lint(
  inputs: readonly LintInput[],
  beyond: ReadonlyMap<string, Lesson> = new Map(),
): Promise<LessonMessage[]> {
  const problems: [file: string, position: Position, reason: string, rule: string][] = [];
  const error = (file: string, position: Position, reason: string, rule: string): void => {
    problems.push([file, position, reason, rule]);
  };

  const lessons = inputs.filter((i) => i.result.lesson).map((i) => ({ input: i, lesson: i.result.lesson! }));
  const byId = new Map<string, Lesson>();
  const fileOf = new Map<string, LintInput>();
  for (const { input, lesson } of lessons) {
    const first = fileOf.get(lesson.id);
    if (first)
      error(
        input.file,
        keyPosition(input.source, 'id'),
        `Unexpected duplicate lesson id \`${lesson.id}\`, expected a unique id (also in ${first.file})`,
        'lesson-id',
      );
    else {
      byId.set(lesson.id, lesson);
      fileOf.set(lesson.id, input);
    }
  }
  // The files linted come first; a lesson beyond them counts only where no file has its id.
  const known = new Map(beyond);
  for (const [id, l] of byId) known.set(id, l);
  const others = (self: string): string => {
    const ids = [...known.keys()].filter((k) => k !== self);
    return ids.length ? `one of ${ids.join(', ')}` : 'the id of another lesson file (there is none here)';
  };
  const checkIds = new Map<string, string>();
  // A lesson beyond the files that one of them needs shares its runs: its check ids must not clash either.
  for (const { lesson } of lessons) {
    const chain = prerequisiteChain(known, lesson);
    for (const l of chain.ok ? chain.chain : [])
      if (!byId.has(l.id)) for (const s of l.steps) for (const c of s.checks) checkIds.set(c.id, l.file);
  }
  for (const { input, lesson } of lessons) {
    for (const pre of lesson.prerequisites) {
      if (!known.has(pre))
        error(
          input.file,
          itemPosition(input.source, 'prerequisites', pre),
          `Unexpected prerequisite \`${pre}\`, expected ${others(lesson.id)}`,
          'prerequisites',
        );
    }
    const chain = prerequisiteChain(known, lesson);
    const inCycle = chain.ok ? [] : chain.problem.replace(/^prerequisite cycle: /, '').split(' → ');
    const cyclePre = lesson.prerequisites.find((p) => inCycle.includes(p));
    if (!chain.ok && chain.problem.startsWith('prerequisite cycle'))
      error(
        input.file,
        cyclePre ? itemPosition(input.source, 'prerequisites', cyclePre) : keyPosition(input.source, 'prerequisites'),
        `Unexpected ${chain.problem}, expected prerequisites without a cycle`,
        'prerequisites',
      );
    for (const step of lesson.steps) {
      for (const c of step.checks) {
        const other = checkIds.get(c.id);
        if (other && other !== input.file)
          error(
            input.file,
            c.position,
            `Unexpected check id \`${c.id}\`, expected an id unique in the course (also in ${other})`,
            'check-id',
          );
        checkIds.set(c.id, input.file);
      }
    }
  }
  const parsed = inputs.flatMap((i) => i.result.messages);
  if (parsed.length === 0 && problems.length === 0) return [];
  const { asError, lessonMessage } = await import('./message.js');
  // What the parser only warns about is an error for lint (a change step without checks tests nothing).
  return [
    ...parsed.map(asError),
    ...problems.map(([file, position, reason, rule]) => lessonMessage(file, position, reason, rule, 'error')),
  ];
}

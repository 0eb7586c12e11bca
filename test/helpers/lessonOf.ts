// Lessons written in a test: command lines as the parser gives them (classified, their model kept), in one step.
import { parseCommandLine } from '../../src/core/commandLine.js';
import { classifyLine } from '../../src/lesson/classifyCommand.js';
import { parseCheckLine } from '../../checks/index.js';
import type { CheckDecl, Command, Lesson, Step } from '../../src/lesson/lesson.js';

/** One command line; `netns`: it runs inside a context opened in that netns. */
export function commandOf(line: string, netns: string | null = null): Command {
  const parsed = parseCommandLine(line);
  const c = classifyLine(parsed);
  return {
    line,
    parsed,
    context: netns ? { netns, opener: `nsenter --net=/run/netns/${netns} bash` } : null,
    role: c.role,
    mayFail: false,
    background: c.background,
    observes: c.observes,
    position: { line: 1, column: 1 },
  };
}

/** The lesson `l`, of one step made of these commands (lines run on the host). */
export function lessonOf(commands: readonly (string | Command)[]): Lesson {
  return {
    id: 'l',
    title: 'l',
    prerequisites: [],
    summary: '',
    file: 'l.md',
    steps: [
      {
        index: 1,
        title: 's',
        prose: '',
        paragraphs: [],
        kind: 'change',
        checks: [],
        position: { line: 1, column: 1 },
        commands: commands.map((c) => (typeof c === 'string' ? commandOf(c) : c)),
      },
    ],
  };
}

/** One check declaration from its source line, as the parser would give it. */
export function declOf(source: string, id: string, transient = false): CheckDecl {
  const p = parseCheckLine(source)!;
  return {
    id,
    kind: p.kind,
    args: p.args,
    title: p.title,
    points: p.points,
    hint: p.hint,
    transient,
    source,
    position: { line: 1, column: 1 },
  };
}

/** A change step holding these checks and no commands. */
export const stepOf = (index: number, checks: CheckDecl[]): Step => ({
  index,
  title: `step ${index}`,
  prose: '',
  paragraphs: [],
  kind: 'change',
  commands: [],
  checks,
  position: { line: 1, column: 1 },
});

/** The lesson `id`, a step per list of checks. */
export const lessonOfSteps = (id: string, ...steps: CheckDecl[][]): Lesson => ({
  id,
  title: id,
  prerequisites: [],
  summary: '',
  file: `${id}.md`,
  steps: steps.map((checks, i) => stepOf(i + 1, checks)),
});

// Lessons written in a test: command lines as the parser gives them (classified, their model kept), in one step.
import { parseCommandLine } from '../../src/core/commandLine.js';
import { classifyLine } from '../../src/lesson/classifyCommand.js';
import type { Command, Lesson } from '../../src/lesson/lesson.js';

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

// Whether a shell line is one simple command, so `exec` can replace the shell by it. Pure.
import { parseCommandLine } from './commandLine.js';

/** Builtins that mean nothing, or something else, once `exec` has replaced the shell. */
const SHELL_ONLY = new Set(
  (
    'cd export set exit unset source . alias unalias shopt ulimit umask pushd popd dirs eval read declare local ' +
    'typeset readonly trap wait jobs fg bg disown let hash return shift break continue history builtin enable'
  ).split(' '),
);

/** One command in the foreground: no list, pipeline, compound command, leading assignment or shell builtin. */
export function simpleCommand(line: string): boolean {
  const { commands, compound } = parseCommandLine(line);
  const c = commands[0];
  if (!c || commands.length > 1 || compound || c.then === '&') return false;
  const first = c.words[0];
  return first !== undefined && c.assignments[0] !== first && !SHELL_ONLY.has(first.text);
}

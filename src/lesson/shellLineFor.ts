// How a lesson's command is sent to the shell: where the lesson says it runs. Its own module, so that
// `list` and `show` print it without loading the runner.
import { shellQuote } from '../core/shellQuote.js';
import type { Command } from './lesson.js';

/** The bash line that runs a command where the lesson says it runs. Pure. */
export function shellLineFor(c: Command): string {
  return c.context ? `${c.context.opener} -c ${shellQuote(c.line)}` : c.line;
}

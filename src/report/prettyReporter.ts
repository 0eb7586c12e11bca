// Human output for `run`: live on a terminal (the running command shown until it returns), plain lines otherwise.
import pc from './colors.js';
import type { RunEvent, RunReport } from '../run/runReport.js';

export interface Writer {
  write(s: string): void;
  isTTY?: boolean;
}

/** Indents command output; long output keeps its head and tail (the full text is in --format json). */
const indent = (text: string, pad: string, max = 16): string => {
  const lines = text.replace(/\s+$/, '').split('\n');
  const shown =
    lines.length > max
      ? [...lines.slice(0, max - 4), `… ${lines.length - max + 2} more lines …`, ...lines.slice(-2)]
      : lines;
  return shown.map((l) => pad + l).join('\n');
};

export function prettyReporter(
  out: Writer,
  options: { verbose?: boolean } = {},
): { onEvent: (e: RunEvent) => void; finish: (r: RunReport) => void } {
  const live = Boolean(out.isTTY);
  let pendingLive = false;
  // A satisfied step without checks (cleanup, observe) was passed over because a later step is done.
  let checksInStep = 0;
  const clearLive = (): void => {
    if (pendingLive) out.write('\r\x1b[K');
    pendingLive = false;
  };
  const prompt = (context: string): string =>
    context === 'host' ? pc.dim('$') : `${pc.cyan(`[${context}]`)} ${pc.dim('$')}`;

  const onEvent = (e: RunEvent): void => {
    switch (e.type) {
      case 'lesson-start':
        out.write(
          `\n${pc.bold(e.lesson.id)}  ${pc.bold(e.lesson.title)}${e.lesson.role === 'prerequisite' ? pc.dim('  (prerequisite)') : ''}\n`,
        );
        break;
      case 'lesson-end':
        if (e.lesson.status === 'satisfied')
          out.write(`  ${pc.green('✔')} already in place: what ${e.lesson.id} builds is there, not applied again\n`);
        break;
      case 'step-start':
        checksInStep = 0;
        out.write(`\n  ${pc.bold(`${e.step.index}. ${e.step.title}`)}\n`);
        break;
      case 'command-start':
        if (live) {
          out.write(`    ${prompt(e.context)} ${e.line}  ${pc.dim('… running')}`);
          pendingLive = true;
        }
        break;
      case 'command-end': {
        clearLive();
        const c = e.command;
        if (c.exitCode === null && !c.shellLine) {
          const note = c.line.startsWith('exit') ? `leaves ${c.context}` : `the next commands run inside ${c.context}`;
          out.write(`    ${prompt(c.context === 'host' ? 'host' : c.context)} ${c.line}  ${pc.dim(`(${note})`)}\n`);
          break;
        }
        out.write(`    ${prompt(c.context)} ${c.line}\n`);
        const text = `${c.stdout}${c.stderr}`;
        if (text.trim()) out.write(`${pc.dim(indent(text, '      '))}\n`);
        if (c.exitCode !== 0) {
          const why = c.exitCode === null ? 'could not run' : `exit ${c.exitCode}`;
          out.write(
            c.mayFail
              ? `      ${pc.yellow(`(${why}: allowed, this command may fail)`)}\n`
              : `      ${pc.red(`(${why})`)}\n`,
          );
        }
        break;
      }
      case 'changes': {
        clearLive();
        if (e.changes.length === 0) break;
        const max = 12;
        const shown =
          e.changes.length > max
            ? [
                ...e.changes.slice(0, max - 1),
                `… and ${e.changes.length - max + 1} more (--format json lists them all)`,
              ]
            : e.changes;
        out.write(
          `    ${pc.dim('changed:')}\n${shown.map((l) => `      ${l.startsWith('+') ? pc.green(l) : l.startsWith('-') ? pc.red(l) : pc.yellow(l)}`).join('\n')}\n`,
        );
        break;
      }
      case 'check': {
        checksInStep++;
        const c = e.check;
        const mark = c.status === 'passed' ? pc.green('✔') : c.status === 'failed' ? pc.red('✖') : pc.yellow('○');
        const msg = c.status === 'passed' && !options.verbose ? '' : `  ${pc.dim(`— ${c.message}`)}`;
        out.write(`    ${mark} ${c.title}${msg}\n`);
        if (c.status === 'failed' && c.hint) out.write(`      ${pc.yellow('hint:')} ${c.hint}\n`);
        break;
      }
      case 'step-end':
        if (e.step.status === 'satisfied') {
          out.write(
            `    ${pc.green('✔')} ${checksInStep ? 'already done: its checks hold, not run again' : 'passed over: a later step is already done'}\n`,
          );
        } else if (e.step.status === 'failed') out.write(`    ${pc.red(`✖ step failed: ${e.step.failure}`)}\n`);
        else if (e.step.status === 'skipped') out.write(`    ${pc.yellow(`○ skipped: ${e.step.failure ?? ''}`)}\n`);
        break;
    }
  };

  const finish = (r: RunReport): void => {
    clearLive();
    const passed = r.checks.filter((c) => c.status === 'passed').length;
    const failedChecks = r.checks.filter((c) => c.status === 'failed').length;
    const skipped = r.checks.filter((c) => c.status === 'skipped').length;
    const secs = (r.durationMs / 1000).toFixed(1);
    const last = r.lessons.at(-1);
    if (r.passed && last?.status === 'satisfied') {
      out.write(
        `\n${pc.green(pc.bold(`✔ ${r.lesson} is already complete`))} in ${r.target}: ${passed} checks hold. To do it again from the start: ${r.target === 'host' ? 'tsnet-learn reset --target host, then run it again' : '--from-scratch'}\n`,
      );
    } else if (r.passed) {
      out.write(
        `\n${pc.green(pc.bold(`✔ ${r.lesson} passed`))} in ${r.target}: ${passed} checks passed${skipped ? `, ${skipped} skipped` : ''} (${secs} s)\n`,
      );
    } else {
      const step = r.steps.find((s) => s.status === 'failed');
      out.write(
        `\n${pc.red(pc.bold(`✖ ${r.lesson} failed`))} in ${r.target}${step ? ` at ${step.lesson} step ${step.index} "${step.title}": ${step.failure}` : ''}\n`,
      );
      out.write(`  ${passed} passed, ${failedChecks} failed, ${skipped} not run (${secs} s)\n`);
    }
  };
  return { onEvent, finish };
}

// Ctrl-C, a kill, or the output closed under a command that makes labs: decide synchronously, say what
// happened, end with 128+n.
import { constants } from 'node:os';

/** SIGPIPE stands for a closed output (`| head -1`): Node ignores the signal itself and gets EPIPE instead. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGPIPE';

/** 130 for SIGINT, 143 for SIGTERM, 141 for a closed output: 128 + the signal's number, as a shell reports it. */
export function exitCodeFor(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/** Ends the process with this code; only the CLI entry has one to hand in (src/cli/main.ts). */
export type Exit = (code: number) => never;

const SAID: Record<InterruptSignal, string> = {
  SIGINT: 'interrupted',
  SIGTERM: 'terminated',
  SIGPIPE: 'output closed',
};

/** The command's handler once one is set: a closed output runs it too. */
let interrupt: ((signal: InterruptSignal) => void) | null = null;

/**
 * On the first SIGINT or SIGTERM, or when the output is closed (`outputClosed`), runs `handle`
 * (synchronous, so nothing else runs in between), prints what it returns and ends the process through
 * `exit`: an interrupt ends the command here, not at the CLI entry. Returns what stops listening (the
 * command no longer needs it).
 */
export function onInterrupt(command: string, handle: (signal: InterruptSignal) => string, exit: Exit): () => void {
  const fire = (signal: InterruptSignal): void => {
    const outcome = handle(signal);
    process.stderr.write(`\ntsnet-learn: ${command} ${SAID[signal]}; ${outcome}\n`);
    exit(exitCodeFor(signal));
  };
  interrupt = fire;
  process.once('SIGINT', fire);
  process.once('SIGTERM', fire);
  return () => {
    process.off('SIGINT', fire);
    process.off('SIGTERM', fire);
    if (interrupt === fire) interrupt = null;
  };
}

/**
 * Whoever reads the output is gone (EPIPE on stdout): a command that makes labs cleans up and exits as
 * for Ctrl-C. Returns when no such command runs; the caller then stops quietly.
 */
export function outputClosed(): void {
  interrupt?.('SIGPIPE');
}

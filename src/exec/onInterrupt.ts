// Ctrl-C or a kill during a command that makes labs: decide synchronously, say what happened, end with 128+n.
import { constants } from 'node:os';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** 130 for SIGINT, 143 for SIGTERM: 128 + the signal's number, as a shell reports it. */
export function exitCodeFor(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/** Ends the process with this code; only the CLI entry has one to hand in (src/cli/main.ts). */
export type Exit = (code: number) => never;

/**
 * On the first SIGINT or SIGTERM, runs `handle` (synchronous, so nothing else runs in between), prints
 * what it returns and ends the process through `exit`: a signal ends the command here, not at the CLI
 * entry. Returns what stops listening (the command no longer needs it).
 */
export function onInterrupt(command: string, handle: (signal: InterruptSignal) => string, exit: Exit): () => void {
  const fire = (signal: InterruptSignal): void => {
    const outcome = handle(signal);
    process.stderr.write(
      `\ntsnet-learn: ${command} ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}; ${outcome}\n`,
    );
    exit(exitCodeFor(signal));
  };
  process.once('SIGINT', fire);
  process.once('SIGTERM', fire);
  return () => {
    process.off('SIGINT', fire);
    process.off('SIGTERM', fire);
  };
}

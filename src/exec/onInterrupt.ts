// Ctrl-C or a kill during a command that makes labs: decide synchronously, say what happened, exit 128+n.
import { constants } from 'node:os';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** 130 for SIGINT, 143 for SIGTERM: 128 + the signal's number, as a shell reports it. */
export function exitCodeFor(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * On the first SIGINT or SIGTERM, runs `handle` (synchronous, so nothing else runs in between),
 * prints what it returns and exits: a signal ends the command here, not at the CLI entry.
 */
export function onInterrupt(command: string, handle: (signal: InterruptSignal) => string): void {
  const fire = (signal: InterruptSignal): void => {
    const outcome = handle(signal);
    process.stderr.write(
      `\ntsnet-learn ${command}: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}; ${outcome}\n`,
    );
    process.exit(exitCodeFor(signal));
  };
  process.once('SIGINT', fire);
  process.once('SIGTERM', fire);
}

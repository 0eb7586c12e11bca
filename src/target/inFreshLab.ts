// A shell in a brand-new lab, destroyed afterwards whatever happens: what test and ablation run in.
import { createLab, destroyLab } from '../lab/lab.js';
import { openShell, type Shell } from './shell.js';
import { labTarget, type Target } from './target.js';

export interface FreshLabOptions {
  /** What the lab is for, as `lab list` shows it ("test lesson-3"). */
  command: string;
  /** Not tied to this process: a signal or a kill leaves it for inspection (test --keep). */
  keep?: boolean;
}

/**
 * Runs `fn` with a shell in a new lab that is destroyed afterwards, whatever happens. Unless `keep`, the
 * lab also dies with this process, however it ends (even SIGKILL), so fresh labs never pile up.
 */
export async function inFreshLab<T>(
  name: string,
  options: FreshLabOptions,
  fn: (target: Target, shell: Shell) => Promise<T>,
): Promise<T> {
  const lab = await createLab(name, { ephemeral: !options.keep, command: options.command });
  try {
    const target = labTarget(lab, true);
    const shell = await openShell(target.argv, target.jobsDir);
    try {
      return await fn(target, shell);
    } finally {
      await shell.close();
    }
  } finally {
    await destroyLab(name);
  }
}

// A shell in a brand-new lab, destroyed afterwards whatever happens: what test and ablation run in.
import { createLab, destroyLab } from './lab/lab.js';
import { openShell, type Shell } from './shell.js';
import { labTarget, type Target } from './target.js';

/** Runs `fn` with a shell in a new lab that is destroyed afterwards, whatever happens. */
export async function inFreshLab<T>(name: string, fn: (target: Target, shell: Shell) => Promise<T>): Promise<T> {
  const lab = await createLab(name);
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

// A path this process made for itself that must not outlive it, however it ends: `process.exit` (a closed
// output exits 141 at once) runs no `finally`, but it does run 'exit' listeners, and they may only be sync.
import { rmSync } from 'node:fs';

type ExitHooks = Pick<NodeJS.Process, 'once' | 'off'>;

/** Removes `path` when the process exits; the function returned removes it now and forgets the hook. */
export function removedAtExit(path: string, hooks: ExitHooks = process): () => void {
  const remove = (): void => rmSync(path, { recursive: true, force: true });
  hooks.once('exit', remove);
  return () => {
    hooks.off('exit', remove);
    remove();
  };
}

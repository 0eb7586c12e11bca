// The raw-shell baseline: the same commands as a lesson chain, as one bash script a person would write. Pure.
import type { Lesson } from '../src/lesson.js';
import { shellLineFor } from '../src/runLessons.js';

/** Commands in order; contexts as `nsenter … bash -c`, may-fail lines tolerated, servers waited for. */
export function rawScript(chain: readonly Lesson[]): string {
  const out = ['set -e', 'mkdir -p /run/tsnet/www && cd /run/tsnet/www'];
  for (const lesson of chain) {
    out.push(`# ${lesson.id}`);
    for (const step of lesson.steps) {
      for (const c of step.commands) {
        if (c.role !== 'run') continue;
        const line = shellLineFor(c);
        if (c.background) {
          const port = (c.background.port ?? 0).toString(16).toUpperCase().padStart(4, '0');
          out.push(`${line.replace(/\s*&\s*$/, '')} >/run/tsnet/server.log 2>&1 &`);
          out.push(`until grep -qE ':${port} [0-9A-F]+:[0-9A-F]+ 0A' /proc/$!/net/tcp 2>/dev/null; do sleep 0.02; done`);
        } else out.push(c.mayFail ? `${line} || true` : line);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

// The raw-shell baselines: the same commands as a lesson chain, as one bash script a person would write;
// and the same script doing, after each step, the same reads and probes as the step's checks. Pure.
import { checkKinds } from '../checks/index.js';
import type { Need } from '../src/snapshot/model.js';
import type { ProbeEnv } from '../checks/types.js';
import { checkNeeds } from '../src/judge/evaluateChecks.js';
import { inNamespace } from '../src/snapshot/takeSnapshot.js';
import type { CheckDecl, Lesson } from '../src/lesson/lesson.js';
import { shellLineFor } from '../src/lesson/shellLineFor.js';
import { snapshotScript } from '../src/snapshot/snapshotScript.js';
import { settleScript } from '../src/snapshot/settling.js';
import { OUTSIDE_NS } from '../src/lab/labWorld.js';

/** The command lines the probes of these checks send (ping, curl, each from its namespace), as tsnet-learn sends them. */
export async function probeLines(decls: readonly CheckDecl[]): Promise<string[]> {
  const lines: string[] = [];
  for (const d of decls) {
    const probe = checkKinds[d.kind]!.probe;
    if (!probe) continue;
    // The first attempt only, as on a network that answers as the lesson says: a probe that succeeds, or a
    // negative one that hears silence in its first window, sends one line.
    let first = true;
    const env: ProbeEnv = {
      exec: async (line, ns) => {
        const full = inNamespace(line, ns);
        if (first && !lines.includes(full)) lines.push(full);
        first = false;
        return { exitCode: 0, output: '' };
      },
      refuseTraffic: () => null,
      stillComingUp: async () => null,
      // The lab's world and the shipped lessons have no proxy ARP: the settle read says so.
      lateAnswers: [],
    };
    await probe(d.args, env);
  }
  return lines;
}

/**
 * Bash that does the work of judging these checks, without judging: one read of the state they need,
 * then their probes side by side. What `run` and `check` cannot do with fewer processes.
 */
export async function rawChecks(decls: readonly CheckDecl[], extraNeeds: readonly Need[] = []): Promise<string> {
  if (decls.length === 0) return '';
  const read = snapshotScript([...checkNeeds(decls), ...extraNeeds]);
  // Before a negative probe, the judge reads whether anything is still coming up (once, when settled).
  const negated = decls.some((d) => checkKinds[d.kind]!.probe && checkKinds[d.kind]!.negated(d.args));
  const settle = negated ? `{\n${settleScript(OUTSIDE_NS, { proxies: true })}\n} >/dev/null 2>&1 || :` : '';
  // Each probe's pid is waited for, not every job: the lesson's server runs in the background too.
  const probes = (await probeLines(decls)).map((l, i) => `{ exec ${l}; } >/dev/null 2>&1 & p${i}=$!`);
  const waits = probes.map((_, i) => `wait $p${i} || :`);
  return [read ? `{\n${read}\n} >/dev/null 2>&1 || :` : '', settle, ...probes, ...waits].filter(Boolean).join('\n');
}

/** Commands in order; contexts as `nsenter … bash -c`, may-fail lines tolerated, servers waited for. */
export async function rawScript(chain: readonly Lesson[], options: { checks?: boolean } = {}): Promise<string> {
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
          out.push(
            `until grep -qE ':${port} [0-9A-F]+:[0-9A-F]+ 0A' /proc/$!/net/tcp 2>/dev/null; do sleep 0.02; done`,
          );
        } else out.push(c.mayFail ? `${line} || true` : line);
      }
      if (options.checks) out.push((await rawChecks(step.checks)) || ':');
    }
  }
  return `${out.join('\n')}\n`;
}

// Running several read-only lines at once in one shell round trip (probes of a step). Pure text in, text out.
import { shellQuote } from '../core/shellQuote.js';
import { simpleCommand } from '../core/simpleCommand.js';

/**
 * Bash that runs each line in the background, waits for all, then prints each one's status and output.
 * Processes cost milliseconds here, so: `exec` (no extra fork per probe), `$(<file)` instead of cat,
 * and files reused by the next batch instead of mkdir/rm (the shell removes them when it closes).
 * `guards[i]`, when given, is a bash condition: false, line i is not run and prints nothing (exit code -1 parsed).
 */
export function parallelScript(lines: readonly string[], dir: string, guards: readonly (string | null)[] = []): string {
  const f = (i: number, s: string): string => `${dir}/probe-$$-${i}.${s}`;
  const start = lines.map((l, i) => {
    const run = `eval ${shellQuote(simpleCommand(l) ? `exec ${l}` : l)} </dev/null >${f(i, 'out')} 2>${f(i, 'err')} & __tsnet_p${i}=$!`;
    return guards[i] ? `__tsnet_p${i}=; if ${guards[i]}; then ${run}; fi` : run;
  });
  const collect = lines.map((_, i) => {
    const report = `wait $__tsnet_p${i}; printf '\\n@@tsnet-probe ${i} %s\\n%s\\n%s' $? "$(<${f(i, 'out')})" "$(<${f(i, 'err')})"`;
    return guards[i] ? `[ -z "$__tsnet_p${i}" ] || { ${report}; }` : report;
  });
  return [...start, ...collect].join('\n');
}

/** Removes what parallelScript leaves; run once when the shell closes. */
export function parallelCleanup(dir: string): string {
  return `rm -f ${dir}/probe-$$-*`;
}

/** Splits the output of parallelScript into each line's exit code and output (stdout, a newline, stderr). */
export function parseParallelOutput(text: string, count: number): { exitCode: number; output: string }[] {
  const results = Array.from({ length: count }, () => ({ exitCode: -1, output: '' }));
  const parts = text.split(/\n@@tsnet-probe (\d+) (\d+)\n/);
  for (let i = 1; i + 2 < parts.length + 1; i += 3) {
    const index = Number(parts[i]);
    const r = results[index];
    if (r) {
      r.exitCode = Number(parts[i + 1]);
      r.output = parts[i + 2] ?? '';
    }
  }
  return results;
}

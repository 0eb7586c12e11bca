// Running several read-only lines at once in one shell round trip (probes of a step). Pure text in, text out.
import { shellQuote } from './shellQuote.js';

/** Bash that runs each line in the background, waits for all, then prints each one's status and output. */
export function parallelScript(lines: readonly string[], dir: string): string {
  const d = `${dir}/probe.$$`;
  const start = lines.map((l, i) => `( eval ${shellQuote(l)} ) </dev/null >${d}/${i}.out 2>${d}/${i}.err & __tsnet_p${i}=$!`);
  const collect = lines.map((_, i) => `wait $__tsnet_p${i}; printf '\\n@@tsnet-probe ${i} %s\\n' $?; cat ${d}/${i}.out ${d}/${i}.err`);
  return [`mkdir -p ${d}`, ...start, ...collect, `rm -rf ${d}`].join('\n');
}

/** Splits the output of parallelScript into each line's exit code and output (stdout then stderr). */
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

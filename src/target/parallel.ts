// Running several read-only lines at once in one shell round trip (probes of a step). Pure text in, text out.
import { shellQuote } from '../core/shellQuote.js';
import { simpleCommand } from '../core/simpleCommand.js';

/**
 * Bash that runs each line in the background and prints each one's status and output, in order. It writes
 * nothing in the target (a pid: target is someone else's sandbox): each line's output comes back through
 * a pipe of its own (process substitution), stdout and stderr captured apart. Where `fdDir` (/dev/fd,
 * which process substitution needs) is missing, the lines run one after the other instead, same output.
 * `exec` spares a fork per line. `guards[i]`, when given, is a bash condition: false, line i is not run and
 * prints nothing (exit code -1 parsed).
 */
export function parallelScript(
  lines: readonly string[],
  guards: readonly (string | null)[] = [],
  fdDir = '/dev/fd',
): string {
  // $1: index, $2: 1 when the line is one simple command, $3: the line. Its record: the status and stdout
  // (to fd 4 first), then stderr. A function (pid:'s curl, see terminalLike) must not be bypassed by exec.
  const probe = [
    '__tsnet_probe() { { local __tsnet_e __tsnet_o; __tsnet_e=$( { __tsnet_o=$(',
    `if [ "$2" = 1 ] && ! declare -F "\${3%% *}" >/dev/null; then eval "exec $3"; else eval "$3"; fi`,
    ' </dev/null 2>&3 3>&- 4>&-);',
    ` printf '\\n@@tsnet-probe %s %s\\n%s\\n' "$1" "$?" "$__tsnet_o" >&4; } 3>&1 ); printf '%s' "$__tsnet_e"; } 4>&1; }`,
  ].join('');
  const args = lines.map((l, i) => {
    const call = `__tsnet_probe ${i} ${simpleCommand(l) ? 1 : 0} ${shellQuote(l)}`;
    return guards[i] ? `if ${guards[i]}; then ${call}; fi` : call;
  });
  const start = args.map((a, i) => `exec {__tsnet_f${i}}< <(${a})`);
  const collect = lines.map(
    (_, i) => `IFS= read -r -d '' __tsnet_x <&$__tsnet_f${i}; printf '%s' "$__tsnet_x"; exec {__tsnet_f${i}}<&-`,
  );
  return [probe, `if [ -d ${fdDir} ]; then`, ...start, ...collect, 'else', ...args, 'fi'].join('\n');
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

/**
 * A shell's `execAll`: the lines side by side in one script sent through `exec` (one line alone goes as it
 * is, its output in the same shape: stdout, a newline, stderr).
 */
export async function execSideBySide(
  exec: (script: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
  lines: readonly string[],
): Promise<{ exitCode: number; output: string }[]> {
  if (lines.length === 0) return [];
  if (lines.length === 1) {
    const r = await exec(lines[0]!);
    return [{ exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}` }];
  }
  return parseParallelOutput((await exec(parallelScript(lines))).stdout, lines.length);
}

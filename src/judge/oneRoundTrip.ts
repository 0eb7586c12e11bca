// Judging a remote machine in one round trip: the state read, the settle read and the first attempt of
// every probe go in one script, instead of the read, then the probes once the snapshot is judged. Sent
// before the judge has the snapshot, a probe must be safe without it: it runs there only if its address is
// loopback or held by the host or a lesson's namespace at that moment (bash checks it: the traffic stays on
// that machine, as trafficPolicy.ts wants). The judge then decides from the snapshot as it always does, and
// takes a probe's answer from the script only where it would have sent the very same line. Pure.
import { checkKinds } from '../../checks/index.js';
import type { ProbeEnv } from '../../checks/types.js';
import { parseIPv4 } from '../core/ipv4.js';
import { shellQuote } from '../core/shellQuote.js';
import type { CheckDecl } from '../lesson/lesson.js';
import { parallelScript, parseParallelOutput } from '../target/parallel.js';

/** The first line a probe sends, from where, and to which address (null: it asked the policy nothing). */
export interface FirstProbe {
  decl: CheckDecl;
  line: string;
  ns: string;
  address: string | null;
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/**
 * The first line each probe would send, found by a dry run: every policy question answered "allowed",
 * and the run stops at its first exec, which is never answered. Nothing is sent; a probe that asks
 * anything else first (what is coming up), or throws, has no first line here.
 */
export async function firstProbes(decls: readonly CheckDecl[]): Promise<FirstProbe[]> {
  const found: FirstProbe[] = [];
  for (const decl of decls) {
    const probe = checkKinds[decl.kind]!.probe;
    if (!probe) continue;
    let address: string | null = null;
    let asked = false;
    const env: ProbeEnv = {
      refuseTraffic(to) {
        address = to;
        return null;
      },
      exec(line, ns) {
        if (!asked) found.push({ decl, line, ns, address });
        asked = true;
        return never();
      },
      stillComingUp: () => ((asked = true), never()),
      // As where nobody answers ARP by proxy; where someone does, the judge sends another line, itself.
      lateAnswers: [],
    };
    probe(decl.args, env).catch(() => undefined);
  }
  // A probe's first exec comes before its first await: one turn of the event loop is plenty.
  await new Promise((resolve) => setImmediate(resolve));
  return found;
}

/** The condition, in bash, that makes sending to `address` safe before the snapshot is judged; false: never. */
function sendable(address: string | null): string | false | null {
  if (address === null) return null;
  if (parseIPv4(address) === null) return false;
  if (address.startsWith('127.')) return null;
  // Digits and dots only: the glob matches the address itself, followed by its prefix length.
  return `[[ $__tsnet_held == *[[:space:]]${address}/* ]]`;
}

/** The line that starts each part of the script's output, after a newline: `@@tsnet-trip PART`. */
const MARK = '@@tsnet-trip';
const mark = (part: string): string => `printf '\\n${MARK} ${part}\\n'`;

export interface OneRoundTrip {
  script: string;
  /** The probes in the script (a probe that cannot be sent early is not in it: it goes afterwards). */
  probes: FirstProbe[];
}

/**
 * The one script. `read`: the snapshot's bash; `settle`: the settle read, when a negative probe waits for
 * it; `namespaces`: the lessons' namespaces, whose addresses (with the host's) probes may go to early;
 * `wrap`: a probe's line as run from its namespace; `neighbours`: read after the probes, when a negative
 * one may ask what was still resolving at its end.
 */
export function oneRoundTripScript(input: {
  read: string;
  settle: string | null;
  namespaces: readonly string[];
  probes: readonly FirstProbe[];
  wrap: (line: string, ns: string) => string;
  neighbours: string | null;
}): OneRoundTrip {
  const probes = input.probes.filter((p) => p.ns !== 'outside' && sendable(p.address) !== false);
  const guards = probes.map((p) => sendable(p.address) || null);
  const own = input.namespaces.filter((ns) => ns !== 'host' && ns !== 'outside');
  const held = ['ip -4 -br addr show', ...own.map((ns) => `ip -n ${shellQuote(ns)} -4 -br addr show`)].join('; ');
  const lines = [
    input.read,
    mark('settle'),
    input.settle ?? '',
    guards.some(Boolean) ? `__tsnet_held=$'\\n'"$({ ${held}; } 2>/dev/null)"$'\\n'` : '',
    mark('probes'),
    probes.length
      ? parallelScript(
          probes.map((p) => input.wrap(p.line, p.ns)),
          guards,
        )
      : '',
    mark('neighbours'),
    input.neighbours ?? '',
  ];
  return { script: lines.filter(Boolean).join('\n'), probes };
}

/** What the one script printed, part by part; each probe's answer, null where it was not sent. Pure. */
export function splitOneRoundTrip(
  stdout: string,
  probes: number,
): {
  read: string;
  settle: string;
  probes: ({ exitCode: number; output: string } | null)[];
  neighbours: string;
} | null {
  const marker = (part: string): string => `\n${MARK} ${part}\n`;
  const at = (part: string, from: number): number => stdout.indexOf(marker(part), from);
  const settle = at('settle', 0);
  const sent = at('probes', settle);
  // Last: a probe's output (a web page) could print the marker itself; the real one comes after all of them.
  const neighbours = stdout.lastIndexOf(marker('neighbours'));
  if (settle < 0 || sent < 0 || neighbours < sent) return null;
  const part = (from: number, name: string, to: number): string => stdout.slice(from + marker(name).length, to);
  return {
    read: stdout.slice(0, settle),
    settle: part(settle, 'settle', sent),
    probes: parseParallelOutput(part(sent, 'probes', neighbours), probes).map((r) => (r.exitCode < 0 ? null : r)),
    neighbours: part(neighbours, 'neighbours', stdout.length),
  };
}

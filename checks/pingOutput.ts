// Our own reading of iputils `ping` output (stdout and stderr merged), so a ping check can say why it failed.

/** Why packets were lost; null when every packet came back. */
export type PingProblem =
  | 'network-unreachable'
  | 'host-unreachable'
  | 'unknown-host'
  | 'no-reply'
  | 'partial-loss'
  | null;

/** Everything a check or a hint needs from one ping run; fields are null when ping never printed them. */
export interface PingSummary {
  /** As written after "PING ". */
  host: string | null;
  /** The address in parentheses after the host. */
  address: string | null;
  transmitted: number | null;
  received: number | null;
  /** "+N errors" in the summary, 0 if absent. */
  errors: number;
  lossPercent: number | null;
  rttMs: { min: number; avg: number; max: number; mdev: number } | null;
  /** At least one echo reply came back. */
  reached: boolean;
  /** The kind of the first classifiable error line; else partial-loss or no-reply. */
  problem: PingProblem;
  /** The first error line printed (ICMP error, socket or resolver error); warnings are not errors. */
  errorLine: string | null;
}

type ErrorKind = Exclude<PingProblem, 'no-reply' | 'partial-loss' | null>;

const HEADER = /^PING\s+([^\s(]+)\s*\(([^)]*)\)/;
const REPLY = /^\d+ bytes from \S.*icmp_seq=\d+/;
/** "5 packets transmitted, 0 received, +2 duplicates, +2 errors, 100% packet loss, time 4050ms" (duplicates, corrupted, errors optional). */
const SUMMARY =
  /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+\d+ duplicates)?(?:, \+\d+ corrupted)?(?:, \+(\d+) errors)?, ([\d.]+)% packet loss/;
const RTT = /^(?:rtt|round-trip) min\/avg\/max\/mdev = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/;
/** Lines a transcript adds around the real output: `$ command` and `[exit N]`. */
const TRANSCRIPT = /^(?:\$ .*|\[exit -?\d+\])$/;
/** ICMP errors reported per packet: "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable". */
const ICMP_ERROR = /^From \S+.*icmp_seq=\d+\s+(?!Redirect)\S/;
/** Socket and resolver errors: "ping: connect: Network is unreachable", "connect: ..." (older iputils). */
const PROGRAM_ERROR = /^(?:ping: (?!Warning)|ping6: |(?:connect|sendmsg|sendto|socket|bind|setsockopt|recvmsg): )/;

// Order matters: the first pattern that matches an error line decides its kind.
const KINDS: ReadonlyArray<readonly [RegExp, ErrorKind]> = [
  [
    /Name or service not known|Temporary failure in name resolution|No address associated with hostname|unknown host|bad address/i,
    'unknown-host',
  ],
  [/Network is unreachable|Destination Net Unreachable|Destination unreachable: No route/i, 'network-unreachable'],
  [/No route to host|Destination Host Unreachable|Destination unreachable: Address unreachable/i, 'host-unreachable'],
];

function classify(line: string): ErrorKind | null {
  for (const [pattern, kind] of KINDS) if (pattern.test(line)) return kind;
  return null;
}

/** Parses merged ping output without relying on the exit code. */
export function parsePingOutput(output: string): PingSummary {
  const s: PingSummary = {
    host: null,
    address: null,
    transmitted: null,
    received: null,
    errors: 0,
    lossPercent: null,
    rttMs: null,
    reached: false,
    problem: null,
    errorLine: null,
  };
  let replies = 0;
  let errorKind: ErrorKind | null = null;

  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || TRANSCRIPT.test(line)) continue;

    const header = HEADER.exec(line);
    if (header) {
      s.host = header[1]!;
      s.address = header[2]!;
      continue;
    }
    if (REPLY.test(line)) {
      replies++;
      continue;
    }
    const summary = SUMMARY.exec(line);
    if (summary) {
      s.transmitted = Number(summary[1]);
      s.received = Number(summary[2]);
      s.errors = Number(summary[3] ?? 0);
      s.lossPercent = Number(summary[4]);
      continue;
    }
    const rtt = RTT.exec(line);
    if (rtt) {
      s.rttMs = { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]), mdev: Number(rtt[4]) };
      continue;
    }
    if (ICMP_ERROR.test(line) || PROGRAM_ERROR.test(line)) {
      s.errorLine ??= line;
      errorKind ??= classify(line);
    }
  }

  s.reached = s.received !== null ? s.received > 0 : replies > 0;
  const allBack =
    s.transmitted !== null && s.received !== null
      ? s.received >= s.transmitted && s.transmitted > 0
      : s.reached && s.errorLine === null;
  s.problem = allBack ? null : (errorKind ?? (s.reached ? 'partial-loss' : 'no-reply'));
  return s;
}

function round(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

/** What the error line says, without the program prefix: "Network is unreachable", "Destination Host Unreachable (from 10.0.0.1)". */
function reason(line: string): string {
  const icmp = /^From (\S+?):?\s.*icmp_seq=\d+\s+(.+)$/.exec(line);
  if (icmp) return `${icmp[2]} (from ${icmp[1]})`;
  const resolver =
    /^ping6?: (.+): (Name or service not known|Temporary failure in name resolution|No address associated with hostname)$/.exec(
      line,
    );
  if (resolver) return `cannot resolve ${resolver[1]}: ${resolver[2]}`;
  return line.replace(/^(?:ping6?: )?(?:(?:connect|sendmsg|sendto|socket|bind|setsockopt|recvmsg): )?/, '');
}

/** One short sentence for reports and hints. */
export function describePing(s: PingSummary): string {
  const why = s.errorLine === null ? null : reason(s.errorLine);
  const hasSummary = s.transmitted !== null && s.received !== null;
  const tally = `${s.received}/${s.transmitted} replies`;
  const loss = `${round(Number(s.lossPercent), 1)}%`;
  if (s.problem === null)
    return hasSummary ? `${tally}${s.rttMs ? `, avg ${round(s.rttMs.avg, 2)} ms` : ''}` : 'replies received';
  if (s.reached) {
    const head = hasSummary ? `${tally} (${loss} loss)` : 'some replies';
    return why ? `${head}, ${why}` : head;
  }
  if (why) return hasSummary ? `no reply: ${why}` : why;
  return hasSummary ? `no reply: ${loss} packet loss` : 'no reply';
}

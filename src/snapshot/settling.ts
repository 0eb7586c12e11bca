// Whether a target's network is still coming up: the reading (one bash) and its judgement (pure).
//
// Right after a link changes, the kernel's link watcher applies the change late (up to a second for
// some events): until then a device whose carrier came on may still drop what it is given, and its
// operational state still says so. A bridge port that is listening or learning (STP) forwards nothing
// for seconds. A neighbour still being resolved (ARP) holds packets back: a proxy answers ARP only
// after a delay, a lost request is sent again after a second. A negative probe sent or ended then
// would take slowness for silence.
import { shellQuote } from '../core/shellQuote.js';

interface LinkJson {
  ifname?: string;
  flags?: string[];
  operstate?: string;
  linkinfo?: { info_slave_kind?: string; info_slave_data?: { state?: string } };
}

interface NeighJson {
  dst?: string;
  dev?: string;
  state?: string[];
}

/** Operational states that say "not passing traffic" (RFC 2863); UNKNOWN (lo, a bridge's early state) passes. */
const NOT_OPERATIONAL = new Set(['DOWN', 'LOWERLAYERDOWN', 'DORMANT', 'TESTING', 'NOTPRESENT']);

/**
 * The bash that prints, for the target's host, every named netns and the outside (`outside`: its path
 * inside the target, null when there is none), one section each: `ip -d -j link show` and, with
 * `neighbours`, `ip -j neigh show` on the next line (one `ip` process per namespace).
 */
export function settleScript(outside: string | null, neighbours = false): string {
  const commands = neighbours ? `'link show\\nneigh show\\n'` : `'link show\\n'`;
  // The batch goes through a pipe: `ip -b` prints one JSON line per command, in order.
  const read = (ns: string): string => `printf ${commands} | ip ${ns}-d -j -b -`;
  const lines = [
    `printf '\\n@@tsnet settle host\\n'; ${read('')}`,
    `for __tsnet_ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do printf '\\n@@tsnet settle %s\\n' "$__tsnet_ns"; ${read('-n "$__tsnet_ns" ')} 2>/dev/null; done`,
  ];
  if (outside)
    lines.push(
      `[ -e ${shellQuote(outside)} ] && { printf '\\n@@tsnet settle outside\\n'; ${read('').replace('ip ', `nsenter --net=${shellQuote(outside)} ip `)}; }`,
    );
  return lines.join('\n');
}

const parseArray = <T>(line: string | undefined): T[] => {
  try {
    const v = JSON.parse(line?.trim() || '[]') as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
};

/** What is still coming up in the output of settleScript, one phrase each (`vred in red: …`); empty when settled. Pure. */
export function unsettled(output: string): string[] {
  const found: string[] = [];
  for (const section of output.split(/\n@@tsnet settle /).slice(1)) {
    const [head, linkLine, neighLine] = section.split('\n');
    const ns = head?.trim() ?? '';
    const where = ns === 'host' ? '' : ` in ${ns}`;
    for (const l of parseArray<LinkJson>(linkLine)) {
      const flags = l.flags ?? [];
      if (!l.ifname || !flags.includes('UP')) continue;
      const carrier = flags.includes('LOWER_UP');
      const oper = l.operstate ?? 'UNKNOWN';
      if (carrier && NOT_OPERATIONAL.has(oper)) found.push(`${l.ifname}${where}: carrier on, still ${oper}`);
      else if (!carrier && oper === 'UP') found.push(`${l.ifname}${where}: carrier lost, still UP`);
      const port = l.linkinfo?.info_slave_kind === 'bridge' ? l.linkinfo.info_slave_data?.state : undefined;
      if (port === 'listening' || port === 'learning') found.push(`${l.ifname}${where}: bridge port ${port}`);
    }
    for (const n of parseArray<NeighJson>(neighLine))
      if (n.state?.includes('INCOMPLETE')) found.push(`${n.dst} on ${n.dev}${where}: neighbour still resolving`);
  }
  return found;
}

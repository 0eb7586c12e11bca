// Whether a target's links are still coming up: the reading (one bash) and its judgement (pure).
//
// Right after a link changes, the kernel's link watcher applies the change late (up to a second for
// some events): until then a device whose carrier came on may still drop what it is given, and its
// operational state still says so. A bridge port that is listening or learning (STP) forwards nothing
// for seconds. A negative probe sent then would take slowness for silence.
import { shellQuote } from '../core/shellQuote.js';

interface LinkJson {
  ifname?: string;
  flags?: string[];
  operstate?: string;
  linkinfo?: { info_slave_kind?: string; info_slave_data?: { state?: string } };
}

/** Operational states that say "not passing traffic" (RFC 2863); UNKNOWN (lo, a bridge's early state) passes. */
const NOT_OPERATIONAL = new Set(['DOWN', 'LOWERLAYERDOWN', 'DORMANT', 'TESTING', 'NOTPRESENT']);

/**
 * The bash that prints `ip -d -j link show` of the target's host, of every named netns and of the
 * outside (`outside`: its path inside the target, null when there is none), one section each.
 */
export function settleScript(outside: string | null): string {
  const lines = [
    `printf '\\n@@tsnet settle host\\n'; ip -d -j link show`,
    `for __tsnet_ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do printf '\\n@@tsnet settle %s\\n' "$__tsnet_ns"; ip -n "$__tsnet_ns" -d -j link show 2>/dev/null; done`,
  ];
  if (outside)
    lines.push(
      `[ -e ${shellQuote(outside)} ] && { printf '\\n@@tsnet settle outside\\n'; nsenter --net=${shellQuote(outside)} ip -d -j link show; }`,
    );
  return lines.join('\n');
}

/** What is still coming up in the output of settleScript, one phrase each (`vred in red: …`); empty when settled. Pure. */
export function unsettled(output: string): string[] {
  const found: string[] = [];
  for (const section of output.split(/\n@@tsnet settle /).slice(1)) {
    const nl = section.indexOf('\n');
    if (nl < 0) continue;
    const ns = section.slice(0, nl).trim();
    let links: LinkJson[];
    try {
      const v = JSON.parse(section.slice(nl + 1).trim() || '[]') as unknown;
      links = Array.isArray(v) ? (v as LinkJson[]) : [];
    } catch {
      continue;
    }
    const where = ns === 'host' ? '' : ` in ${ns}`;
    for (const l of links) {
      const flags = l.flags ?? [];
      if (!l.ifname || !flags.includes('UP')) continue;
      const carrier = flags.includes('LOWER_UP');
      const oper = l.operstate ?? 'UNKNOWN';
      if (carrier && NOT_OPERATIONAL.has(oper)) found.push(`${l.ifname}${where}: carrier on, still ${oper}`);
      else if (!carrier && oper === 'UP') found.push(`${l.ifname}${where}: carrier lost, still UP`);
      const port = l.linkinfo?.info_slave_kind === 'bridge' ? l.linkinfo.info_slave_data?.state : undefined;
      if (port === 'listening' || port === 'learning') found.push(`${l.ifname}${where}: bridge port ${port}`);
    }
  }
  return found;
}

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

/** What a settle reading reads besides the links: neighbours being resolved, and who answers ARP by proxy. */
export interface SettleParts {
  neighbours?: boolean;
  proxies?: boolean;
}

/**
 * The bash that prints, for the target's host, every named netns and the outside (`outside`: its path
 * inside the target, null when there is none), one section each: `ip -d -j link show`, then on lines of
 * their own what `parts` asks for (`neigh show`; `netconf show` and `neigh show proxy`). One `ip` process
 * per namespace.
 */
export function settleScript(outside: string | null, parts: SettleParts = {}): string {
  const wanted = [
    'link show',
    ...(parts.neighbours ? ['neigh show'] : []),
    ...(parts.proxies ? ['netconf show', 'neigh show proxy'] : []),
  ];
  const commands = `'${wanted.map((c) => `${c}\\n`).join('')}'`;
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

/** The sections of a settle reading: the namespace's label (`host`, a netns, `outside`) and every JSON element read there. */
function sections(output: string): { ns: string; where: string; items: Record<string, unknown>[] }[] {
  return output
    .split(/\n@@tsnet settle /)
    .slice(1)
    .map((section) => {
      const [head, ...lines] = section.split('\n');
      const ns = head?.trim() ?? '';
      const items = lines.flatMap((l) => parseArray<Record<string, unknown>>(l));
      return { ns, where: ns === 'host' ? '' : ` in ${ns}`, items };
    });
}

// Each `ip -j` line is a list of one kind: links name `ifname`, netconf entries `interface`, proxy
// entries carry `proxy`, neighbours `dst` and `state`.
const isLink = (i: Record<string, unknown>): boolean => typeof i.ifname === 'string';
const isNetconf = (i: Record<string, unknown>): boolean => typeof i.interface === 'string' && 'family' in i;
const isProxyEntry = (i: Record<string, unknown>): boolean => 'proxy' in i && typeof i.dst === 'string';
const isNeighbour = (i: Record<string, unknown>): boolean => typeof i.dst === 'string' && !('proxy' in i);

/** What is still coming up in the output of settleScript, one phrase each (`vred in red: …`); empty when settled. Pure. */
export function unsettled(output: string): string[] {
  const found: string[] = [];
  for (const { where, items } of sections(output)) {
    for (const l of items.filter(isLink) as LinkJson[]) {
      const flags = l.flags ?? [];
      if (!l.ifname || !flags.includes('UP')) continue;
      const carrier = flags.includes('LOWER_UP');
      const oper = l.operstate ?? 'UNKNOWN';
      if (carrier && NOT_OPERATIONAL.has(oper)) found.push(`${l.ifname}${where}: carrier on, still ${oper}`);
      else if (!carrier && oper === 'UP') found.push(`${l.ifname}${where}: carrier lost, still UP`);
      const port = l.linkinfo?.info_slave_kind === 'bridge' ? l.linkinfo.info_slave_data?.state : undefined;
      if (port === 'listening' || port === 'learning') found.push(`${l.ifname}${where}: bridge port ${port}`);
    }
    for (const n of items.filter(isNeighbour) as NeighJson[])
      if (n.state?.includes('INCOMPLETE')) found.push(`${n.dst} on ${n.dev}${where}: neighbour still resolving`);
  }
  return found;
}

/**
 * Queueing disciplines that send a lone packet on at once: the kernel's defaults and plain FIFOs. Any other
 * (netem, tbf, htb, cake…) may hold a packet back, by design.
 */
const PROMPT_QDISCS = new Set(['noqueue', 'noop', 'pfifo_fast', 'pfifo', 'bfifo', 'fq_codel', 'fq', 'mq']);

/**
 * What may hold an answer back, in the output of settleScript with `proxies`, one phrase each: an
 * interface with proxy ARP on (`all` turns it on for every one), an address published with `ip neigh add
 * proxy` (the kernel delays such ARP answers by a random wait of up to `proxy_delay`, 0.8 s unless
 * changed), and a link whose queueing discipline may delay what it sends (netem, tbf…). A path through
 * them may be silent for a while before it answers. Pure.
 */
export function lateAnswers(output: string): string[] {
  const found: string[] = [];
  for (const { where, items } of sections(output)) {
    for (const l of items.filter(isLink) as (LinkJson & { qdisc?: string })[])
      if (l.qdisc && !PROMPT_QDISCS.has(l.qdisc))
        found.push(`${l.ifname}${where}: qdisc ${l.qdisc} may hold packets back`);
    for (const c of items.filter(isNetconf))
      if (c.family === 'inet' && c.proxy_neigh === true && c.interface !== 'default')
        found.push(`${c.interface === 'all' ? 'every interface' : c.interface}${where}: proxy ARP on`);
    for (const p of items.filter(isProxyEntry)) found.push(`${p.dst} on ${p.dev}${where}: answered by proxy`);
  }
  return found;
}

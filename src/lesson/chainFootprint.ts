// What a lesson chain would create on a host, read from its own commands: the names a host must not
// already use for something else. Pure: read from each command's model, so a link or a sysctl made
// inside a namespace (a context, `nsenter`, `ip netns exec`, `ip -n`, `… netns NS`) is not the host's.
import { ipArgs, type SimpleCommand, type Word } from '../core/commandLine.js';
import { networkOf, parseCidr } from '../core/ipv4.js';
import type { Command, Lesson } from './lesson.js';

export interface Footprint {
  /** `ip netns add X`, with the first lesson and line that does it. */
  netns: { name: string; lesson: string; line: string }[];
  /** Links created in the host's namespace (`ip link add X type T`, and a veth's `peer name Y`). */
  links: { name: string; type: string | null; lesson: string; line: string }[];
  /** Networks of the addresses the lessons add (`ip addr add 172.18.0.1/16 …` → 172.18.0.0/16). */
  subnets: string[];
  /** Bridges among the links (`type bridge`). */
  bridges: string[];
  /** Sysctls the lessons write (`echo 1 > /proc/sys/net/ipv4/ip_forward`, `sysctl -w k=v`), dotted. */
  sysctls: string[];
  /** The host's `iptables … -A|-I …` commands: what the kernel's firewall must support. */
  iptables: string[];
}

/** Where a command runs: `host`, a netns name, or null for a namespace we cannot name (`nsenter -t PID -n`). */
export function namespaceOf(command: Command, c: SimpleCommand): string | null {
  if (!c.netns) return command.context?.netns ?? 'host';
  return c.netns.kind === 'named' ? c.netns.name : null;
}

/** One end of a new link: its name and the namespace it is created in (null: the command's own). */
interface NewLink {
  name: string;
  netns: string | null;
}

/** Attributes of a new link that take a value, so the value is not read as its name. */
const LINK_VALUED = new Set([
  ...'link address broadcast brd mtu txqueuelen txqlen index group alias'.split(' '),
  ...'numtxqueues numrxqueues gso_max_size gso_max_segs gro_max_size'.split(' '),
]);

/**
 * `ip link add [link DEV] [name] NAME [netns NS] … type T … [peer [name] Y [netns NS2]]`. The link goes to
 * NS; the peer to NS2, else, as the kernel does, where the command runs, wherever the link itself went.
 */
export function linkAdd(argv: readonly Word[]): { link: NewLink; type: string | null; peer: NewLink | null } | null {
  const [object, sub, ...args] = ipArgs(argv).map((w) => w.text);
  if (!['link', 'l'].includes(object ?? '') || sub !== 'add') return null;
  const ends: { name: string | null; netns: string | null }[] = [{ name: null, netns: null }];
  let type: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const end = ends.at(-1)!;
    if (LINK_VALUED.has(w)) i++;
    else if (w === 'type' && ends.length === 1) type = args[++i] ?? null;
    else if (w === 'peer' && ends.length === 1) ends.push({ name: null, netns: null });
    else if (w === 'netns') end.netns = args[++i] ?? null;
    else if (w === 'name' || w === 'dev') end.name = args[++i] ?? end.name;
    else if (end.name === null && (ends.length > 1 || type === null)) end.name = w;
  }
  const [link, peer] = ends;
  if (!link?.name) return null;
  return {
    link: { name: link.name, netns: link.netns },
    type,
    peer: peer?.name ? { name: peer.name, netns: peer.netns } : null,
  };
}

/** The dotted keys a command writes: `echo 1 > /proc/sys/net/ipv4/ip_forward`, `tee /proc/sys/…`, `sysctl -w k=v`. */
export function sysctlsWritten(c: SimpleCommand): string[] {
  const dotted = (path: string): string => path.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
  const files = c.redirects.filter((r) => ['>', '>>', '>|'].includes(r.op)).map((r) => r.target.text);
  const [head, ...args] = c.argv.map((w) => w.text);
  if (head === 'tee') files.push(...args.filter((a) => !a.startsWith('-')));
  const keys = files.filter((f) => /^\/proc\/sys\/\S+$/.test(f)).map(dotted);
  if (head === 'sysctl' && !args.some((a) => ['-p', '--load', '--system'].includes(a)))
    keys.push(...args.filter((a) => !a.startsWith('-') && /^[\w.\-/]+=/.test(a)).map((a) => dotted(a.split('=')[0]!)));
  return keys;
}

export function chainFootprint(chain: readonly Lesson[]): Footprint {
  const fp: Footprint = { netns: [], links: [], subnets: [], bridges: [], sysctls: [], iptables: [] };
  const add = <T>(list: T[], v: T): void => {
    if (!list.includes(v)) list.push(v);
  };
  for (const lesson of chain) {
    for (const step of lesson.steps) {
      for (const command of step.commands) {
        if (command.role !== 'run') continue;
        const line = command.line;
        for (const c of command.parsed.commands) {
          const ns = namespaceOf(command, c);
          const host = ns === 'host';
          const [object, sub, arg] = ipArgs(c.argv).map((w) => w.text);
          if (object === 'netns' && sub === 'add' && arg && !fp.netns.some((n) => n.name === arg))
            fp.netns.push({ name: arg, lesson: lesson.id, line });
          const link = linkAdd(c.argv);
          // Links made inside a namespace the lessons create cannot collide with anything.
          for (const end of link ? [link.link, link.peer] : []) {
            if (!end || (end.netns ?? ns) !== 'host' || fp.links.some((l) => l.name === end.name)) continue;
            fp.links.push({ name: end.name, type: link!.type, lesson: lesson.id, line });
          }
          if (link?.type === 'bridge' && (link.link.netns ?? ns) === 'host') add(fp.bridges, link.link.name);
          if (/^a(ddr?|ddress)?$/.test(object ?? '') && sub === 'add') {
            const cidr = parseCidr(arg ?? '');
            if (cidr && cidr.prefix < 32) add(fp.subnets, networkOf(cidr));
          }
          if (!host) continue;
          for (const key of sysctlsWritten(c)) add(fp.sysctls, key);
          const [head, ...args] = c.argv.map((w) => w.text);
          if (head === 'iptables' && args.some((a) => ['-A', '-I', '--append', '--insert'].includes(a)))
            add(fp.iptables, command.parsed.text.slice(c.argv[0]!.offset, c.end));
        }
      }
    }
  }
  return fp;
}

// What a lesson chain would create on a host, read from its own commands: the names a host must not
// already use for something else. Pure.
import { networkOf, parseCidr } from '../core/ipv4.js';
import type { Lesson } from './lesson.js';

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
  /** The host's `iptables … -A|-I …` lines: what the kernel's firewall must support. */
  iptables: string[];
}

/** The line without a leading `nsenter --net=…` or `ip netns exec X`, and whether it had one. */
function unwrap(line: string): { words: string[]; inNetns: boolean } {
  const m = /^(?:nsenter\s+(?:-\S+\s+)*|ip\s+netns\s+exec\s+\S+\s+)/.exec(line);
  const rest = m ? line.slice(m[0].length) : line;
  return { words: rest.trim().split(/\s+/), inNetns: m !== null };
}

/** `ip link add [link DEV] [name] NAME … type T … [peer [name] Y]`. */
function linkAdd(words: readonly string[]): { name: string; type: string | null; peer: string | null } | null {
  if (words[0] !== 'ip' || words[1] !== 'link' || words[2] !== 'add') return null;
  let name: string | null = null;
  let type: string | null = null;
  let peer: string | null = null;
  for (let i = 3; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'link') i++;
    else if (w === 'type') type = words[++i] ?? null;
    else if (w === 'peer') {
      const next = words[i + 1] === 'name' ? words[i + 2] : words[i + 1];
      peer = next ?? null;
      break;
    } else if (w === 'name' || w === 'dev') name = words[++i] ?? name;
    else if (name === null && type === null) name = w;
  }
  return name ? { name, type, peer } : null;
}

/** The dotted key a line writes (`echo 1 > /proc/sys/net/ipv4/ip_forward`, `sysctl -w k=v`), or null. */
export function sysctlWritten(line: string): string | null {
  const echo = /^echo\s+\S+\s*>\s*\/proc\/sys\/(\S+)$/.exec(line.trim());
  if (echo) return echo[1]!.replace(/\//g, '.');
  const w = /^sysctl\s+(?:-q\s+)?-w\s+([\w.\-/]+)=/.exec(line.trim());
  return w ? w[1]!.replace(/\//g, '.') : null;
}

export function chainFootprint(chain: readonly Lesson[]): Footprint {
  const fp: Footprint = { netns: [], links: [], subnets: [], bridges: [], sysctls: [], iptables: [] };
  const add = <T>(list: T[], v: T): void => {
    if (!list.includes(v)) list.push(v);
  };
  for (const lesson of chain) {
    for (const step of lesson.steps) {
      for (const c of step.commands) {
        if (c.role !== 'run') continue;
        const { words, inNetns } = unwrap(c.line);
        const host = !inNetns && c.context === null;
        const ns = words[0] === 'ip' && words[1] === 'netns' && words[2] === 'add' ? words[3] : undefined;
        if (ns && !fp.netns.some((n) => n.name === ns)) fp.netns.push({ name: ns, lesson: lesson.id, line: c.line });
        const link = linkAdd(words);
        // Links made inside a namespace the lessons create cannot collide with anything.
        if (link && host) {
          for (const [name, type] of [[link.name, link.type], ...(link.peer ? [[link.peer, link.type]] : [])] as [
            string,
            string | null,
          ][]) {
            if (!fp.links.some((l) => l.name === name)) fp.links.push({ name, type, lesson: lesson.id, line: c.line });
          }
          if (link.type === 'bridge') add(fp.bridges, link.name);
        }
        if (words[0] === 'ip' && /^a(ddr?|ddress)?$/.test(words[1] ?? '') && words[2] === 'add') {
          const cidr = parseCidr(words[3] ?? '');
          if (cidr && cidr.prefix < 32) add(fp.subnets, networkOf(cidr));
        }
        const key = sysctlWritten(c.line);
        if (key && host) add(fp.sysctls, key);
        if (host && words[0] === 'iptables' && (words.includes('-A') || words.includes('-I'))) add(fp.iptables, c.line);
      }
    }
  }
  return fp;
}

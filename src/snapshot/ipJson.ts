// Parsing `ip -d -j addr show` and `ip -j route show` into link and route states. Pure.
import type { LinkState, RouteState } from './model.js';

interface IpAddrJson {
  ifname?: string;
  ifindex?: number;
  link_index?: number;
  link_netnsid?: number;
  flags?: string[];
  operstate?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

interface IpRouteJson {
  dst?: string;
  gateway?: string;
  dev?: string;
}

function parseJsonArray(text: string): unknown[] {
  const t = text.trim();
  if (!t) return [];
  const v = JSON.parse(t) as unknown;
  return Array.isArray(v) ? v : [];
}

export function parseIpAddrJson(text: string): LinkState[] {
  return (parseJsonArray(text) as IpAddrJson[])
    .filter((l) => typeof l.ifname === 'string')
    .map((l) => ({
      name: l.ifname!,
      type: l.linkinfo?.info_kind ?? null,
      up: (l.flags ?? []).includes('UP'),
      operstate: l.operstate ?? 'UNKNOWN',
      master: l.master ?? null,
      addresses: (l.addr_info ?? [])
        .filter((a) => (a.family === 'inet' || a.family === 'inet6') && typeof a.local === 'string')
        .map((a) => ({ family: a.family as 'inet' | 'inet6', local: a.local!, prefixlen: a.prefixlen ?? 32 })),
      ...(typeof l.ifindex === 'number' ? { ifindex: l.ifindex } : {}),
      ...(l.linkinfo?.info_kind === 'veth' && typeof l.link_index === 'number'
        ? { peer: { ifindex: l.link_index, netnsId: typeof l.link_netnsid === 'number' ? l.link_netnsid : null } }
        : {}),
    }));
}

export function parseIpRouteJson(text: string): RouteState[] {
  return (parseJsonArray(text) as IpRouteJson[])
    .filter((r) => typeof r.dst === 'string')
    .map((r) => ({ dst: r.dst!, gateway: r.gateway ?? null, dev: r.dev ?? null }));
}

/** `ip -j netns list`: `[]`, `[{"name":"netns1","id":1},…]` (newest first), or nothing at all. */
export function parseNetnsList(text: string): string[] {
  return (parseJsonArray(text) as { name?: string }[])
    .map((n) => n.name)
    .filter((n): n is string => typeof n === 'string');
}

/** The ids in the same output, for the namespaces that have one. */
export function parseNetnsIds(text: string): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const n of parseJsonArray(text) as { name?: string; id?: number }[])
    if (typeof n.name === 'string' && typeof n.id === 'number') ids[n.name] = n.id;
  return ids;
}

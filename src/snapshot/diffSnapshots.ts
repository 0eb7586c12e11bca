// "What changed": the differences between two snapshots, in the terms a learner types. Pure.
import { nsLabel } from './space.js';
import { compareText } from '../core/compareText.js';
import type { LinkState, NamespaceState, Snapshot } from './model.js';

export type ChangeKind = 'netns' | 'link' | 'address' | 'route' | 'rule' | 'policy' | 'sysctl' | 'listening';

export interface Change {
  op: 'added' | 'removed' | 'changed';
  kind: ChangeKind;
  /** `host`, `outside` or a netns name (`host` for netns themselves). */
  ns: string;
  /** What it is, e.g. `veth0 (veth)`, `default via 172.18.0.1 dev ceth0`, `-t nat -A POSTROUTING …`. */
  subject: string;
  /** For `changed`: `down → up`. */
  detail?: string;
}

type Keyed = Map<string, string>;

function linkSummary(l: LinkState): string {
  return `${l.name}${l.type ? ` (${l.type})` : ''}`;
}

function linkDetail(l: LinkState): string {
  return [l.up ? 'up' : 'down', ...(l.master ? [`master ${l.master}`] : [])].join(', ');
}

// IPv6 link-local and loopback addresses appear by themselves when a link goes up: noise in an IPv4 tutorial.
const isNoise = (family: string, local: string): boolean =>
  family === 'inet6' && (local.toLowerCase().startsWith('fe80:') || local === '::1');

// The host, the outside, then the netns by name: the order a reader expects, whatever order ip listed them in.
const spaceOrder = (ns: string): string => (ns === 'host' ? '0' : ns === 'outside' ? '1' : `2${ns}`);

function addresses(s: NamespaceState): Keyed {
  const m: Keyed = new Map();
  for (const l of s.links ?? [])
    for (const a of l.addresses)
      if (!isNoise(a.family, a.local))
        m.set(`${a.local}/${a.prefixlen} ${l.name}`, `${a.local}/${a.prefixlen} on ${l.name}`);
  return m;
}

function routes(s: NamespaceState): Keyed {
  const m: Keyed = new Map();
  for (const r of s.routes ?? []) {
    const text = [r.dst, ...(r.gateway ? [`via ${r.gateway}`] : []), ...(r.dev ? [`dev ${r.dev}`] : [])].join(' ');
    m.set(text, text);
  }
  return m;
}

function rules(s: NamespaceState): Keyed {
  const m: Keyed = new Map();
  for (const t of Object.values(s.iptables ?? {}))
    for (const r of t.rules) m.set(`${t.name} ${r.line}`, `${t.name === 'filter' ? '' : `-t ${t.name} `}${r.line}`);
  return m;
}

function listeners(s: NamespaceState): Keyed {
  const m: Keyed = new Map();
  for (const l of s.listening ?? [])
    m.set(
      `${l.proto} ${l.address}:${l.port}`,
      `${l.proto} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`,
    );
  return m;
}

function keyedDiff(kind: ChangeKind, ns: string, before: Keyed, after: Keyed): Change[] {
  const out: Change[] = [];
  for (const [k, v] of before) if (!after.has(k)) out.push({ op: 'removed', kind, ns, subject: v });
  for (const [k, v] of after) if (!before.has(k)) out.push({ op: 'added', kind, ns, subject: v });
  return out;
}

/** A namespace that did not exist yet compares as empty, except for the `lo` every new namespace has. */
const EMPTY: NamespaceState = {};

function diffSpace(ns: string, b: NamespaceState, a: NamespaceState, fresh: boolean): Change[] {
  const out: Change[] = [];
  if (b.links !== undefined || fresh) {
    const before = new Map((b.links ?? []).map((l) => [l.name, l]));
    const after = new Map((a.links ?? []).map((l) => [l.name, l]));
    for (const [name, l] of before)
      if (!after.has(name)) out.push({ op: 'removed', kind: 'link', ns, subject: linkSummary(l) });
    for (const [name, l] of after) {
      const was = before.get(name);
      if (!was) {
        if (fresh && name === 'lo' && !l.up) continue;
        out.push({ op: 'added', kind: 'link', ns, subject: linkSummary(l), detail: linkDetail(l) });
      } else {
        const detail = [
          ...(was.up !== l.up ? [was.up ? 'up → down' : 'down → up'] : []),
          ...(was.master !== l.master
            ? [
                l.master
                  ? was.master
                    ? `master ${was.master} → ${l.master}`
                    : `now on ${l.master}`
                  : `no longer on ${was.master}`,
              ]
            : []),
        ].join(', ');
        if (detail) out.push({ op: 'changed', kind: 'link', ns, subject: linkSummary(l), detail });
      }
    }
    out.push(...keyedDiff('address', ns, addresses(b), addresses(a)));
  }
  if (b.routes !== undefined || fresh) out.push(...keyedDiff('route', ns, routes(b), routes(a)));
  if (b.iptables !== undefined || fresh) {
    out.push(...keyedDiff('rule', ns, rules(b), rules(a)));
    for (const t of Object.values(a.iptables ?? {})) {
      for (const [chain, policy] of Object.entries(t.policies)) {
        const was = b.iptables?.[t.name]?.policies[chain] ?? 'ACCEPT';
        if (was !== policy)
          out.push({
            op: 'changed',
            kind: 'policy',
            ns,
            subject: `${t.name === 'filter' ? '' : `-t ${t.name} `}${chain} policy`,
            detail: `${was} → ${policy}`,
          });
      }
    }
  }
  for (const [key, value] of Object.entries(a.sysctl ?? {})) {
    const was = b.sysctl?.[key];
    if (was !== undefined && was !== value)
      out.push({ op: 'changed', kind: 'sysctl', ns, subject: key, detail: `${was} → ${value}` });
  }
  if (b.listening !== undefined || fresh) out.push(...keyedDiff('listening', ns, listeners(b), listeners(a)));
  return out;
}

/** Everything that differs, namespaces first, then each namespace's links, addresses, routes, rules, sysctls, sockets. */
export function diffSnapshots(before: Snapshot, after: Snapshot): Change[] {
  const out: Change[] = [];
  for (const name of [...before.netns].sort())
    if (!after.netns.includes(name)) out.push({ op: 'removed', kind: 'netns', ns: 'host', subject: name });
  for (const name of [...after.netns].sort())
    if (!before.netns.includes(name)) out.push({ op: 'added', kind: 'netns', ns: 'host', subject: name });
  const names = [...new Set([...Object.keys(before.spaces), ...Object.keys(after.spaces)])].sort((a, b) =>
    compareText(spaceOrder(a), spaceOrder(b)),
  );
  for (const ns of names) {
    const b = before.spaces[ns];
    const a = after.spaces[ns];
    const created = !before.netns.includes(ns) && after.netns.includes(ns);
    // Gone: the netns line says so. Not collected before (and not new): nothing to compare with.
    if (!a || (b === undefined && !created)) continue;
    out.push(...diffSpace(ns, b ?? EMPTY, a, !b));
  }
  return out;
}

const SIGN = { added: '+', removed: '-', changed: '~' } as const;
const NOUN: Record<ChangeKind, string> = {
  netns: 'netns',
  link: 'link',
  address: 'address',
  route: 'route',
  rule: 'iptables',
  policy: 'iptables',
  sysctl: 'sysctl',
  listening: 'listening',
};

/** One line per change: `+ route default via 172.18.0.1 dev ceth0 (netns netns0)`. */
export function formatChange(c: Change): string {
  const what = `${NOUN[c.kind]} ${c.subject}`;
  const where = c.kind === 'netns' ? '' : ` (${nsLabel(c.ns)})`;
  return `${SIGN[c.op]} ${what}${c.detail ? `: ${c.detail}` : ''}${where}`;
}

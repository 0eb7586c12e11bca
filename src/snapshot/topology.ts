// The network as a picture sees it: namespaces, interfaces, veth pairs across namespaces, bridges, routes,
// NAT and published ports, read from a full snapshot. Pure.
import type { IptablesRule } from './iptablesSave.js';
import type { LinkState, Listener, RouteState, Snapshot } from './model.js';
import { compareText } from '../core/compareText.js';

export type NamespaceKind = 'host' | 'outside' | 'netns';

export interface TopoInterface {
  name: string;
  /** veth, bridge, … (null for plain devices such as lo). */
  type: string | null;
  up: boolean;
  operstate: string;
  /** The bridge this interface is a port of. */
  master: string | null;
  /** `172.18.0.10/16`, IPv4 first then IPv6, as the kernel lists them. */
  addresses: string[];
}

export interface TopoNamespace {
  /** `host`, `outside` or the netns name. */
  name: string;
  kind: NamespaceKind;
  interfaces: TopoInterface[];
  routes: RouteState[];
  /** `net.ipv4.ip_forward` as read (`1`, `0`), null when unknown. */
  ipForward: string | null;
  listeners: Listener[];
}

export interface Endpoint {
  ns: string;
  name: string;
}

/** A veth pair; `b` is null when the peer lives in a namespace that has no name here (a container's, say). */
export interface VethPair {
  a: Endpoint;
  b: Endpoint | null;
}

export interface Bridge extends Endpoint {
  ports: string[];
}

/** A source-NAT rule of the nat table's POSTROUTING chain (MASQUERADE or SNAT). */
export interface NatRule {
  ns: string;
  target: 'MASQUERADE' | 'SNAT';
  /** `-s` as written by iptables-save (`172.18.0.0/16`), null for any. */
  source: string | null;
  /** `-o`, and whether it is negated (`! -o br0`: leaving by anything but br0). */
  outInterface: string | null;
  outNegated: boolean;
  /** SNAT's `--to-source`. */
  toSource: string | null;
  line: string;
}

/** A DNAT rule, or several that differ only by chain (PREROUTING for traffic from outside, OUTPUT for the host's own). */
export interface PublishedPort {
  ns: string;
  chains: string[];
  proto: string;
  /** `-d` without `/32`; null when the rule matches any destination address. */
  address: string | null;
  /** The interface of `ns` that owns `address`. */
  via: string | null;
  port: number;
  to: { address: string; port: number };
  /** Where `to` lives: the namespace and interface that own the address, and the socket listening there. */
  target: { ns: string; interface: string; listener: Listener | null } | null;
}

export interface Topology {
  /** Host first, then outside, then the netns by name. */
  namespaces: TopoNamespace[];
  vethPairs: VethPair[];
  bridges: Bridge[];
  nat: NatRule[];
  published: PublishedPort[];
}

const KIND_ORDER: Record<NamespaceKind, number> = { host: 0, outside: 1, netns: 2 };

/**
 * The namespace passes packets between networks: ip_forward=1, or, where ip_forward could not be read,
 * routes out through two or more of its interfaces. Then it is a router, not a container. Pure.
 */
export function routesBetweenNetworks(ns: TopoNamespace): boolean {
  if (ns.ipForward !== null) return ns.ipForward === '1';
  const through = ns.routes.filter((r) => r.dev && r.dev !== 'lo' && !r.dst.includes(':')).map((r) => r.dev);
  return new Set(through).size >= 2;
}

function kindOf(name: string): NamespaceKind {
  return name === 'host' ? 'host' : name === 'outside' ? 'outside' : 'netns';
}

function addressesOf(l: LinkState): string[] {
  const v4 = l.addresses.filter((a) => a.family === 'inet');
  const v6 = l.addresses.filter((a) => a.family === 'inet6');
  return [...v4, ...v6].map((a) => `${a.local}/${a.prefixlen}`);
}

/** The value of an option in a rule's words, and whether a `!` precedes it. */
function option(args: readonly string[], names: readonly string[]): { value: string; negated: boolean } | null {
  for (let i = 0; i < args.length - 1; i++) {
    if (names.includes(args[i]!)) return { value: args[i + 1]!, negated: args[i - 1] === '!' };
  }
  return null;
}

function natRule(ns: string, r: IptablesRule): NatRule | null {
  const target = option(r.args, ['-j', '--jump'])?.value;
  if (r.chain !== 'POSTROUTING' || (target !== 'MASQUERADE' && target !== 'SNAT')) return null;
  const out = option(r.args, ['-o', '--out-interface']);
  return {
    ns,
    target,
    source: option(r.args, ['-s', '--source'])?.value ?? null,
    outInterface: out?.value ?? null,
    outNegated: out?.negated ?? false,
    toSource: option(r.args, ['--to-source'])?.value ?? null,
    line: r.line,
  };
}

/** `172.18.0.10:5000`, `172.18.0.10`, `172.18.0.10-172.18.0.12:5000-5010`: the first address and port. */
function parseToDestination(text: string, dport: number): { address: string; port: number } | null {
  const m = /^([\d.]+)(?:-[\d.]+)?(?::(\d+)(?:-\d+)?)?$/.exec(text);
  if (!m) return null;
  return { address: m[1]!, port: m[2] === undefined ? dport : Number(m[2]) };
}

interface Dnat {
  chain: string;
  proto: string;
  address: string | null;
  port: number;
  to: { address: string; port: number };
}

function dnatRule(r: IptablesRule): Dnat | null {
  if (option(r.args, ['-j', '--jump'])?.value !== 'DNAT') return null;
  const dport = option(r.args, ['--dport', '--destination-port']);
  const to = option(r.args, ['--to-destination']);
  const d = option(r.args, ['-d', '--destination']);
  // A negated or ranged match is not one published port: leave it out rather than draw it wrongly.
  if (!dport || dport.negated || !/^\d+$/.test(dport.value) || !to || d?.negated) return null;
  const port = Number(dport.value);
  const dest = parseToDestination(to.value, port);
  if (!dest) return null;
  return {
    chain: r.chain,
    proto: option(r.args, ['-p', '--protocol'])?.value ?? 'tcp',
    address: d ? d.value.replace(/\/32$/, '') : null,
    port,
    to: dest,
  };
}

function owns(i: TopoInterface, address: string): boolean {
  return i.addresses.some((a) => a.split('/')[0] === address);
}

function covers(l: Listener, address: string): boolean {
  return l.address === address || l.address === '0.0.0.0' || l.address === '::' || l.address === `::ffff:${address}`;
}

interface Located {
  ns: string;
  link: LinkState;
}

/**
 * Pairs veth ends. From the host, a peer's netnsId is the host's id of the peer netns (`snapshot.netnsIds`);
 * from any other namespace it is that namespace's own id for the peer's, which we do not know. So: pair from
 * the host by id first, then by mutual ifindex (each end names the other), accepted only when unambiguous.
 */
function pairVeths(snapshot: Snapshot, names: string[]): VethPair[] {
  const veths: Located[] = names.flatMap((ns) =>
    (snapshot.spaces[ns]?.links ?? []).filter((l) => l.peer && l.ifindex !== undefined).map((link) => ({ ns, link })),
  );
  const idToNs = new Map(Object.entries(snapshot.netnsIds ?? {}).map(([name, id]) => [id, name]));
  const paired = new Set<Located>();
  const pairs: VethPair[] = [];
  const pair = (x: Located, y: Located): void => {
    paired.add(x).add(y);
    pairs.push({ a: { ns: x.ns, name: x.link.name }, b: { ns: y.ns, name: y.link.name } });
  };
  const nameEach = (x: Located, y: Located): boolean =>
    x.link.peer!.ifindex === y.link.ifindex && y.link.peer!.ifindex === x.link.ifindex;

  for (const x of veths) {
    if (paired.has(x)) continue;
    const peer = x.link.peer!;
    // Same namespace (no netnsId), or the host naming a netns by its id: the peer's namespace is known.
    const known = peer.netnsId === null ? x.ns : x.ns === 'host' ? idToNs.get(peer.netnsId) : undefined;
    if (known === undefined) continue;
    const y = veths.find((v) => v !== x && !paired.has(v) && v.ns === known && nameEach(x, v));
    if (y) pair(x, y);
  }
  for (const x of veths) {
    if (paired.has(x)) continue;
    const candidates = veths.filter(
      (v) =>
        v !== x &&
        !paired.has(v) &&
        v.ns !== x.ns &&
        x.link.peer!.netnsId !== null &&
        v.link.peer!.netnsId !== null &&
        nameEach(x, v),
    );
    if (candidates.length === 1) pair(x, candidates[0]!);
  }
  for (const x of veths) if (!paired.has(x)) pairs.push({ a: { ns: x.ns, name: x.link.name }, b: null });
  return pairs;
}

const byEndpoint = (x: Endpoint, y: Endpoint): number => compareText(x.ns, y.ns) || compareText(x.name, y.name);

/** The topology of a snapshot taken with takeFullSnapshot: every namespace it read. */
export function topologyOf(snapshot: Snapshot): Topology {
  const names = Object.keys(snapshot.spaces)
    .filter((n) => snapshot.spaces[n])
    .sort((x, y) => KIND_ORDER[kindOf(x)] - KIND_ORDER[kindOf(y)] || compareText(x, y));

  const namespaces: TopoNamespace[] = names.map((name) => {
    const s = snapshot.spaces[name]!;
    return {
      name,
      kind: kindOf(name),
      interfaces: [...(s.links ?? [])]
        .sort((x, y) => (x.ifindex ?? 0) - (y.ifindex ?? 0) || compareText(x.name, y.name))
        .map((l) => ({
          name: l.name,
          type: l.type,
          up: l.up,
          operstate: l.operstate,
          master: l.master,
          addresses: addressesOf(l),
        })),
      routes: s.routes ?? [],
      ipForward: s.sysctl?.['net.ipv4.ip_forward'] ?? null,
      listeners: s.listening ?? [],
    };
  });

  // Normalise each pair so the host (or the earlier namespace) is `a`: the host's veth0 ↔ netns0's ceth0.
  const order = (e: Endpoint): number => names.indexOf(e.ns);
  const vethPairs = pairVeths(snapshot, names)
    .map((p) =>
      p.b && (order(p.b) < order(p.a) || (order(p.b) === order(p.a) && p.b.name < p.a.name)) ? { a: p.b, b: p.a } : p,
    )
    .sort((x, y) => order(x.a) - order(y.a) || byEndpoint(x.a, y.a));

  const bridges: Bridge[] = namespaces.flatMap((n) =>
    n.interfaces
      .filter((i) => i.type === 'bridge')
      .map((b) => ({
        ns: n.name,
        name: b.name,
        ports: n.interfaces
          .filter((i) => i.master === b.name)
          .map((i) => i.name)
          .sort(),
      })),
  );

  const nat: NatRule[] = [];
  const published: PublishedPort[] = [];
  for (const n of namespaces) {
    const table = snapshot.spaces[n.name]?.iptables?.['nat'];
    if (!table) continue;
    for (const r of table.rules) {
      const masq = natRule(n.name, r);
      if (masq) nat.push(masq);
      const d = dnatRule(r);
      if (!d) continue;
      const same = published.find(
        (p) =>
          p.ns === n.name &&
          p.proto === d.proto &&
          p.address === d.address &&
          p.port === d.port &&
          p.to.address === d.to.address &&
          p.to.port === d.to.port,
      );
      if (same) {
        if (!same.chains.includes(d.chain)) same.chains.push(d.chain);
        continue;
      }
      // Its own namespace first: 127.0.0.1, say, is in every one.
      const owner = [n, ...namespaces.filter((m) => m !== n)].flatMap((m) =>
        m.interfaces.filter((i) => owns(i, d.to.address)).map((i) => ({ ns: m, i })),
      )[0];
      const listener = owner
        ? (owner.ns.listeners.find((l) => l.proto === d.proto && l.port === d.to.port && covers(l, d.to.address)) ??
          null)
        : null;
      published.push({
        ns: n.name,
        chains: [d.chain],
        proto: d.proto,
        address: d.address,
        via: d.address === null ? null : (n.interfaces.find((i) => owns(i, d.address!))?.name ?? null),
        port: d.port,
        to: d.to,
        target: owner ? { ns: owner.ns.name, interface: owner.i.name, listener } : null,
      });
    }
  }
  return { namespaces, vethPairs, bridges, nat, published };
}

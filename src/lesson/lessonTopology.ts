// The network a chain of lessons builds, as its own commands and checks name it: namespaces, bridges,
// addresses, subnets. Probe scopes, diagnosis and fixes start from this, never from one course's names. Pure.
import { inCidr, networkOf, parseCidr } from '../core/ipv4.js';
import { commandClaims } from './commandClaims.js';
import type { CheckDecl, Lesson } from './lesson.js';

export interface LessonTopology {
  /** Network namespaces the chain creates or names (`ip netns add`, `in=`, `from=`); not `host` or `outside`. */
  namespaces: string[];
  /** Links it creates or names, in their namespace (`host` or a netns). */
  links: { name: string; ns: string }[];
  /** Bridges among them, and any a link is put on (`master=`). */
  bridges: { name: string; ns: string }[];
  /** Addresses it assigns (`ip addr add`, `addr` checks). */
  addresses: { address: string; prefix: number; dev: string; ns: string }[];
  /** Networks of those addresses, and prefixes it routes through its own links or gateways; canonical. */
  subnets: string[];
  /** Addresses it publishes ports on (`-j DNAT` with `-d ADDR`). */
  published: string[];
  /** Namespaces where it turns forwarding on (`net.ipv4.ip_forward=1`). */
  forwarding: string[];
}

type Args = Record<string, unknown>;
const str = (a: Args, k: string): string | null => (typeof a[k] === 'string' ? (a[k] as string) : null);

/** The topology named by these declarations: the chain's checks, and the claims of its commands. */
export function topologyOf(decls: readonly CheckDecl[]): LessonTopology {
  const t: LessonTopology = {
    namespaces: [],
    links: [],
    bridges: [],
    addresses: [],
    subnets: [],
    published: [],
    forwarding: [],
  };
  const add = <T>(list: T[], v: T, same: (x: T) => boolean): void => {
    if (!list.some(same)) list.push(v);
  };
  const addNs = (ns: string | null): void => {
    if (ns && ns !== 'host' && ns !== 'outside') add(t.namespaces, ns, (x) => x === ns);
  };
  const addLink = (name: string, ns: string): void => add(t.links, { name, ns }, (x) => x.name === name && x.ns === ns);
  const addBridge = (name: string, ns: string): void =>
    add(t.bridges, { name, ns }, (x) => x.name === name && x.ns === ns);
  const routes: { dst: string; via: string | null; dev: string | null; ns: string }[] = [];

  for (const d of decls) {
    const a = d.args;
    const ns = str(a, 'ns') ?? 'host';
    const absent = a.absent === true;
    if (d.kind === 'netns' && !absent) addNs(str(a, 'name'));
    if (d.kind === 'ping' || d.kind === 'http') addNs(str(a, 'from'));
    else addNs(ns);
    if (d.kind === 'link' && !absent) {
      addLink(str(a, 'name')!, ns);
      if (a.type === 'bridge') addBridge(str(a, 'name')!, ns);
      const master = str(a, 'master');
      if (master) addBridge(master, ns);
    }
    if (d.kind === 'addr' && !absent) {
      const address = str(a, 'address')!;
      const prefix = a.prefix as number;
      const dev = str(a, 'dev')!;
      add(t.addresses, { address, prefix, dev, ns }, (x) => x.address === address && x.dev === dev && x.ns === ns);
      addLink(dev, ns);
    }
    if (d.kind === 'route' && !absent && a.dst !== 'default')
      routes.push({ dst: str(a, 'dst')!, via: str(a, 'via'), dev: str(a, 'dev'), ns });
    if (d.kind === 'sysctl' && a.key === 'net.ipv4.ip_forward' && a.value === '1')
      add(t.forwarding, ns, (x) => x === ns);
    if (d.kind === 'rule' && !absent) {
      const spec = a.spec as string[];
      const dnat = spec.includes('DNAT');
      const dest = spec.indexOf('-d') >= 0 ? spec[spec.indexOf('-d') + 1] : undefined;
      const cidr = dest ? parseCidr(dest) : null;
      if (dnat && cidr && cidr.prefix === 32) add(t.published, cidr.address, (x) => x === cidr.address);
    }
  }
  for (const x of t.addresses)
    if (x.prefix < 32) {
      const net = networkOf(x);
      add(t.subnets, net, (s) => s === net);
    }
  // A prefix routed through one of the chain's links, or via a gateway on one of its subnets, is its own too.
  const ownSubnet = (address: string): boolean => t.subnets.some((s) => inCidr(address, parseCidr(s)!));
  for (const r of routes) {
    const ownDev = r.dev !== null && t.links.some((l) => l.name === r.dev && l.ns === r.ns);
    if (ownDev || (r.via !== null && ownSubnet(r.via))) add(t.subnets, r.dst, (s) => s === r.dst);
  }
  return t;
}

/** The topology of a chain: every check of its lessons and every lasting claim of its commands. */
export function lessonTopology(chain: readonly Lesson[]): LessonTopology {
  const checks = chain.flatMap((l) => l.steps.flatMap((s) => s.checks));
  return topologyOf([...commandClaims(chain).map((c) => c.decl), ...checks]);
}

// What `run --target host` created or changed on this machine, merged across runs: exactly what
// `reset --target host` may undo. Built from a snapshot before and after each run. Pure.
import type { AddressState, LinkState, NamespaceState, RouteState, Snapshot } from '../snapshot/model.js';

export interface RecordedProcess {
  pid: number;
  /** Field 22 of /proc/PID/stat: a recycled pid is not ours. */
  startTime: string;
  line: string;
}

/** A run that has started and not yet recorded its changes (interrupted, or killed outright). */
export interface PendingRun {
  pid: number;
  startTime: string;
  lesson: string;
  startedAt: string;
  before: Snapshot;
  /** Host sysctls read into `before` besides the watched ones (what the lessons write). */
  sysctls: string[];
  /** Directories the run may create that did not exist before it, deepest first: its jobs directory, then parents. */
  newDirs: RecordedDir[];
}

/** A directory a run created: its jobs directory goes with what is in it, a parent only when left empty. */
export interface RecordedDir {
  path: string;
  withContents: boolean;
}

export interface HostRecord {
  version: 1;
  netns: string[];
  /** Links it created in the host's namespace; ifindex tells ours from a namesake made later. */
  links: { name: string; type: string | null; ifindex: number | null }[];
  /** The original state of links it did not create but changed. */
  linkStates: { name: string; up: boolean; master: string | null }[];
  /** Addresses and routes it added to links it did not create (those on its own links go with them). */
  addresses: { dev: string; local: string; prefixlen: number }[];
  routes: RouteState[];
  /** iptables rules it added, as `iptables-save` prints them; a rule added twice is here twice. */
  rules: { table: string; line: string }[];
  /** iptables tables that did not exist before (nf_tables creates them on first use). */
  tables: string[];
  policies: { table: string; chain: string; original: string }[];
  sysctls: { key: string; original: string }[];
  processes: RecordedProcess[];
  dirs: RecordedDir[];
  lessons: string[];
  pending: PendingRun | null;
}

export function emptyRecord(): HostRecord {
  return {
    version: 1,
    netns: [],
    links: [],
    linkStates: [],
    addresses: [],
    routes: [],
    rules: [],
    tables: [],
    policies: [],
    sysctls: [],
    processes: [],
    dirs: [],
    lessons: [],
    pending: null,
  };
}

/** True when there is nothing to undo (a pending run may still have changed something). */
export function isEmptyRecord(r: HostRecord): boolean {
  const { version: _v, lessons: _l, pending, ...things } = r;
  return pending === null && Object.values(things).every((list) => list.length === 0);
}

const isNoise = (a: AddressState): boolean => a.family === 'inet6' && a.local.toLowerCase().startsWith('fe80:');
const routeKey = (r: RouteState): string => `${r.dst}|${r.gateway ?? ''}|${r.dev ?? ''}`;
const sameLink = (a: LinkState, b: LinkState): boolean =>
  a.ifindex === undefined || b.ifindex === undefined || a.ifindex === b.ifindex;

function counts(s: NamespaceState | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of Object.values(s?.iptables ?? {}))
    for (const r of t.rules) m.set(`${t.name}\n${r.line}`, (m.get(`${t.name}\n${r.line}`) ?? 0) + 1);
  return m;
}

/** The record after a run that went from `before` to `after`: what it added joins, what it removed leaves. */
export function mergeRun(record: HostRecord, before: Snapshot, after: Snapshot): HostRecord {
  const r: HostRecord = structuredClone(record);
  const b = before.spaces.host ?? {};
  const a = after.spaces.host ?? {};

  r.netns = [
    ...r.netns.filter((n) => after.netns.includes(n)),
    ...after.netns.filter((n) => !before.netns.includes(n) && !r.netns.includes(n)),
  ];

  if (b.links && a.links) {
    const was = new Map(b.links.map((l) => [l.name, l]));
    const now = new Map(a.links.map((l) => [l.name, l]));
    // A name that is gone, or now names another link, no longer holds what was recorded under it.
    r.links = r.links.filter((l) => {
      const n = now.get(l.name);
      return n !== undefined && (l.ifindex === null || n.ifindex === undefined || n.ifindex === l.ifindex);
    });
    r.linkStates = r.linkStates.filter((s) => now.has(s.name));
    for (const l of a.links) {
      const old = was.get(l.name);
      if (!old || !sameLink(old, l)) {
        r.links = r.links.filter((x) => x.name !== l.name);
        r.links.push({ name: l.name, type: l.type, ifindex: l.ifindex ?? null });
        r.linkStates = r.linkStates.filter((s) => s.name !== l.name);
      }
    }
    const ours = new Set(r.links.map((l) => l.name));
    for (const l of a.links) {
      const old = was.get(l.name);
      if (ours.has(l.name) || !old) continue;
      const i = r.linkStates.findIndex((s) => s.name === l.name);
      if (i < 0 && (old.up !== l.up || old.master !== l.master))
        r.linkStates.push({ name: l.name, up: old.up, master: old.master });
      else if (i >= 0 && r.linkStates[i]!.up === l.up && r.linkStates[i]!.master === l.master)
        r.linkStates.splice(i, 1);
    }
    const addrKey = (dev: string, x: { local: string; prefixlen: number }): string =>
      `${x.local}/${x.prefixlen} ${dev}`;
    const addrs = (ls: LinkState[]): Map<string, { dev: string; local: string; prefixlen: number }> =>
      new Map(
        ls
          .filter((l) => !ours.has(l.name))
          .flatMap((l) =>
            l.addresses
              .filter((x) => !isNoise(x))
              .map((x) => [addrKey(l.name, x), { dev: l.name, local: x.local, prefixlen: x.prefixlen }] as const),
          ),
      );
    const addrBefore = addrs(b.links);
    const addrAfter = addrs(a.links);
    r.addresses = r.addresses.filter((x) => addrAfter.has(addrKey(x.dev, x)) && !ours.has(x.dev));
    for (const [k, x] of addrAfter)
      if (!addrBefore.has(k) && !r.addresses.some((y) => addrKey(y.dev, y) === k)) r.addresses.push(x);
  }

  if (b.routes && a.routes) {
    const ours = new Set(r.links.map((l) => l.name));
    const keysBefore = new Set(b.routes.map(routeKey));
    const keysAfter = new Set(a.routes.map(routeKey));
    r.routes = r.routes.filter((x) => keysAfter.has(routeKey(x)) && !ours.has(x.dev ?? ''));
    for (const x of a.routes) {
      if (!keysBefore.has(routeKey(x)) && !ours.has(x.dev ?? '') && !r.routes.some((y) => routeKey(y) === routeKey(x)))
        r.routes.push(x);
    }
  }

  if (b.iptables && a.iptables) {
    const cb = counts(b);
    const ca = counts(a);
    for (const key of new Set([...cb.keys(), ...ca.keys()])) {
      const delta = (ca.get(key) ?? 0) - (cb.get(key) ?? 0);
      const [table, line] = key.split('\n') as [string, string];
      for (let i = 0; i < delta; i++) r.rules.push({ table, line });
      for (let i = 0; i < -delta; i++) {
        const at = r.rules.findIndex((x) => x.table === table && x.line === line);
        if (at >= 0) r.rules.splice(at, 1);
      }
    }
    r.tables = [
      ...r.tables.filter((t) => a.iptables![t]),
      ...Object.keys(a.iptables).filter((t) => !b.iptables![t] && !r.tables.includes(t)),
    ];
    for (const t of Object.values(a.iptables)) {
      for (const [chain, policy] of Object.entries(t.policies)) {
        const was = b.iptables[t.name]?.policies[chain] ?? 'ACCEPT';
        const i = r.policies.findIndex((p) => p.table === t.name && p.chain === chain);
        if (i < 0 && was !== policy) r.policies.push({ table: t.name, chain, original: was });
        else if (i >= 0 && r.policies[i]!.original === policy) r.policies.splice(i, 1);
      }
    }
  }

  for (const [key, value] of Object.entries(a.sysctl ?? {})) {
    const was = b.sysctl?.[key];
    const i = r.sysctls.findIndex((s) => s.key === key);
    if (i < 0 && was !== undefined && was !== value) r.sysctls.push({ key, original: was });
    else if (i >= 0 && r.sysctls[i]!.original === value) r.sysctls.splice(i, 1);
  }
  return r;
}

/** One line per kind of thing recorded, for messages: `3 links (br0, veth0, veth1)`. */
export function summarizeRecord(r: HostRecord): string[] {
  const list = (n: number, noun: string, names: string[]): string[] =>
    n === 0 ? [] : [`${n} ${noun}${n === 1 ? '' : 's'} (${names.join(', ')})`];
  return [
    ...list(r.netns.length, 'network namespace', r.netns),
    ...list(
      r.links.length,
      'link',
      r.links.map((l) => l.name),
    ),
    ...list(
      r.linkStates.length,
      'changed link',
      r.linkStates.map((l) => l.name),
    ),
    ...list(
      r.addresses.length,
      'address',
      r.addresses.map((x) => `${x.local}/${x.prefixlen} on ${x.dev}`),
    ),
    ...list(
      r.routes.length,
      'route',
      r.routes.map((x) => `${x.dst}${x.dev ? ` dev ${x.dev}` : ''}`),
    ),
    ...list(
      r.rules.length,
      'iptables rule',
      r.rules.map((x) => `${x.table} ${x.line.split(' ')[1] ?? ''}`),
    ),
    ...list(
      r.policies.length,
      'iptables policy',
      r.policies.map((p) => `${p.chain} was ${p.original}`),
    ),
    ...list(
      r.sysctls.length,
      'sysctl',
      r.sysctls.map((s) => `${s.key} was ${s.original}`),
    ),
    ...list(
      r.processes.length,
      'process',
      r.processes.map((p) => String(p.pid)),
    ),
  ];
}

/** Ends the pending run: what changed since its `before` joins the record, with the directories it made. */
export function finishPending(record: HostRecord, after: Snapshot, existingDirs: readonly string[]): HostRecord {
  const p = record.pending;
  if (!p) return record;
  const r = mergeRun(record, p.before, after);
  for (const d of p.newDirs)
    if (existingDirs.includes(d.path) && !r.dirs.some((x) => x.path === d.path)) r.dirs.push(d);
  if (!r.lessons.includes(p.lesson)) r.lessons.push(p.lesson);
  r.pending = null;
  return r;
}

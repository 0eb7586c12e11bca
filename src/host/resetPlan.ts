// What `reset --target host` does, as a value: from the record and the machine's state now, the steps
// that remove exactly what tsnet-learn created and restore what it changed, in an order that works
// (processes before their namespaces, rules before the tables they are in). Pure.
import { tokenizeRule } from '../snapshot/tokenizeRule.js';
import type { Snapshot } from '../snapshot/model.js';
import type { Backend } from './hostFacts.js';
import type { HostRecord } from './hostRecord.js';

export interface ResetState {
  snapshot: Snapshot;
  /** Recorded processes that still run (same pid and start time). */
  alive: number[];
  /** Processes inside each recorded namespace that still exists (`ip netns pids`). */
  netnsPids: Record<string, number[]>;
  backend: Backend | null;
  /** `nft` is installed: an emptied nf_tables table can go too. */
  nft: boolean;
  existingDirs: string[];
}

export type ResetStep =
  | { kind: 'kill'; pid: number; what: string }
  /** `gone`: stderr that means it vanished meanwhile (a veth goes with its peer's namespace). */
  | { kind: 'run'; argv: string[]; what: string; gone?: RegExp }
  | { kind: 'write'; file: string; value: string; what: string }
  /** `withContents` false: only when empty (a parent the run made, which may hold other things now). */
  | { kind: 'remove'; path: string; withContents: boolean; what: string };

export interface ResetPlan {
  steps: ResetStep[];
  /** Recorded, but no longer there: nothing to do. */
  gone: string[];
  /** There, but not ours any more (made again since): left alone. */
  kept: string[];
}

const ruleText = (table: string, line: string): string => `${table === 'filter' ? '' : `-t ${table} `}${line}`;

export function resetPlan(record: HostRecord, state: ResetState): ResetPlan {
  const plan: ResetPlan = { steps: [], gone: [], kept: [] };
  const host = state.snapshot.spaces.host ?? {};
  const links = host.links ?? [];

  const killed = new Set<number>();
  for (const p of record.processes) {
    if (state.alive.includes(p.pid)) {
      plan.steps.push({ kind: 'kill', pid: p.pid, what: `stop process ${p.pid} (${p.line})` });
      killed.add(p.pid);
    } else plan.gone.push(`process ${p.pid} (${p.line}) has ended`);
  }
  for (const ns of record.netns) {
    for (const pid of state.netnsPids[ns] ?? []) {
      if (killed.has(pid)) continue;
      plan.steps.push({ kind: 'kill', pid, what: `stop process ${pid}, which runs inside ${ns}` });
      killed.add(pid);
    }
  }

  // Each recorded copy of a rule that is still there is deleted once, by its own spec.
  const present = new Map<string, number>();
  for (const t of Object.values(host.iptables ?? {}))
    for (const r of t.rules) present.set(`${t.name}\n${r.line}`, (present.get(`${t.name}\n${r.line}`) ?? 0) + 1);
  const deleted = new Map<string, number>();
  for (const r of record.rules) {
    const key = `${r.table}\n${r.line}`;
    const [flag, chain, ...args] = tokenizeRule(r.line);
    if ((present.get(key) ?? 0) <= (deleted.get(key) ?? 0) || flag !== '-A' || !chain) {
      plan.gone.push(`iptables rule ${ruleText(r.table, r.line)}`);
      continue;
    }
    deleted.set(key, (deleted.get(key) ?? 0) + 1);
    plan.steps.push({
      kind: 'run',
      argv: ['iptables', '-t', r.table, '-D', chain, ...args],
      what: `delete iptables rule ${ruleText(r.table, r.line)}`,
    });
  }

  for (const l of record.links) {
    const now = links.find((x) => x.name === l.name);
    if (!now) plan.gone.push(`link ${l.name}`);
    else if (l.ifindex !== null && now.ifindex !== undefined && now.ifindex !== l.ifindex)
      plan.kept.push(`link ${l.name}: made again since tsnet-learn created it, so it is not ours`);
    else
      plan.steps.push({
        kind: 'run',
        argv: ['ip', 'link', 'delete', l.name],
        what: `delete link ${l.name}${l.type ? ` (${l.type})` : ''}`,
        gone: /Cannot find device/,
      });
  }

  for (const ns of record.netns) {
    if (!state.snapshot.netns.includes(ns)) plan.gone.push(`network namespace ${ns}`);
    else
      plan.steps.push({
        kind: 'run',
        argv: ['ip', 'netns', 'delete', ns],
        what: `delete network namespace ${ns}`,
        gone: /No such file or directory/,
      });
  }

  for (const a of record.addresses) {
    const l = links.find((x) => x.name === a.dev);
    if (!l?.addresses.some((x) => x.local === a.local && x.prefixlen === a.prefixlen))
      plan.gone.push(`address ${a.local}/${a.prefixlen} on ${a.dev}`);
    else
      plan.steps.push({
        kind: 'run',
        argv: ['ip', 'addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', a.dev],
        what: `delete address ${a.local}/${a.prefixlen} from ${a.dev}`,
        gone: /Cannot assign requested address|Cannot find device/,
      });
  }
  for (const r of record.routes) {
    const spec = [r.dst, ...(r.gateway ? ['via', r.gateway] : []), ...(r.dev ? ['dev', r.dev] : [])];
    if (!(host.routes ?? []).some((x) => x.dst === r.dst && x.gateway === r.gateway && x.dev === r.dev))
      plan.gone.push(`route ${spec.join(' ')}`);
    // A route that came with a deleted address is gone by the time its turn comes.
    else
      plan.steps.push({
        kind: 'run',
        argv: ['ip', 'route', 'del', ...spec],
        what: `delete route ${spec.join(' ')}`,
        gone: /No such process|Cannot find device/,
      });
  }

  for (const s of record.linkStates) {
    const l = links.find((x) => x.name === s.name);
    if (!l) {
      plan.gone.push(`link ${s.name} (it was changed, and has since been deleted)`);
      continue;
    }
    if (l.master !== s.master)
      plan.steps.push({
        kind: 'run',
        argv: ['ip', 'link', 'set', 'dev', s.name, ...(s.master ? ['master', s.master] : ['nomaster'])],
        what: `put ${s.name} back ${s.master ? `on ${s.master}` : 'off any bridge'}`,
      });
    if (l.up !== s.up)
      plan.steps.push({
        kind: 'run',
        argv: ['ip', 'link', 'set', 'dev', s.name, s.up ? 'up' : 'down'],
        what: `set ${s.name} back ${s.up ? 'up' : 'down'}`,
      });
  }

  for (const p of record.policies) {
    const now = host.iptables?.[p.table]?.policies[p.chain];
    if (now === undefined) plan.gone.push(`the ${p.table} table's ${p.chain} chain`);
    else if (now !== p.original)
      plan.steps.push({
        kind: 'run',
        argv: ['iptables', '-t', p.table, '-P', p.chain, p.original],
        what: `set the ${p.chain} policy back to ${p.original}${p.table === 'filter' ? '' : ` (${p.table})`}`,
      });
  }
  for (const s of record.sysctls) {
    const now = host.sysctl?.[s.key];
    if (now !== undefined && now !== s.original)
      plan.steps.push({
        kind: 'write',
        file: `/proc/sys/${s.key.replace(/\./g, '/')}`,
        value: s.original,
        what: `set ${s.key} back to ${s.original}`,
      });
  }

  // nf_tables makes a table on first use; one we made that ends up empty goes too, so iptables-save reads as before.
  for (const name of record.tables) {
    const t = host.iptables?.[name];
    if (!t) continue;
    const left =
      t.rules.length - [...deleted].filter(([key]) => key.startsWith(`${name}\n`)).reduce((n, [, k]) => n + k, 0);
    const policies = Object.entries(t.policies).map(
      ([chain, p]) => record.policies.find((x) => x.table === name && x.chain === chain)?.original ?? p,
    );
    if (
      state.backend === 'nf_tables' &&
      state.nft &&
      left === 0 &&
      policies.every((p) => p === 'ACCEPT') &&
      t.chains.every((c) => c in t.policies)
    ) {
      plan.steps.push({
        kind: 'run',
        argv: ['nft', 'delete', 'table', 'ip', name],
        what: `delete the iptables table ${name}, empty now (it did not exist before)`,
        gone: /No such file or directory/,
      });
    }
  }

  for (const d of record.dirs) {
    if (state.existingDirs.includes(d.path))
      plan.steps.push({
        kind: 'remove',
        path: d.path,
        withContents: d.withContents,
        what: `remove ${d.path}${d.withContents ? ' (server files and logs)' : ' if empty'}`,
      });
  }
  return plan;
}

// What a host preflight needs beyond a snapshot: which iptables backend runs, what the other backend
// holds, and whether the kernel can do what the lessons do. The kernel is asked by doing it for real in
// a throwaway network namespace, which vanishes with its process and leaves the host's network alone.
import { parseIptablesSave, type IptablesTable } from '../snapshot/iptablesSave.js';
import type { Footprint } from '../lesson/chainFootprint.js';
import { shellQuote } from '../core/shellQuote.js';
import { runSync } from '../exec/spawn.js';

export type Backend = 'nf_tables' | 'legacy';

/** One kernel feature, tried with a real command in a throwaway namespace. */
export interface FeatureProbe {
  /** What it proves, for messages: `veth links`, `the iptables rule …`, `net.ipv4.ip_forward`. */
  feature: string;
  line: string;
}

export interface HostFacts {
  /** From `iptables -V`: `(nf_tables)` or `(legacy)`; null when it says neither. */
  backend: Backend | null;
  /** What the other backend holds (`iptables-legacy-save` or `iptables-nft-save`), null when not installed or empty. */
  other: { backend: Backend; tables: Record<string, IptablesTable> } | null;
  /** Why a network namespace could not be made at all, or null. */
  netnsError: string | null;
  /** The probes that failed, with the error they printed. */
  missing: { probe: FeatureProbe; error: string }[];
}

/** The backend `iptables -V` names: `iptables v1.8.9 (nf_tables)`. Pure. */
export function backendOf(version: string): Backend | null {
  return /\(nf_tables\)/.test(version) ? 'nf_tables' : /\(legacy\)/.test(version) ? 'legacy' : null;
}

/** The features a chain needs: its link types, its iptables rules, the sysctls it writes. Pure. */
export function featureProbes(fp: Footprint): FeatureProbe[] {
  const types = [...new Set(fp.links.map((l) => l.type).filter((t): t is string => t !== null))];
  return [
    ...types.map((t, i) => ({ feature: `${t} links`, line: `ip link add tsnet-probe${i} type ${t}` })),
    ...fp.iptables.map((line) => ({ feature: `the iptables rule \`${line}\``, line })),
    // Only whether it exists and can be written: a global sysctl written here would change the host.
    ...fp.sysctls.map((key) => ({
      feature: key,
      line: `test -w /proc/sys/${key.replace(/\./g, '/')} || { echo "/proc/sys/${key.replace(/\./g, '/')} is missing or read-only" >&2; exit 1; }`,
    })),
  ];
}

const mark = (s: string): string => `printf '\\n@@tsnet-fact %s\\n' ${shellQuote(s)}`;

/** One bash script that prints every fact in marked sections. Pure. */
export function hostFactsScript(probes: readonly FeatureProbe[]): string {
  const inner = probes
    .map(
      (p, i) =>
        `__e=$( { eval ${shellQuote(p.line)}; } 2>&1 >/dev/null ); printf '\\n@@tsnet-fact probe %s %s\\n%s' ${i} $? "$__e"`,
    )
    .join('\n');
  return [
    mark('version'),
    'iptables -V 2>&1',
    // Legacy tables are listed in /proc; reading none avoids iptables-legacy-save loading modules for nothing.
    `if [ -n "$(cat /proc/net/ip_tables_names 2>/dev/null)" ] && command -v iptables-legacy-save >/dev/null; then ${mark('save legacy')}; iptables-legacy-save 2>/dev/null; fi`,
    `if command -v iptables-nft-save >/dev/null; then ${mark('save nf_tables')}; iptables-nft-save 2>/dev/null; fi`,
    mark('netns'),
    `unshare --net bash -c ${shellQuote(inner)} 2>&1 || echo "exit $?"`,
  ].join('\n');
}

/** Reads what hostFactsScript printed. Pure. */
export function parseHostFacts(text: string, probes: readonly FeatureProbe[]): HostFacts {
  const facts: HostFacts = { backend: null, other: null, netnsError: null, missing: [] };
  const saves: Partial<Record<Backend, string>> = {};
  let ranProbes = 0;
  for (const section of text.split('\n@@tsnet-fact ').slice(1)) {
    const nl = section.indexOf('\n');
    const head = (nl < 0 ? section : section.slice(0, nl)).split(' ');
    const body = nl < 0 ? '' : section.slice(nl + 1);
    if (head[0] === 'version') facts.backend = backendOf(body);
    else if (head[0] === 'save' && (head[1] === 'legacy' || head[1] === 'nf_tables')) saves[head[1]] = body;
    else if (head[0] === 'netns') {
      if (body.trim()) facts.netnsError = body.trim().split('\n')[0]!;
    } else if (head[0] === 'probe') {
      ranProbes++;
      const probe = probes[Number(head[1])];
      if (probe && head[2] !== '0')
        facts.missing.push({ probe, error: body.trim().split('\n')[0] || `exit ${head[2]}` });
    }
  }
  // A probe that reported back ran inside the namespace, so the namespace was made.
  if (ranProbes > 0) facts.netnsError = null;
  // The other backend matters only when the one `iptables` is known; the same backend is what snapshots read.
  const otherName: Backend | null =
    facts.backend === 'nf_tables' ? 'legacy' : facts.backend === 'legacy' ? 'nf_tables' : null;
  const otherText = otherName ? saves[otherName] : undefined;
  if (otherName && otherText !== undefined) {
    const tables = parseIptablesSave(otherText);
    if (Object.keys(tables).length > 0) facts.other = { backend: otherName, tables };
  }
  return facts;
}

/** Runs the script on this machine (the host target is this machine). */
export function gatherHostFacts(fp: Footprint): HostFacts {
  const probes = featureProbes(fp);
  const r = runSync('bash', ['--noprofile', '--norc', '-c', hostFactsScript(probes)], {
    env: { LC_ALL: 'C', LANG: 'C' },
    timeoutMs: 30_000,
  });
  return parseHostFacts(r.stdout, probes);
}

// The bash that reads a target's state in one go, and the parser of what it prints. Pure.
import { parseIpAddrJson, parseIpRouteJson, parseNetnsIds, parseNetnsList } from './ipJson.js';
import { parseIptablesSave } from './iptablesSave.js';
import { parseProcNet } from './procNet.js';
import type { Need, NamespaceState, Part, Snapshot } from './model.js';
import { OUTSIDE_NS } from '../lab/labWorld.js';
import { shellQuote } from '../core/shellQuote.js';

/** Where each namespace's handle lives inside the target; `outside`: the outside world's (a lab's by default). */
export function nsPath(ns: string, outside: string = OUTSIDE_NS): string | null {
  if (ns === 'host') return null;
  if (ns === 'outside') return outside;
  return `/run/netns/${ns}`;
}

interface Wanted {
  parts: Set<Part>;
  sysctls: Set<string>;
}

export function groupNeeds(needs: readonly Need[]): { netns: boolean; spaces: Map<string, Wanted> } {
  const spaces = new Map<string, Wanted>();
  let netns = false;
  for (const n of needs) {
    if (n.part === 'netns') {
      netns = true;
      continue;
    }
    const w = spaces.get(n.ns) ?? { parts: new Set<Part>(), sysctls: new Set<string>() };
    w.parts.add(n.part);
    if (n.part === 'sysctl' && n.key) w.sysctls.add(n.key);
    spaces.set(n.ns, w);
  }
  return { netns, spaces };
}

const mark = (kind: string, ns: string): string => `printf '\\n@@tsnet %s %s\\n' ${kind} ${shellQuote(ns)}`;

function partsScript(ns: string, w: Wanted): string {
  const lines: string[] = [];
  // One ip process for links and routes: batch mode prints one JSON line per command, in order.
  const ipParts = (['links', 'routes'] as const).filter((p) => w.parts.has(p));
  if (ipParts.length > 0) {
    const commands = ipParts.map((p) => (p === 'links' ? 'addr show' : 'route show table main'));
    lines.push(mark(`ip=${ipParts.join(',')}`, ns), `ip -d -j -b - <<'__TSNET_IP'\n${commands.join('\n')}\n__TSNET_IP`);
  }
  if (w.parts.has('sysctl')) {
    lines.push(mark('sysctl', ns));
    for (const key of w.sysctls) {
      const file = `/proc/sys/${key.replace(/\./g, '/')}`;
      // `read` is a builtin: no process per sysctl.
      lines.push(`if read -r v 2>/dev/null < ${file}; then printf '%s=%s\\n' ${key} "$v"; fi`);
    }
  }
  if (w.parts.has('iptables')) lines.push(mark('iptables', ns), 'iptables-save 2>/dev/null');
  if (w.parts.has('listening')) {
    lines.push(mark('listening', ns));
    // $(<file) is read by bash itself: no cat process per table.
    for (const p of ['tcp', 'tcp6', 'udp', 'udp6'])
      lines.push(`echo '@proto ${p}'; [ -r /proc/net/${p} ] && printf '%s\\n' "$(</proc/net/${p})"`);
  }
  return lines.join('\n');
}

/** One script for the whole snapshot: one nsenter per namespace other than the host. */
export function snapshotScript(needs: readonly Need[], outside: string = OUTSIDE_NS): string {
  const { netns, spaces } = groupNeeds(needs);
  const out: string[] = [];
  if (netns) out.push(mark('netns', '-'), 'ip -j netns list 2>/dev/null');
  for (const [ns, w] of spaces) {
    const path = nsPath(ns, outside);
    if (!path) {
      out.push(mark('present', ns), partsScript(ns, w));
    } else if (ns !== 'outside' && [...w.parts].every((p) => p === 'links' || p === 'routes')) {
      // `ip -n` enters the namespace itself: no nsenter and no bash for the common case.
      out.push(
        `[ -e ${shellQuote(path)} ] && {\n${mark('present', ns)}\n${partsScript(ns, w).replace(/\bip -/g, `ip -n ${shellQuote(ns)} -`)}\n}`,
      );
    } else {
      // `present` is printed from inside, so a name whose namespace cannot be entered counts as missing.
      const inner = `${mark('present', ns)}\n${partsScript(ns, w)}`;
      out.push(
        `[ -e ${shellQuote(path)} ] && nsenter --net=${shellQuote(path)} bash -c ${shellQuote(inner)} 2>/dev/null`,
      );
    }
  }
  return out.join('\n');
}

/** Splits the script's output into a Snapshot. Namespaces that never said `present` are null (missing). */
export function parseSnapshotOutput(text: string, needs: readonly Need[]): Snapshot {
  const { spaces: wanted } = groupNeeds(needs);
  const snapshot: Snapshot = { netns: [], spaces: {} };
  for (const ns of wanted.keys()) snapshot.spaces[ns] = null;
  const sections = text.split(/\n@@tsnet /).slice(1);
  for (const section of sections) {
    const nl = section.indexOf('\n');
    const [kind, ns] = (nl < 0 ? section : section.slice(0, nl)).split(' ');
    const body = nl < 0 ? '' : section.slice(nl + 1);
    if (!kind || !ns) continue;
    if (kind === 'netns') {
      snapshot.netns = parseNetnsList(body);
      snapshot.netnsIds = parseNetnsIds(body);
      continue;
    }
    const space: NamespaceState = snapshot.spaces[ns] ?? {};
    snapshot.spaces[ns] = space;
    if (kind.startsWith('ip=')) {
      const outputs = body.split('\n');
      kind
        .slice(3)
        .split(',')
        .forEach((part, i) => {
          const json = outputs[i] ?? '';
          if (part === 'links') space.links = parseIpAddrJson(json);
          else if (part === 'routes') space.routes = parseIpRouteJson(json);
        });
    } else if (kind === 'links') space.links = parseIpAddrJson(body);
    else if (kind === 'routes') space.routes = parseIpRouteJson(body);
    else if (kind === 'iptables') space.iptables = parseIptablesSave(body);
    else if (kind === 'listening') space.listening = parseProcNet(body);
    else if (kind === 'sysctl') {
      space.sysctl = Object.fromEntries(
        body
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
      );
    }
  }
  return snapshot;
}

// A topology in a few lines of text, for a terminal where a picture cannot be shown. Pure.
import type { Topology, TopoInterface } from './topology.js';

const isLinkLocal = (a: string): boolean => a.toLowerCase().startsWith('fe80:');
const isLoopbackAddress = (a: string): boolean => a.startsWith('127.') || a.startsWith('::1/');

function state(i: TopoInterface): string {
  if (!i.up) return 'DOWN';
  return i.operstate === 'UP' || i.operstate === 'UNKNOWN' ? 'up' : 'up, no carrier';
}

export function topologyText(t: Topology): string {
  const out: string[] = [];
  for (const ns of t.namespaces) {
    out.push(
      `${ns.kind === 'netns' ? `netns ${ns.name}` : ns.name}${ns.ipForward === null ? '' : `  ip_forward=${ns.ipForward}`}`,
    );
    for (const i of ns.interfaces) {
      const addresses = i.addresses.filter((a) => !isLinkLocal(a) && !isLoopbackAddress(a));
      if (i.name === 'lo' && addresses.length === 0) continue;
      const pair = t.vethPairs.find(
        (p) => (p.a.ns === ns.name && p.a.name === i.name) || (p.b?.ns === ns.name && p.b.name === i.name),
      );
      const peer = pair ? (pair.a.ns === ns.name && pair.a.name === i.name ? pair.b : pair.a) : undefined;
      const bridge = t.bridges.find((b) => b.ns === ns.name && b.name === i.name);
      const routes = ns.routes
        .filter((r) => r.dst === 'default' && r.dev === i.name)
        .map((r) => `default via ${r.gateway ?? r.dev}`);
      const parts = [
        `${i.name}${i.type ? ` (${i.type})` : ''}`,
        state(i),
        ...addresses,
        ...(pair ? [peer ? `↔ ${peer.ns}/${peer.name}` : '↔ a namespace with no name here'] : []),
        ...(i.master ? [`port of ${i.master}`] : []),
        ...(bridge ? [`ports: ${bridge.ports.join(', ') || 'none'}`] : []),
        ...routes,
      ];
      out.push(`  ${parts.join('  ')}`);
    }
    for (const r of t.nat.filter((n) => n.ns === ns.name)) {
      out.push(
        `  NAT ${r.target} from ${r.source ?? 'anywhere'}${r.outInterface ? ` leaving by ${r.outNegated ? 'any interface but ' : ''}${r.outInterface}` : ''}${r.toSource ? ` to ${r.toSource}` : ''}`,
      );
    }
    for (const p of t.published.filter((x) => x.ns === ns.name)) {
      const where = p.target
        ? `${p.target.ns}/${p.target.interface}, ${p.target.listener ? 'listening' : 'nothing listens'}`
        : 'no namespace has this address';
      out.push(`  published ${p.proto} ${p.address ?? '*'}:${p.port} → ${p.to.address}:${p.to.port} (${where})`);
    }
    if (ns.kind === 'netns') for (const l of ns.listeners) out.push(`  listening ${l.proto} ${l.address}:${l.port}`);
  }
  return `${out.join('\n')}\n`;
}

// A topology as Graphviz DOT: namespaces as clusters, interfaces as nodes, veth pairs, bridge ports, NAT and
// published ports as edges. Graphviz does the layout. Pure; the same topology always gives the same text.
import type { Listener } from './model.js';
import {
  routesBetweenNetworks,
  type NatRule,
  type PublishedPort,
  type Topology,
  type TopoInterface,
  type TopoNamespace,
} from './topology.js';

/** A DOT double-quoted string. Backslashes are doubled so names such as `a\N` are not label escapes. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Text for a Graphviz HTML-like label. Graphviz expands `\N` and the like even there (after entities), so `\` doubles. */
export function htmlText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The font Graphviz measures labels with, and the first the SVG names. Graphviz has no font files here (it
 * runs as WebAssembly) and sizes boxes with metrics it carries: those of DejaVu Sans, the common fallback
 * for sans-serif and wider than Helvetica, Arial or Liberation Sans, so a viewer with any of them still
 * finds every label inside its box (Helvetica's metrics drawn with DejaVu Sans overflowed).
 */
export const FONT = 'DejaVu Sans';

const COLORS = {
  up: { fill: '#e8f5e9', line: '#2e7d32' },
  noCarrier: { fill: '#fff8e1', line: '#b26a00' },
  down: { fill: '#ffebee', line: '#c62828' },
  bridge: { fill: '#e3f2fd', line: '#1565c0' },
  listener: { fill: '#fffde7', line: '#827717' },
  nat: { fill: '#fff3e0', line: '#e65100' },
  published: '#6a1b9a',
  veth: '#37474f',
  muted: '#616161',
};

const CLUSTER_STYLE: Record<TopoNamespace['kind'], string> = {
  host: 'style="rounded,filled"; fillcolor="#f5f5f5"; color="#9e9e9e"',
  outside: 'style="rounded,dashed,filled"; fillcolor="#fafafa"; color="#9e9e9e"',
  netns: 'style="rounded,filled"; fillcolor="#fffaf0"; color="#d7a86e"',
};

const SIDE: Record<TopoNamespace['kind'], number> = { outside: 0, host: 1, netns: 2 };

type State = 'up' | 'noCarrier' | 'down';

function stateOf(i: TopoInterface): State {
  if (!i.up) return 'down';
  // UNKNOWN is what lo and some virtual devices report while working.
  return i.operstate === 'UP' || i.operstate === 'UNKNOWN' ? 'up' : 'noCarrier';
}

const STATE_TEXT: Record<State, string> = { up: 'up', noCarrier: 'up, no carrier (peer down?)', down: 'DOWN' };

const isLinkLocal = (a: string): boolean => a.toLowerCase().startsWith('fe80:');
const isLoopbackAddress = (a: string): boolean => a.startsWith('127.') || a.startsWith('::1/');

function isLoopback(i: TopoInterface): boolean {
  return i.name === 'lo' || (i.type === null && i.addresses.length > 0 && i.addresses.every(isLoopbackAddress));
}

/** lo is drawn only when it carries an address of its own (the outside world's 203.0.113.1). */
function shown(i: TopoInterface): boolean {
  return !isLoopback(i) || i.addresses.some((a) => !isLoopbackAddress(a));
}

/** An edge label. Dot puts it just right of its edge; a leading space on each line keeps the line off the text. */
function edgeLabel(text: string): string {
  return dotString(
    text
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
}

const ifId = (ns: string, name: string): string => dotString(`if:${ns}:${name}`);
const listenerId = (ns: string, l: Listener): string => dotString(`listen:${ns}:${l.proto}:${l.address}:${l.port}`);
const small = (text: string, color: string = COLORS.muted): string =>
  `<FONT POINT-SIZE="9" COLOR="${color}">${htmlText(text)}</FONT>`;

function interfaceNode(ns: TopoNamespace, i: TopoInterface): string {
  const state = stateOf(i);
  const colors = i.type === 'bridge' && state === 'up' ? COLORS.bridge : COLORS[state];
  const routes = ns.routes
    .filter((r) => r.dev === i.name)
    .map((r) =>
      r.dst === 'default'
        ? `default via ${r.gateway ?? r.dev}`
        : `route ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}`,
    );
  const addresses = i.addresses.filter((a) => !isLinkLocal(a) && !(isLoopback(i) && isLoopbackAddress(a)));
  // One font run per line: a viewer whose font is wider than Graphviz assumed would overlap runs on one line.
  const lines = [
    `<B>${htmlText(i.name)}</B>`,
    ...addresses.map(htmlText),
    ...(addresses.length === 0 ? [small('no IP address')] : []),
    small(i.type ? `${i.type}, ${STATE_TEXT[state]}` : STATE_TEXT[state], colors.line),
    ...routes.map((r) => small(r)),
  ];
  const shape = i.type === 'bridge' ? 'box, style="filled", peripheries=2' : 'box, style="rounded,filled"';
  return `${ifId(ns.name, i.name)} [shape=${shape}, fillcolor="${colors.fill}", color="${colors.line}", label=<${lines.join('<BR/>')}>];`;
}

function listenerNode(ns: string, l: Listener): string {
  const label = `<${small('listening')}<BR/><B>${htmlText(`${l.proto} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`)}</B>>`;
  return `${listenerId(ns, l)} [shape=box, style="rounded,filled,dashed", fillcolor="${COLORS.listener.fill}", color="${COLORS.listener.line}", label=${label}];`;
}

function natText(r: NatRule): string {
  const parts = [
    r.source ? `from ${r.source}` : 'from anywhere',
    r.outInterface
      ? r.outNegated
        ? `leaving by any interface but ${r.outInterface}`
        : `leaving by ${r.outInterface}`
      : 'leaving by any interface',
    r.target === 'SNAT' && r.toSource
      ? `source becomes ${r.toSource}`
      : 'source becomes the outgoing interface’s address',
  ];
  return `<<B>NAT ${htmlText(r.target)}</B><BR/>${parts.map((p) => small(p)).join('<BR/>')}>`;
}

/** The interfaces a source-NAT rule applies to: its `-o`, or for `! -o X` the default route's other than X. */
function natInterfaces(ns: TopoNamespace, r: NatRule): string[] {
  const exists = (name: string): boolean => ns.interfaces.some((i) => i.name === name);
  if (r.outInterface && !r.outNegated) return exists(r.outInterface) ? [r.outInterface] : [];
  const defaults = ns.routes.filter((x) => x.dst === 'default' && x.dev && x.dev !== r.outInterface).map((x) => x.dev!);
  return [...new Set(defaults)].filter(exists);
}

/** The namespace's name in bold, and below it, small, what it is: short lines keep the box narrow. */
function clusterLabel(ns: TopoNamespace): string {
  const [title, what] =
    ns.kind === 'host'
      ? ['host', 'the host’s own network namespace']
      : ns.kind === 'outside'
        ? ['outside world', 'the lab’s stand-in for the internet']
        : [ns.name, `network namespace (${routesBetweenNetworks(ns) ? 'a router' : 'a container'})`];
  const forwarding =
    ns.ipForward === '1'
      ? 'ip_forward=1: routes between its interfaces'
      : ns.kind === 'host' && ns.ipForward === '0'
        ? 'ip_forward=0: does not route'
        : null;
  const lines = [`<B>${htmlText(title)}</B>`, small(what), ...(forwarding ? [small(forwarding, '#37474f')] : [])];
  return `<${lines.map((l) => `${l}<BR ALIGN="LEFT"/>`).join('')}>`;
}

/** Listeners worth drawing: a container's (netns) sockets off loopback, and every published port's target. */
function listenersToDraw(t: Topology, ns: TopoNamespace): Listener[] {
  const targets = t.published.flatMap((p) =>
    p.target?.ns === ns.name && p.target.listener ? [p.target.listener] : [],
  );
  const own = ns.kind === 'netns' ? ns.listeners.filter((l) => !isLoopbackAddress(`${l.address}/`)) : [];
  const seen = new Set<string>();
  return [...own, ...targets].filter((l) => {
    const key = `${l.proto} ${l.address} ${l.port}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function publishedEdge(p: PublishedPort, index: number, drawn: ReadonlySet<string>, lines: string[]): void {
  const via = p.via && drawn.has(`${p.ns}:${p.via}`) ? p.via : null;
  const from = via ? ifId(p.ns, via) : dotString(`pub:${p.ns}:${index}`);
  if (!via)
    lines.push(
      `  ${from} [shape=cds, style=filled, fillcolor="#f3e5f5", color="${COLORS.published}", label=${dotString(`${p.proto} ${p.address ?? '*'}:${p.port}`)}];`,
    );
  const what = `${p.proto} ${p.address ?? '*'}:${p.port}\n→ ${p.to.address}:${p.to.port}`;
  const chains = `(${[...p.chains].sort().join(', ')})`;
  if (!p.target) {
    const nowhere = dotString(`nowhere:${p.ns}:${index}`);
    lines.push(
      `  ${nowhere} [shape=box, style="dashed", color="${COLORS.down.line}", label=${dotString(`${p.to.address}:${p.to.port}\nno namespace has this address`)}];`,
    );
    lines.push(
      `  ${from} -> ${nowhere} [color="${COLORS.down.line}", style=dashed, label=${edgeLabel(`published port (DNAT)\n${what}\n${chains}`)}];`,
    );
    return;
  }
  let to = p.target.listener ? listenerId(p.target.ns, p.target.listener) : ifId(p.target.ns, p.target.interface);
  if (!p.target.listener && !drawn.has(`${p.target.ns}:${p.target.interface}`)) {
    // An address on an interface not drawn (lo): the address itself stands for it.
    to = dotString(`to:${p.ns}:${index}`);
    lines.push(
      `  ${to} [shape=box, style="dashed", color="${COLORS.down.line}", label=${dotString(`${p.to.address}:${p.to.port}\non ${p.target.interface} in ${p.target.ns}`)}];`,
    );
  }
  const missing = p.target.listener ? '' : '\nnothing listens there';
  lines.push(
    `  ${from} -> ${to} [color="${p.target.listener ? COLORS.published : COLORS.down.line}", fontcolor="${COLORS.published}", penwidth=1.6, style=${p.target.listener ? 'solid' : 'dashed'}, label=${edgeLabel(`published port (DNAT)\n${what}\n${chains}${missing}`)}];`,
  );
}

/** The DOT text of a topology; `title` heads the picture (e.g. the target, `lab:default`). */
export function topologyDot(t: Topology, title: string | null = null): string {
  const lines: string[] = [
    'digraph network {',
    `  graph [rankdir=TB, newrank=true, nodesep=0.35, ranksep=0.7, fontname="${FONT}", fontsize=12, pad=0.3${title ? `, label=${dotString(title)}, labelloc=t, fontsize=14` : ''}];`,
    `  node [fontname="${FONT}", fontsize=11, margin="0.2,0.08"];`,
    `  edge [fontname="${FONT}", fontsize=9, color="#616161", fontcolor="#424242"];`,
  ];
  const drawn = new Set<string>();
  t.namespaces.forEach((ns, n) => {
    // A container's veth enters from above: its name goes below, where no edge crosses it.
    lines.push(
      `  subgraph cluster_${n} {`,
      `    label=${clusterLabel(ns)}; labeljust=l; labelloc=${ns.kind === 'netns' ? 'b' : 't'}; fontsize=12; ${CLUSTER_STYLE[ns.kind]};`,
    );
    for (const i of ns.interfaces.filter(shown)) {
      lines.push(`    ${interfaceNode(ns, i)}`);
      drawn.add(`${ns.name}:${i.name}`);
    }
    for (const l of listenersToDraw(t, ns)) lines.push(`    ${listenerNode(ns.name, l)}`);
    t.nat
      .filter((r) => r.ns === ns.name)
      .forEach((r, k) =>
        lines.push(
          `    ${dotString(`nat:${ns.name}:${k}`)} [shape=note, style=filled, fillcolor="${COLORS.nat.fill}", color="${COLORS.nat.line}", label=${natText(r)}];`,
        ),
      );
    lines.push('  }');
  });

  // Edges point the way the picture reads, top to bottom: outside world, host, bridge, its ports, containers.
  const side = (ns: string): number => SIDE[t.namespaces.find((n) => n.name === ns)?.kind ?? 'netns'];
  t.vethPairs.forEach((p, k) => {
    if (p.b) {
      const [from, to] = side(p.b.ns) < side(p.a.ns) ? [p.b, p.a] : [p.a, p.b];
      lines.push(
        `  ${ifId(from.ns, from.name)} -> ${ifId(to.ns, to.name)} [dir=none, penwidth=2.2, color="${COLORS.veth}", label=${edgeLabel('veth pair')}];`,
      );
      return;
    }
    const peer = dotString(`peer:${k}`);
    lines.push(
      `  ${peer} [shape=box, style="rounded,dashed", color="${COLORS.muted}", fontcolor="${COLORS.muted}", label="peer in a namespace\\nwith no name here"];`,
    );
    lines.push(
      `  ${ifId(p.a.ns, p.a.name)} -> ${peer} [dir=none, penwidth=2.2, style=dashed, color="${COLORS.veth}", label=${edgeLabel('veth pair')}];`,
    );
  });
  for (const b of t.bridges) {
    for (const port of b.ports)
      if (drawn.has(`${b.ns}:${port}`))
        lines.push(
          `  ${ifId(b.ns, b.name)} -> ${ifId(b.ns, port)} [dir=none, style=dashed, color="${COLORS.bridge.line}", fontcolor="${COLORS.bridge.line}", label=${edgeLabel(`port of ${b.name}`)}];`,
        );
  }
  for (const ns of t.namespaces) {
    // A listener bound to one address sits next to the interface that owns it.
    for (const l of listenersToDraw(t, ns)) {
      const owner = ns.interfaces.find((i) => shown(i) && i.addresses.some((a) => a.split('/')[0] === l.address));
      if (owner)
        lines.push(
          `  ${ifId(ns.name, owner.name)} -> ${listenerId(ns.name, l)} [dir=none, style=dotted, color="${COLORS.listener.line}"];`,
        );
    }
    // The way a packet crosses this namespace: from the interface of its default route to the others it can
    // reach by routing. Drawn when ip_forward=1; invisible otherwise, still keeping the uplink above the rest.
    const defaults = [...new Set(ns.routes.filter((r) => r.dst === 'default' && r.dev).map((r) => r.dev!))].filter(
      (d) => drawn.has(`${ns.name}:${d}`),
    );
    for (const d of defaults) {
      for (const i of ns.interfaces.filter(
        (x) => x.name !== d && shown(x) && !isLoopback(x) && !x.master && x.addresses.some((a) => !a.includes(':')),
      )) {
        const style =
          ns.ipForward === '1'
            ? `style=dotted, color="${COLORS.muted}", label=${edgeLabel('routed (ip_forward=1)')}`
            : 'style=invis';
        lines.push(`  ${ifId(ns.name, d)} -> ${ifId(ns.name, i.name)} [dir=none, ${style}];`);
      }
    }
    t.nat
      .filter((r) => r.ns === ns.name)
      .forEach((r, k) => {
        const devs = natInterfaces(ns, r).filter((d) => drawn.has(`${ns.name}:${d}`));
        // Beside the interface it rewrites for, not a column of its own.
        if (devs.length)
          lines.push(
            `  { rank=same; ${dotString(`nat:${ns.name}:${k}`)}; ${devs.map((d) => ifId(ns.name, d)).join('; ')}; }`,
          );
        for (const dev of devs)
          lines.push(
            `  ${dotString(`nat:${ns.name}:${k}`)} -> ${ifId(ns.name, dev)} [style=dashed, color="${COLORS.nat.line}", fontcolor="${COLORS.nat.line}", label=${edgeLabel(r.target === 'SNAT' ? 'source NAT' : 'masquerades')}];`,
          );
      });
  }
  t.published.forEach((p, k) => publishedEdge(p, k, drawn, lines));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

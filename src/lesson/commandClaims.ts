// What a chain of lessons leaves behind, read from its own commands: each lasting effect as a claim in
// check syntax (`ip link set ceth0 up` inside netns0 → `link ceth0 in=netns0 up`), the net effect of the
// whole chain (a later `down`, `del` or `-D` undoes an earlier claim). Diagnosis judges these like
// lesson checks, to find a broken thing no check names (a link down) and to write fixes. Pure.
import { parseCheckLine } from '../../checks/index.js';
import { type CommandLine, type Netns, parseCommandLine } from '../core/commandLine.js';
import { networkOf, parseCidr } from '../core/ipv4.js';
import type { CheckDecl, Command, Lesson } from './lesson.js';

export interface CommandClaim {
  lesson: string;
  step: number;
  /** The command that made the claim true, as written, and the namespace it ran in (`host` or a netns). */
  line: string;
  ns: string;
  /** The claim, judged like a lesson's check. */
  decl: CheckDecl;
  /**
   * The command creates something (a namespace, link, address, route, rule, server) rather than setting
   * it: run again while that is there, it fails (`File exists`) or makes a second copy (`iptables -A`).
   */
  adds: boolean;
}

interface Origin {
  lesson: string;
  step: number;
  line: string;
  ns: string;
}

const IP_OBJECT: Record<string, 'link' | 'addr' | 'route' | 'netns'> = {
  l: 'link',
  li: 'link',
  lin: 'link',
  link: 'link',
  a: 'addr',
  ad: 'addr',
  add: 'addr',
  addr: 'addr',
  address: 'addr',
  r: 'route',
  ro: 'route',
  rou: 'route',
  route: 'route',
  netns: 'netns',
};
const ADD = new Set(['add', 'a']);
const DEL = new Set(['del', 'delete', 'd']);

/** `/run/netns/X` or `X` → X; anything else (a pid, /proc/…) is not a name we can follow. */
function netnsName(text: string): string | null {
  const m = /^(?:\/(?:var\/)?run\/netns\/)?([A-Za-z0-9_.-]+)$/.exec(text);
  return m && !/^\d+$/.test(m[1]!) ? m[1]! : null;
}

const inOption = (ns: string): string => (ns === 'host' ? '' : ` in=${ns}`);
const typed = (type: string | null): string => (type ? ` type=${type}` : '');

function toDecl(line: string, id: string): CheckDecl | null {
  try {
    const p = parseCheckLine(line);
    if (!p) return null;
    return {
      id,
      kind: p.kind,
      args: p.args,
      title: p.title,
      points: 0,
      hint: null,
      transient: false,
      source: line,
      position: { line: 0, column: 0 },
    };
  } catch {
    return null;
  }
}

/** Words of `ip …` after its options; `-n NS` / `-netns NS` choose the namespace. */
function ipWords(words: string[], ns: string): { words: string[]; ns: string } {
  let i = 1;
  let where = ns;
  while (words[i]?.startsWith('-')) {
    const w = words[i]!;
    if (w === '-n' || w === '-netns' || w === '--netns') {
      where = netnsName(words[i + 1] ?? '') ?? where;
      i += 2;
    } else if (w === '-b' || w === '-batch' || w === '-f' || w === '-family' || w === '-rc' || w === '-rcvbuf') i += 2;
    else i++;
  }
  return { words: words.slice(i), ns: where };
}

/** `key=value` pairs of `sysctl [-q] -w k=v …`. */
function sysctlPairs(words: string[]): [string, string][] {
  if (words[0] !== 'sysctl' || !words.includes('-w')) return [];
  return words
    .slice(1)
    .filter((w) => !w.startsWith('-') && w.includes('='))
    .map((w) => [w.slice(0, w.indexOf('=')).replace(/\//g, '.'), w.slice(w.indexOf('=') + 1)]);
}

/** A command line to read claims from: where it stands in the course, and the namespace its context enters. */
export interface ClaimSource {
  lesson: string;
  step: number;
  /** `parsed` when the lesson has it; else the line is taken apart here. */
  command: Pick<Command, 'line' | 'context' | 'background'> & { parsed?: CommandLine };
}

/** Every lasting claim of the chain's commands, in the order of the command that last made each one true. */
export function commandClaims(chain: readonly Lesson[]): CommandClaim[] {
  return claimsOf(
    chain.flatMap((lesson) =>
      lesson.steps.flatMap((step) =>
        step.commands
          .filter((c) => c.role === 'run')
          .map((command) => ({ lesson: lesson.id, step: step.index, command })),
      ),
    ),
  );
}

/** The net claims of these command lines, in order (a later line undoes or moves what an earlier one claimed). */
export function claimsOf(sources: readonly ClaimSource[]): CommandClaim[] {
  const claims = new Map<string, { check: string; origin: Origin }>();
  /** Links known to exist, by `ns|name`: their type and a veth's peer. Claim keys start with `ns|kind|`. */
  const links = new Map<string, { type: string | null; peer: string | null }>();

  const set = (key: string, check: string, origin: Origin): void => {
    claims.delete(key);
    claims.set(key, { check, origin });
  };
  const drop = (test: (key: string) => boolean): void => {
    for (const key of [...claims.keys()]) if (test(key)) claims.delete(key);
  };
  /** A link and what was said of it and its addresses go; a veth never survives its peer. */
  const dropLink = (id: string): void => {
    const peer = links.get(id)?.peer;
    links.delete(id);
    const [ns, name] = id.split('|');
    drop((k) => k.startsWith(`${ns}|link|${name}|`) || k.startsWith(`${ns}|addr|${name}|`));
    if (peer && links.has(peer)) dropLink(peer);
  };

  const apply = (words: string[], ns: string, origin: Origin): void => {
    const head = words[0];
    if (head === 'ip') {
      const ip = ipWords(words, ns);
      const w = ip.words;
      const where = ip.ns;
      const object = IP_OBJECT[w[0] ?? ''];
      const verb = w[1] ?? '';
      if (object === 'netns') {
        const name = netnsName(w[2] ?? '');
        if (!name) return;
        if (ADD.has(verb)) set(`host|netns|${name}`, `netns ${name}`, origin);
        if (DEL.has(verb)) {
          for (const id of [...links.keys()]) if (id.startsWith(`${name}|`)) dropLink(id);
          drop((k) => k === `host|netns|${name}` || k.startsWith(`${name}|`));
        }
        return;
      }
      if (object === 'link') {
        if (ADD.has(verb)) {
          let name: string | null = null;
          let type: string | null = null;
          let peer: string | null = null;
          let peerNs = where;
          let linkNs = where;
          for (let i = 2; i < w.length; i++) {
            const x = w[i]!;
            if (x === 'type') type = w[++i] ?? null;
            else if (x === 'peer') {
              for (let j = i + 1; j < w.length; j++) {
                if (w[j] === 'name') peer = w[++j] ?? null;
                else if (w[j] === 'netns') peerNs = netnsName(w[++j] ?? '') ?? peerNs;
                else if (peer === null && !w[j]!.startsWith('-')) peer = w[j]!;
              }
              break;
            } else if (x === 'netns') linkNs = netnsName(w[++i] ?? '') ?? linkNs;
            else if (x === 'name' || x === 'dev') name = w[++i] ?? name;
            else if (x === 'link' || x === 'address' || x === 'mtu') i++;
            else if (name === null && type === null) name = x;
          }
          if (!name) return;
          const id = `${linkNs}|${name}`;
          const peerId = peer ? `${peerNs}|${peer}` : null;
          links.set(id, { type, peer: peerId });
          set(`${linkNs}|link|${name}|exists`, `link ${name}${inOption(linkNs)}${typed(type)}`, origin);
          if (peer && peerId) {
            links.set(peerId, { type, peer: id });
            set(`${peerNs}|link|${peer}|exists`, `link ${peer}${inOption(peerNs)}${typed(type)}`, origin);
          }
          return;
        }
        if (DEL.has(verb)) {
          const name = w[2] === 'dev' ? w[3] : w[2];
          if (name) dropLink(`${where}|${name}`);
          return;
        }
        if (verb === 'set') {
          const name = w[2] === 'dev' ? w[3] : w[2];
          if (!name) return;
          const id = `${where}|${name}`;
          const key = `${where}|link|${name}|`;
          for (let i = w[2] === 'dev' ? 4 : 3; i < w.length; i++) {
            const x = w[i]!;
            if (x === 'up' || x === 'down') set(`${key}state`, `link ${name}${inOption(where)} ${x}`, origin);
            else if (x === 'master' && w[i + 1])
              set(`${key}master`, `link ${name}${inOption(where)} master=${w[++i]}`, origin);
            else if (x === 'nomaster') set(`${key}master`, `link ${name}${inOption(where)} nomaster`, origin);
            else if (x === 'netns') {
              const to = netnsName(w[++i] ?? '');
              const known = links.get(id) ?? { type: null, peer: null };
              // Moved: it arrives down and off any bridge, and what was said of it here no longer holds.
              drop((k) => k.startsWith(key) || k.startsWith(`${where}|addr|${name}|`));
              links.delete(id);
              if (!to) return;
              const moved = `${to}|${name}`;
              links.set(moved, known);
              if (known.peer && links.has(known.peer)) links.get(known.peer)!.peer = moved;
              set(`${to}|link|${name}|exists`, `link ${name}${inOption(to)}${typed(known.type)}`, origin);
            } else if (x === 'name') return;
          }
        }
        return;
      }
      if (object === 'addr') {
        const cidr = parseCidr(w[2] ?? '');
        const dev = w[w.indexOf('dev') + 1];
        if (!cidr || !w.includes('dev') || !dev) return;
        const key = `${where}|addr|${dev}|${cidr.address}/${cidr.prefix}`;
        if (ADD.has(verb)) set(key, `addr ${cidr.address}/${cidr.prefix} dev=${dev}${inOption(where)}`, origin);
        if (DEL.has(verb)) drop((k) => k === key);
        return;
      }
      if (object === 'route') {
        const dst = w[2] === 'default' ? 'default' : parseCidr(w[2] ?? '') ? networkOf(parseCidr(w[2]!)!) : null;
        if (!dst) return;
        const via = w.includes('via') ? w[w.indexOf('via') + 1] : undefined;
        const dev = w.includes('dev') ? w[w.indexOf('dev') + 1] : undefined;
        const prefix = `${where}|route|${dst}|`;
        if (DEL.has(verb) || verb === 'replace') drop((k) => k.startsWith(prefix));
        if (ADD.has(verb) || verb === 'replace' || verb === 'append') {
          const check = `route ${dst}${via ? ` via=${via}` : ''}${dev ? ` dev=${dev}` : ''}${inOption(where)}`;
          set(`${prefix}${via ?? ''}|${dev ?? ''}`, check, origin);
        }
      }
      return;
    }
    if (head && /^iptables(-legacy|-nft)?$/.test(head)) {
      let table = 'filter';
      const rest: string[] = [];
      let op: string | null = null;
      let chain: string | null = null;
      for (let i = 1; i < words.length; i++) {
        const x = words[i]!;
        if (x === '-t' || x === '--table') table = words[++i] ?? table;
        else if (!op && ['-A', '--append', '-I', '--insert', '-D', '--delete'].includes(x)) {
          op = x.replace(/^--?/, '')[0]!.toUpperCase();
          chain = words[++i] ?? null;
          // `-I CHAIN 1 …` and `-D CHAIN 1`: a position, not part of the rule.
          if (/^\d+$/.test(words[i + 1] ?? '')) {
            if (op === 'D') return;
            i++;
          }
        } else if (x === '-w' || x === '--wait') {
          if (/^\d+$/.test(words[i + 1] ?? '')) i++;
        } else rest.push(x);
      }
      if (!op || !chain || rest.length === 0) return;
      const key = `${ns}|rule|${table} ${chain} ${rest.join(' ')}`;
      if (op === 'D') drop((k) => k === key);
      else set(key, `rule ${table} ${chain} ${rest.map(quoteArg).join(' ')}${inOption(ns)}`, origin);
      return;
    }
    const echo = head === 'echo' ? /^echo\s+(\S+)\s*>\s*\/proc\/sys\/(\S+)$/.exec(words.join(' ')) : null;
    const pairs = echo ? [[echo[2]!.replace(/\//g, '.'), echo[1]!] as [string, string]] : sysctlPairs(words);
    for (const [key, value] of pairs) set(`${ns}|sysctl|${key}`, `sysctl ${key}=${value}${inOption(ns)}`, origin);
  };

  for (const { lesson, step, command: c } of sources) {
    const here = c.context?.netns ?? 'host';
    const simples = (c.parsed ?? parseCommandLine(c.line)).commands;
    // A wrapper's namespace (`nsenter --net=…`, `ip netns exec`, `ip -n`) over the context's; a fresh
    // one (`unshare -n`) goes with the command.
    const nsOf = (simple: (typeof simples)[number]): string | null =>
      simple.netns === null ? here : simple.netns.kind === 'new' ? null : netnsLabel(simple.netns);
    const port = c.background?.port;
    if (port) {
      const ns = simples[0] ? nsOf(simples[0]) : here;
      if (ns)
        set(`${ns}|listening|${port}`, `listening tcp *:${port}${inOption(ns)}`, { lesson, step, line: c.line, ns });
      continue;
    }
    for (const simple of simples) {
      const ns = nsOf(simple);
      if (ns) apply(commandWords(simple), ns, { lesson, step, line: c.line, ns });
    }
  }
  return [...claims.entries()].flatMap(([key, { check, origin }]) => {
    const decl = toDecl(check, `${origin.lesson}:${origin.step}$ ${key}`);
    const adds = !/\|(state|master)$/.test(key) && !key.includes('|sysctl|');
    return decl ? [{ lesson: origin.lesson, step: origin.step, line: origin.line, ns: origin.ns, decl, adds }] : [];
  });
}

/** Check-line quoting for a rule argument with spaces (`--comment "a b"`). */
const quoteArg = (a: string): string => (/[\s"#]/.test(a) ? `"${a.replace(/"/g, '')}"` : a);

/** The name a wrapper's namespace goes by in claims: a named one's name, else the file or process. */
function netnsLabel(n: Exclude<Netns, { kind: 'new' }>): string {
  return n.kind === 'named' ? n.name : n.kind === 'path' ? n.path : `pid:${n.pid}`;
}

/** A simple command's words past its wrappers, with its redirections (`echo 1 > /proc/sys/…`) after them. */
function commandWords(c: CommandLine['commands'][number]): string[] {
  return [...c.argv.map((w) => w.text), ...c.redirects.flatMap((r) => [r.op, r.target.text])];
}

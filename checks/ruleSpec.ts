// Compares iptables rules by meaning: the kernel hands back `-d 172.16.0.2` as `-d 172.16.0.2/32 -m tcp`, reordered.
import { formatIPv4, masked, networkOf, parseIPv4, prefixOfMask } from '../src/core/ipv4.js';
import type { IptablesRule } from '../src/snapshot/iptablesSave.js';
import { tokenizeRule } from '../src/snapshot/tokenizeRule.js';

/** An option with its values and optional preceding `!`: `! -o br0`, `--dport 5000`, `-m comment`. */
interface Group {
  neg: boolean;
  opt: string;
  values: string[];
}

interface Canonical {
  /** -s -d -i -o -p -f, in the order iptables-save prints them. */
  core: Group[];
  /** Options of the protocol's own match (`-p tcp --dport 5000`); its `-m tcp` is implicit and dropped. */
  proto: Group[];
  modules: { name: string; opts: Group[] }[];
  /** `-j X` or `-g X`, null when the rule has no target. */
  target: Group | null;
  targetOpts: Group[];
}

const LONG_TO_SHORT: Record<string, string> = {
  '--source': '-s',
  '--src': '-s',
  '--destination': '-d',
  '--dst': '-d',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--protocol': '-p',
  '--fragment': '-f',
  '--jump': '-j',
  '--goto': '-g',
  '--match': '-m',
  '--ipv4': '-4',
  '--ipv6': '-6',
  '--destination-port': '--dport',
  '--source-port': '--sport',
  '--destination-ports': '--dports',
  '--source-ports': '--sports',
};
const CORE_ORDER = ['-4', '-6', '-s', '-d', '-i', '-o', '-p', '-f'];
/** Long options getopt lets a user abbreviate (`--dest`, `--to`); the shortest unique prefix wins. */
const CORE_LONG = [
  '--source',
  '--src',
  '--destination',
  '--dst',
  '--in-interface',
  '--out-interface',
  '--protocol',
  '--fragment',
  '--jump',
  '--goto',
  '--match',
];
const PROTO_LONG = [
  '--source-port',
  '--sport',
  '--destination-port',
  '--dport',
  '--tcp-flags',
  '--syn',
  '--tcp-option',
  '--icmp-type',
];
const TARGET_LONG: Record<string, string[]> = {
  DNAT: ['--to-destination', '--random', '--persistent'],
  SNAT: ['--to-source', '--random', '--random-fully', '--persistent'],
  MASQUERADE: ['--to-ports', '--random', '--random-fully'],
  REDIRECT: ['--to-ports', '--random'],
};
/** Protocol numbers iptables-save prints by name. */
const PROTOCOLS: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '33': 'dccp',
  '58': 'ipv6-icmp',
  '132': 'sctp',
  '136': 'udplite',
  icmpv6: 'ipv6-icmp',
};
/** Service names iptables-save prints as numbers (a few common ones; /etc/services is not read). */
const SERVICES: Record<string, string> = {
  ftp: '21',
  ssh: '22',
  telnet: '23',
  smtp: '25',
  domain: '53',
  http: '80',
  pop3: '110',
  ntp: '123',
  imap: '143',
  snmp: '161',
  https: '443',
  'http-alt': '8080',
};
const ICMP_TYPES: Record<string, string> = {
  'echo-reply': '0',
  pong: '0',
  'destination-unreachable': '3',
  'network-unreachable': '3/0',
  'host-unreachable': '3/1',
  'protocol-unreachable': '3/2',
  'port-unreachable': '3/3',
  redirect: '5',
  'echo-request': '8',
  ping: '8',
  'time-exceeded': '11',
  'ttl-exceeded': '11',
};
const LOG_LEVELS: Record<string, string> = {
  emerg: '0',
  alert: '1',
  crit: '2',
  error: '3',
  err: '3',
  warning: '4',
  warn: '4',
  notice: '5',
  info: '6',
  debug: '7',
};

function isOption(token: string): boolean {
  return /^--?[A-Za-z46]/.test(token);
}

function expand(opt: string, known: readonly string[]): string {
  if (!opt.startsWith('--') || known.includes(opt)) return opt;
  const candidates = known.filter((k) => k.startsWith(opt));
  return candidates.length === 1 ? candidates[0]! : opt;
}

function toGroups(args: readonly string[]): Group[] {
  const groups: Group[] = [];
  let neg = false;
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const next = args[i + 1];
    if (token === '!' && next !== undefined && isOption(next)) {
      neg = true;
    } else if (isOption(token)) {
      const opt = expand(token, CORE_LONG);
      groups.push({ neg, opt: LONG_TO_SHORT[opt] ?? opt, values: [] });
      neg = false;
    } else {
      const last = groups.at(-1);
      if (last) last.values.push(token);
      else groups.push({ neg: false, opt: '', values: [token] });
    }
  }
  return groups;
}

/** `172.16.0.2` → `172.16.0.2/32`, `172.18.0.5/16` → `172.18.0.0/16` (the kernel masks host bits), dotted masks → length. */
function normalizeAddress(address: string): string {
  if (/^0(?:\.0){0,3}\/0$/.test(address)) return '0.0.0.0/0';
  const slash = address.indexOf('/');
  const host = slash === -1 ? address : address.slice(0, slash);
  const maskText = slash === -1 ? null : address.slice(slash + 1);
  const ip = parseIPv4(host);
  if (ip === null) {
    if (host.includes(':')) return maskText === null ? `${host.toLowerCase()}/128` : address.toLowerCase();
    return address;
  }
  if (maskText === null) return `${formatIPv4(ip)}/32`;
  if (/^\d{1,2}$/.test(maskText) && Number(maskText) <= 32)
    return networkOf({ address: host, prefix: Number(maskText) });
  const mask = parseIPv4(maskText);
  if (mask === null) return address;
  return `${formatIPv4(masked(ip, mask))}/${prefixOfMask(mask) ?? maskText}`;
}

function mapList(value: string, names: Record<string, string>): string {
  return value
    .split(',')
    .map((item) =>
      item
        .split(':')
        .map((part) => names[part] ?? part)
        .join(':'),
    )
    .join(',');
}

function normalizeCore(g: Group): Group | null {
  let values = g.values;
  if (g.opt === '-s' || g.opt === '-d') values = values.map((v) => v.split(',').map(normalizeAddress).join(','));
  if (g.opt === '-p') values = values.map((v) => PROTOCOLS[v.toLowerCase()] ?? v.toLowerCase());
  const value = values[0];
  const matchesAll =
    ((g.opt === '-s' || g.opt === '-d') && (value === '0.0.0.0/0' || value === '::/0')) ||
    (g.opt === '-p' && (value === 'all' || value === '0')) ||
    ((g.opt === '-i' || g.opt === '-o') && value === '+') ||
    g.opt === '-4';
  return matchesAll && !g.neg ? null : { ...g, values };
}

function normalizeProtoOpt(g: Group): Group {
  const opt = expand(g.opt, PROTO_LONG);
  const short = LONG_TO_SHORT[opt] ?? opt;
  if (short === '--syn') return { neg: g.neg, opt: '--tcp-flags', values: ['FIN,SYN,RST,ACK', 'SYN'] };
  if (short === '--dport' || short === '--sport')
    return { ...g, opt: short, values: g.values.map((v) => mapList(v, SERVICES)) };
  if (short === '--icmp-type') return { ...g, opt: short, values: g.values.map((v) => ICMP_TYPES[v] ?? v) };
  return { ...g, opt: short };
}

function normalizeModuleOpt(g: Group): Group {
  if (g.opt === '--ctstate' || g.opt === '--state')
    return { ...g, values: g.values.map((v) => v.split(',').sort().join(',')) };
  if (g.opt === '--dports' || g.opt === '--sports' || g.opt === '--ports')
    return { ...g, values: g.values.map((v) => mapList(v, SERVICES)) };
  return g;
}

function normalizeTargetOpt(target: string, g: Group): Group | null {
  const opt = expand(g.opt, TARGET_LONG[target] ?? []);
  if (target === 'LOG' && g.opt === '--log-level') {
    const level = g.values.map((v) => LOG_LEVELS[v] ?? v);
    return level.length === 1 && level[0] === '4' ? null : { ...g, values: level };
  }
  return { ...g, opt };
}

function canonical(args: readonly string[]): Canonical {
  const groups = toGroups(args);
  const protocol = groups.find((g) => g.opt === '-p')?.values[0]?.toLowerCase();
  const proto = protocol === undefined ? undefined : (PROTOCOLS[protocol] ?? protocol);
  const c: Canonical = { core: [], proto: [], modules: [], target: null, targetOpts: [] };
  let block: 'proto' | 'module' | 'target' = 'proto';

  for (const g of groups) {
    if (CORE_ORDER.includes(g.opt)) {
      const core = normalizeCore(g);
      if (core) c.core.push(core);
      if (block === 'module') block = 'proto';
    } else if (g.opt === '-m') {
      const name = g.values[0] ?? '';
      if (name === proto) {
        block = 'proto';
      } else {
        c.modules.push({ name, opts: [] });
        block = 'module';
      }
    } else if (g.opt === '-j' || g.opt === '-g') {
      c.target = g;
      block = 'target';
    } else if (block === 'target') {
      const opt = normalizeTargetOpt(c.target?.values[0] ?? '', g);
      if (opt) c.targetOpts.push(opt);
    } else if (block === 'module') {
      c.modules.at(-1)?.opts.push(normalizeModuleOpt(g));
    } else {
      c.proto.push(normalizeProtoOpt(g));
    }
  }
  c.core.sort((a, b) => CORE_ORDER.indexOf(a.opt) - CORE_ORDER.indexOf(b.opt));
  return c;
}

function groupTokens(g: Group): string[] {
  return [...(g.neg ? ['!'] : []), ...(g.opt === '' ? [] : [g.opt]), ...g.values];
}

function sortedTokens(groups: readonly Group[]): string[][] {
  return groups.map(groupTokens).sort(byKey);
}

function byKey(a: readonly string[], b: readonly string[]): number {
  const ka = JSON.stringify(a);
  const kb = JSON.stringify(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Comparable units of a rule: each core option, each match option with its module, each target option. */
function units(c: Canonical): string[][] {
  return [
    ...c.core.map(groupTokens),
    ...sortedTokens(c.proto),
    ...c.modules.flatMap((m) =>
      m.opts.length ? sortedTokens(m.opts).map((t) => ['-m', m.name, ...t]) : [['-m', m.name]],
    ),
    ...(c.target ? [groupTokens(c.target)] : []),
    ...sortedTokens(c.targetOpts),
  ];
}

/** Canonical tokens: bare addresses get /32, implicit `-m tcp`/`-m udp` dropped, long options shortened, match options sorted, target last. */
export { tokenizeRule };

export function normalizeRule(args: readonly string[]): string[] {
  const c = canonical(args);
  const modules = c.modules.map((m) => ['-m', m.name, ...sortedTokens(m.opts).flat()]).sort(byKey);
  return [
    ...c.core.flatMap(groupTokens),
    ...sortedTokens(c.proto).flat(),
    ...modules.flat(),
    ...(c.target ? groupTokens(c.target) : []),
    ...sortedTokens(c.targetOpts).flat(),
  ];
}

/** True when two rule specs mean the same rule, whatever the spelling or option order. */
export function sameRule(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify(normalizeRule(a)) === JSON.stringify(normalizeRule(b));
}

function targetOf(args: readonly string[]): string | null {
  const t = canonical(args).target;
  return t ? `${t.opt} ${t.values.join(' ')}` : null;
}

/**
 * Looks for an expected rule in a snapshot. duplicates: extra identical copies beyond the first (`-A` appends twice).
 * nearest: when nothing matches, the rule of that chain with the same target sharing the most options, for hints.
 */
export function findRule(
  rules: readonly IptablesRule[],
  table: string,
  chain: string,
  expected: readonly string[],
): { found: IptablesRule | null; duplicates: number; nearest: IptablesRule | null } {
  const inChain = rules.filter((r) => r.table === table && r.chain === chain);
  const matches = inChain.filter((r) => sameRule(r.args, expected));
  if (matches[0]) return { found: matches[0], duplicates: matches.length - 1, nearest: null };

  const target = targetOf(expected);
  const wanted = new Set(units(canonical(expected)).map((u) => JSON.stringify(u)));
  let nearest: IptablesRule | null = null;
  let best = -1;
  for (const rule of inChain) {
    if (targetOf(rule.args) !== target) continue;
    const shared = units(canonical(rule.args)).filter((u) => wanted.has(JSON.stringify(u))).length;
    if (shared > best) {
      best = shared;
      nearest = rule;
    }
  }
  return { found: null, duplicates: 0, nearest };
}

/** Both rules match the same packets (their options before `-j`/`-g` mean the same), whatever they do with them. */
export function sameMatch(a: readonly string[], b: readonly string[]): boolean {
  const match = (args: readonly string[]): string[] => {
    const j = args.findIndex((x) => ['-j', '--jump', '-g', '--goto'].includes(x));
    return [...(j < 0 ? args : args.slice(0, j)), '-j', 'ACCEPT'];
  };
  return sameRule(match(a), match(b));
}

function quoteArg(arg: string): string {
  if (arg === '!' || /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  if (!/["$`\\!]/.test(arg)) return `"${arg}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command a learner can paste: `iptables -t nat -A CHAIN …` (no `-t` for the default filter table). */
export function formatRule(table: string, chain: string, args: readonly string[]): string {
  const tableArg = table === 'filter' ? [] : ['-t', table];
  return ['iptables', ...tableArg, '-A', chain, ...args].map(quoteArg).join(' ');
}

// `listening tcp|udp ADDR:PORT [in=NS]`: a socket listens; parses /proc/net/{tcp,udp}[6]. Pure.
import { CheckSyntaxError, readNamespace, type ArgReader } from './checkLine.js';
import { parseIPv4 } from './ipv4.js';
import { nsLabel, spaceOf } from './space.js';
import type { CheckKind, Listener } from './types.js';

interface Args {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  ns: string;
}

function hexToIPv4(hex: string): string {
  // /proc/net/tcp stores IPv4 in host (little-endian) byte order.
  const n = parseInt(hex, 16);
  return [0, 8, 16, 24].map((s) => (n >>> s) & 255).join('.');
}

function hexToIPv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return '::';
  // Four little-endian 32-bit words; an IPv4-mapped address shows as ::ffff:a.b.c.d.
  if (/^0{16}FFFF0000/i.test(hex)) return `::ffff:${hexToIPv4(hex.slice(24))}`;
  const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8).match(/../g)!.reverse().join(''));
  return words.join('').match(/..../g)!.map((g) => g.replace(/^0+(?=.)/, '')).join(':').toLowerCase();
}

/**
 * Listening sockets from the text of /proc/net/tcp, tcp6, udp and udp6, each section preceded by a
 * line `@proto tcp|tcp6|udp|udp6` (that is how the snapshot script concatenates them).
 */
export function parseProcNet(text: string): Listener[] {
  const out: Listener[] = [];
  let proto: 'tcp' | 'udp' = 'tcp';
  let v6 = false;
  for (const line of text.split('\n')) {
    const header = /^@proto (tcp|udp)(6?)$/.exec(line.trim());
    if (header) {
      proto = header[1] as 'tcp' | 'udp';
      v6 = header[2] === '6';
      continue;
    }
    const f = line.trim().split(/\s+/);
    if (!/^\d+:$/.test(f[0] ?? '')) continue;
    const [addrHex, portHex] = (f[1] ?? '').split(':');
    const state = f[3];
    // TCP LISTEN is 0A; an unconnected UDP socket shows 07 (CLOSE).
    if (!addrHex || !portHex || (proto === 'tcp' ? state !== '0A' : state !== '07')) continue;
    out.push({ proto, address: v6 ? hexToIPv6(addrHex) : hexToIPv4(addrHex), port: parseInt(portHex, 16) });
  }
  return out;
}

function covers(l: Listener, address: string): boolean {
  if (address === '*') return true;
  return l.address === address || l.address === '0.0.0.0' || l.address === '::' || l.address === `::ffff:${address}`;
}

export const listening: CheckKind<Args> = {
  kind: 'listening',
  usage: 'listening tcp|udp ADDR:PORT [in=NS]',
  parse(r: ArgReader) {
    const ns = readNamespace(r, 'in');
    const p = r.positional('tcp or udp');
    if (p.text !== 'tcp' && p.text !== 'udp') throw new CheckSyntaxError(`Unexpected \`${p.text}\`, expected tcp or udp`, p.offset);
    const t = r.positional('ADDR:PORT such as 172.18.0.10:5000');
    const m = /^(\*|[\d.]+):(\d{1,5})$/.exec(t.text);
    if (!m || (m[1] !== '*' && parseIPv4(m[1]!) === null) || Number(m[2]) > 65535) {
      throw new CheckSyntaxError(`Unexpected \`${t.text}\`, expected ADDR:PORT such as 172.18.0.10:5000 or *:5000`, t.offset);
    }
    r.done('in= or nothing');
    return { proto: p.text, address: m[1]!, port: Number(m[2]), ns };
  },
  negated: () => false,
  title: (a) => `something listens on ${a.proto} ${a.address}:${a.port} in ${nsLabel(a.ns)}`,
  needs: (a) => [{ ns: a.ns, part: 'listening' }],
  evaluate(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string') return { ok: false, message: space };
    const onPort = (space.listening ?? []).filter((l) => l.proto === a.proto && l.port === a.port);
    const hit = onPort.find((l) => covers(l, a.address));
    if (hit) return { ok: true, message: `listening on ${hit.address}:${hit.port}` };
    return {
      ok: false,
      message: onPort.length ? `port ${a.port} listens only on ${onPort.map((l) => l.address).join(', ')}` : `nothing listens on ${a.proto} port ${a.port} in ${nsLabel(a.ns)}`,
    };
  },
};

// Listening sockets read from /proc/net/{tcp,udp}[6]: how the snapshot sees `listening`. Pure.
import { formatIPv4 } from '../core/ipv4.js';
import type { Listener } from './model.js';

function hexToIPv4(hex: string): string {
  // /proc/net/tcp stores IPv4 in host (little-endian) byte order.
  return formatIPv4(parseInt(hex.match(/../g)?.reverse().join('') ?? '', 16));
}

function hexToIPv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return '::';
  // Four little-endian 32-bit words; an IPv4-mapped address shows as ::ffff:a.b.c.d.
  if (/^0{16}FFFF0000/i.test(hex)) return `::ffff:${hexToIPv4(hex.slice(24))}`;
  const words = [0, 8, 16, 24].map((i) =>
    hex
      .slice(i, i + 8)
      .match(/../g)!
      .reverse()
      .join(''),
  );
  return words
    .join('')
    .match(/..../g)!
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')
    .toLowerCase();
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

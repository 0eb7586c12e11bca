// IPv4 addresses, prefixes and masks: the one place that reads and prints them (lesson checks, routes,
// iptables rules, /proc/net sockets, host preflight). Pure.

/** The address as a 32-bit unsigned number, or null when it is not dotted-quad IPv4. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

export interface Cidr {
  address: string;
  prefix: number;
}

/** `a.b.c.d/n`; a bare address is a /32. */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, extra] = text.split('/');
  if (address === undefined || extra !== undefined || parseIPv4(address) === null) return null;
  if (prefixText === undefined) return { address, prefix: 32 };
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) return null;
  return { address, prefix: Number(prefixText) };
}

/** A 32-bit unsigned number as a dotted quad. */
export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

/** The mask of a prefix length: 16 → 255.255.0.0, as a number. */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix length a mask stands for (255.255.0.0 → 16); null when its bits are not contiguous. */
export function prefixOfMask(mask: number): number | null {
  const length = 32 - Math.log2((~mask >>> 0) + 1);
  return Number.isInteger(length) ? length : null;
}

/** The address with the host bits of `mask` cleared. */
export function masked(address: number, mask: number): number {
  return (address & mask) >>> 0;
}

export function inCidr(address: string, cidr: Cidr): boolean {
  const a = parseIPv4(address);
  const net = parseIPv4(cidr.address);
  if (a === null || net === null) return false;
  const mask = maskOf(cidr.prefix);
  return masked(a, mask) === masked(net, mask);
}

/** Two prefixes share an address: the shorter one holds the other's network. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.prefix <= b.prefix ? inCidr(b.address, a) : inCidr(a.address, b);
}

/** The network of a prefix in canonical form: 172.18.0.11/16 → 172.18.0.0/16. */
export function networkOf(cidr: Cidr): string {
  return `${formatIPv4(masked(parseIPv4(cidr.address) ?? 0, maskOf(cidr.prefix)))}/${cidr.prefix}`;
}

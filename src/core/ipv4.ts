// IPv4 addresses and prefixes, enough to validate lesson checks and compare routes. Pure.

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

export function inCidr(address: string, cidr: Cidr): boolean {
  const a = parseIPv4(address);
  const net = parseIPv4(cidr.address);
  if (a === null || net === null) return false;
  if (cidr.prefix === 0) return true;
  const shift = 32 - cidr.prefix;
  return Math.floor(a / 2 ** shift) === Math.floor(net / 2 ** shift);
}

/** The network of a prefix in canonical form: 172.18.0.11/16 → 172.18.0.0/16. */
export function networkOf(cidr: Cidr): string {
  const a = parseIPv4(cidr.address) ?? 0;
  const shift = 32 - cidr.prefix;
  const net = cidr.prefix === 0 ? 0 : Math.floor(a / 2 ** shift) * 2 ** shift;
  const octets = [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256);
  return `${octets.join('.')}/${cidr.prefix}`;
}

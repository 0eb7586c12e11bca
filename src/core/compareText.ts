// Ordering names without ICU. The first `localeCompare` of a process loads ICU's collation data: about
// 18 ms, at the start of nearly every command. For the names met here (lowercase ASCII letters, digits,
// `-` and `.`), code-unit order is what the collation gives; anything else still goes through it.

/** Names whose code-unit order equals the collation's. */
const PLAIN = /^[a-z0-9.-]*$/;

/** Whether `localeCompare` would order these two by their code units alone. Pure. */
export function plainText(a: string, b: string): boolean {
  return PLAIN.test(a) && PLAIN.test(b);
}

/** As `a.localeCompare(b)`, without loading ICU for plain names. Pure. */
export function compareText(a: string, b: string): number {
  if (!plainText(a, b)) return a.localeCompare(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

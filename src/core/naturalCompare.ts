// Ordering names the way people count: lesson-2 before lesson-10.
import { plainText } from './compareText.js';

/** The value of a run of digits, as a string without leading zeros (any length). */
const value = (digits: string): string => digits.replace(/^0+(?=\d)/, '');

/**
 * As `a.localeCompare(b, 'en', { numeric: true })`: runs of digits compare by their value (leading zeros
 * do not count), the rest by the collation, which for plain names is their code-unit order. Pure.
 */
export function naturalCompare(a: string, b: string): number {
  if (!plainText(a, b)) return a.localeCompare(b, 'en', { numeric: true });
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const [vx, vy] = [value(x), value(y)];
      if (vx.length !== vy.length) return vx.length < vy.length ? -1 : 1;
      if (vx !== vy) return vx < vy ? -1 : 1;
    } else if (x !== y) {
      // A digit run against a word, or two words: the text order decides (a prefix comes first).
      return x + (ra[i + 1] ?? '') < y + (rb[i + 1] ?? '') ? -1 : 1;
    }
  }
  return Math.sign(ra.length - rb.length);
}

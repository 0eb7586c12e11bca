// How wide a line of text really is in a TrueType font installed on this machine: the advance widths of
// its glyphs (cmap format 4, hmtx), without kerning, which only narrows text. For tests of pictures.
import { existsSync, readFileSync } from 'node:fs';

export interface Font {
  /** The width of `text` at `size` (in the unit of the size: SVG points). */
  width(text: string, size: number): number;
}

export function loadFont(path: string): Font {
  if (!existsSync(path))
    throw new Error(`No font at ${path}: scripts/setup --tests installs it (fonts-dejavu-core, fonts-liberation)`);
  const b = readFileSync(path);
  const tables = new Map<string, number>();
  for (let i = 0; i < b.readUInt16BE(4); i++) {
    const at = 12 + i * 16;
    tables.set(b.toString('latin1', at, at + 4), b.readUInt32BE(at + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`${path} has no ${tag} table`);
    return at;
  };
  const unitsPerEm = b.readUInt16BE(table('head') + 18);
  const metrics = b.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number => b.readUInt16BE(hmtx + 4 * Math.min(glyph, metrics - 1));

  // The Unicode BMP subtable (platform 3 encoding 1, or platform 0), format 4.
  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0; i < b.readUInt16BE(cmap + 2); i++) {
    const at = cmap + 4 + i * 8;
    const [platform, encoding] = [b.readUInt16BE(at), b.readUInt16BE(at + 2)];
    const offset = cmap + b.readUInt32BE(at + 4);
    if ((platform === 3 && encoding === 1) || platform === 0) if (b.readUInt16BE(offset) === 4) sub = offset;
  }
  if (sub < 0) throw new Error(`${path} has no Unicode cmap of format 4`);
  const segments = b.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  const glyphOf = (code: number): number => {
    for (let s = 0; s < segments; s++) {
      if (code > b.readUInt16BE(ends + 2 * s)) continue;
      const start = b.readUInt16BE(starts + 2 * s);
      if (code < start) return 0;
      const delta = b.readUInt16BE(deltas + 2 * s);
      const rangeOffset = b.readUInt16BE(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (code + delta) & 0xffff;
      const glyph = b.readUInt16BE(rangeOffsets + 2 * s + rangeOffset + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
  return {
    width(text, size) {
      let units = 0;
      for (const ch of text) units += advance(glyphOf(ch.codePointAt(0)!));
      return (units / unitsPerEm) * size;
    },
  };
}

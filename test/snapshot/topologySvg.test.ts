// The picture as a viewer draws it: every label inside its box, whichever common sans font the viewer
// has. Measured with the real fonts of this machine (DejaVu Sans, the usual fallback for sans-serif,
// and Liberation Sans, which has Helvetica's and Arial's metrics).
import t from 'tap';
import { topologyOf } from '../../src/snapshot/topology.js';
import { topologyDot } from '../../src/snapshot/topologyDot.js';
import { topologySvg } from '../../src/snapshot/topologySvg.js';
import { loadFont, type Font } from '../helpers/fontMetrics.js';
import { snapshotOf } from '../helpers/snapshot.js';

const FONTS: Record<string, { regular: Font; bold: Font }> = {
  'DejaVu Sans': {
    regular: loadFont('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'),
    bold: loadFont('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'),
  },
  'Liberation Sans': {
    regular: loadFont('/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf'),
    bold: loadFont('/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'),
  },
};

interface Label {
  text: string;
  x: number;
  anchor: string;
  size: number;
  bold: boolean;
}

/** Each node's and cluster's box (its innermost outline, left and right) and the lines of text in it. */
function boxes(svg: string): { id: string; left: number; right: number; labels: Label[] }[] {
  const out = [];
  for (const m of svg.matchAll(/<g id="([^"]+)" class="(?:node|cluster)">([\s\S]*?)<\/g>/g)) {
    const body = m[2]!;
    const outlines = [...body.matchAll(/<(?:polygon|path)[^>]* (?:points|d)="([^"]+)"/g)].map((o) => {
      const xs = [...o[1]!.matchAll(/(-?[\d.]+),-?[\d.]+/g)].map((p) => Number(p[1]));
      return { left: Math.min(...xs), right: Math.max(...xs) };
    });
    if (outlines.length === 0) continue;
    const inner = outlines.reduce((a, b) => (b.right - b.left < a.right - a.left ? b : a));
    const labels = [...body.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map((x) => ({
      text: decode(x[2]!),
      x: Number(/ x="([^"]+)"/.exec(x[1]!)![1]),
      anchor: / text-anchor="([^"]+)"/.exec(x[1]!)![1]!,
      size: Number(/ font-size="([^"]+)"/.exec(x[1]!)![1]),
      bold: / font-weight="bold"/.test(x[1]!),
    }));
    out.push({ id: m[1]!, ...inner, labels });
  }
  return out;
}

const decode = (s: string): string =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([\da-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

for (const captured of ['after-lesson-7', 'lesson-5-half'] as const) {
  t.test(`${captured}: every label stays inside its box, with room to spare, in either font`, async (t) => {
    const svg = await topologySvg(topologyDot(topologyOf(snapshotOf(captured)), 'network of lab:default'));
    t.match(svg, /font-family="DejaVu Sans,[^"]*sans-serif"/, 'the SVG names the font its boxes were measured with');
    t.notMatch(svg, /Helvetica/);
    const found = boxes(svg);
    t.ok(found.length > 5, `${found.length} boxes`);
    for (const [name, font] of Object.entries(FONTS))
      for (const box of found)
        for (const l of box.labels) {
          const w = (l.bold ? font.bold : font.regular).width(l.text, l.size);
          const left = l.anchor === 'middle' ? l.x - w / 2 : l.anchor === 'end' ? l.x - w : l.x;
          const room = Math.min(left - box.left, box.right - (left + w));
          t.ok(room >= 2, `${name}: "${l.text}" in ${box.id} (${room.toFixed(1)} pt to spare)`);
        }
  });
}

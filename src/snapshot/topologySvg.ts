// A topology's DOT laid out as SVG by Graphviz (WebAssembly, loaded only here: it costs ~250 ms).
import { FONT } from './topologyDot.js';

/** After the font the boxes were measured with, fonts about as wide or narrower: without it, labels still fit. */
const FALLBACKS = `${FONT},Bitstream Vera Sans,Verdana,sans-serif`;

/** The picture; throws when Graphviz cannot lay it out. */
export async function topologySvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  try {
    return graphviz.dot(dot).replaceAll(`font-family="${FONT}"`, `font-family="${FALLBACKS}"`);
  } catch (e) {
    throw new Error(`Graphviz could not lay out the picture: ${(e as Error).message}`);
  }
}

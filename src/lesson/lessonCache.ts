// Parsed lessons keyed by their text, written at build time: a run then needs neither remark nor YAML
// (~300 ms of start-up). An edited lesson is another key and is parsed afresh, and so is one with
// messages (only well-formed lessons are kept: a message is a vfile one, not plain data). The text
// itself is the key, not a hash of it: exact, and node:crypto is not loaded (up to 15 ms at every start).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Lesson } from './lesson.js';
import type { ParseResult } from './parseLesson.js';

/** Where the build keeps it, found when asked (a startup snapshot is built from a bundle elsewhere). */
const cacheFile = (): string => fileURLToPath(new URL('../../lessons.cache.json', import.meta.url));

/** Parsed lessons by their source text. */
type CacheEntries = Record<string, Lesson>;
let entries: CacheEntries | null = null;

function load(): CacheEntries {
  if (entries) return entries;
  try {
    entries = JSON.parse(readFileSync(cacheFile(), 'utf8')) as CacheEntries;
  } catch {
    entries = {};
  }
  return entries;
}

/** Parses `source` (lazily importing the parser), or takes the build-time result for the same text. */
export async function parseCached(source: string, file: string): Promise<ParseResult> {
  const hit = Object.hasOwn(load(), source) ? load()[source] : undefined;
  if (hit) return { lesson: { ...hit, file }, messages: [] };
  const { parseLesson } = await import('./parseLesson.js');
  return parseLesson(source, file);
}

/** Writes the cache for the given files (the build calls this for lessons/). */
export async function writeCache(files: readonly string[]): Promise<number> {
  const { parseLesson } = await import('./parseLesson.js');
  const out: CacheEntries = {};
  for (const f of files) {
    const source = readFileSync(f, 'utf8');
    const { lesson, messages } = parseLesson(source, '');
    if (lesson && messages.length === 0) out[source] = lesson;
  }
  writeFileSync(cacheFile(), JSON.stringify(out));
  return Object.keys(out).length;
}

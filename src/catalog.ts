// Finding lessons on disk and resolving a user's lesson argument (id, number or path).
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prerequisiteChain } from './chain.js';
import { UserError } from './errors.js';
import type { Lesson } from './lesson.js';
import { formatMessages, type LessonMessage } from './message.js';
import { parseCached } from './lessonCache.js';

/** The bundled lessons (beside dist/ when built, beside src/ in tests), or $TSNET_LESSONS. */
export function lessonsDir(): string {
  if (process.env.TSNET_LESSONS) return process.env.TSNET_LESSONS;
  const built = fileURLToPath(new URL('../../lessons/', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('../lessons/', import.meta.url));
}

export interface Catalog {
  lessons: Lesson[];
  byId: Map<string, Lesson>;
  /** Problems in files of the catalog, keyed by file. */
  broken: Map<string, LessonMessage[]>;
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function naturalOrder(a: Lesson, b: Lesson): number {
  return a.id.localeCompare(b.id, 'en', { numeric: true });
}

export function loadFile(path: string): Promise<{ lesson: Lesson | null; messages: LessonMessage[] }> {
  return parseCached(readFileSync(path, 'utf8'), display(path));
}

export async function loadCatalog(dir = lessonsDir()): Promise<Catalog> {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => join(dir, f)) : [];
  const lessons: Lesson[] = [];
  const broken = new Map<string, LessonMessage[]>();
  for (const file of files) {
    const { lesson, messages } = await loadFile(file);
    if (lesson) lessons.push(lesson);
    else broken.set(display(file), messages);
  }
  lessons.sort(naturalOrder);
  return { lessons, byId: new Map(lessons.map((l) => [l.id, l])), broken };
}

function knownList(c: Catalog): string {
  return c.lessons.map((l) => `  ${l.id.padEnd(10)} ${l.title}`).join('\n');
}

/** `lesson-6`, `6` or a path to a .md file → the lesson and its prerequisite chain (dependencies first). */
export async function resolveLesson(arg: string, catalogPromise?: Promise<Catalog>): Promise<{ lesson: Lesson; chain: Lesson[] }> {
  const catalog = await (catalogPromise ?? loadCatalog());
  let lesson: Lesson | undefined;
  const looksLikePath = arg.endsWith('.md') || arg.includes('/');
  if (looksLikePath) {
    const path = resolve(arg);
    if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`No lesson file at ${arg}`, `Known lessons:\n${knownList(catalog)}`);
    const { lesson: parsed, messages } = await loadFile(path);
    const errors = messages.filter((m) => m.severity === 'error');
    if (!parsed || errors.length) throw new UserError(`${basename(path)} is not a valid lesson; nothing was run.`, formatMessages(messages));
    lesson = parsed;
  } else {
    const id = /^\d+$/.test(arg) ? `lesson-${arg}` : arg;
    lesson = catalog.byId.get(id);
    if (!lesson) {
      const brokenHere = [...catalog.broken.entries()].find(([file]) => basename(file, '.md') === id);
      if (brokenHere) throw new UserError(`${brokenHere[0]} is not a valid lesson; nothing was run.`, formatMessages(brokenHere[1]));
      throw new UserError(`Unknown lesson "${arg}".`, `Known lessons:\n${knownList(catalog)}`);
    }
  }
  const byId = new Map(catalog.byId);
  byId.set(lesson.id, lesson);
  const chain = prerequisiteChain(byId, lesson);
  if (!chain.ok) {
    const brokenFiles = [...catalog.broken.values()].flat();
    throw new UserError(`Cannot order the prerequisites of ${lesson.id}: ${chain.problem}.`, brokenFiles.length ? formatMessages(brokenFiles) : null);
  }
  return { lesson, chain: chain.chain };
}

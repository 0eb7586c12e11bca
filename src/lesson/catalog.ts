// Finding lessons on disk and resolving a user's lesson argument (id, number or path).
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prerequisiteChain } from './chain.js';
import { UserError } from '../core/errors.js';
import { naturalCompare } from '../core/naturalCompare.js';
import type { Lesson } from './lesson.js';
import type { LessonMessage } from './message.js';
import { parseCached } from './lessonCache.js';
import { lint, type LintInput } from './lint.js';

/** The bundled course: lessons/ beside dist/ when built, beside src/ in tests. */
export function lessonsDir(): string {
  const built = fileURLToPath(new URL('../../../lessons/', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('../../lessons/', import.meta.url));
}

/** A course: the lesson files of one folder, with the bundled course behind it for prerequisites. */
export interface Catalog {
  /** The folder. */
  dir: string;
  /** The folder's lessons, in course order (by id, numbers compared as numbers). */
  lessons: Lesson[];
  /** The folder's lessons, then the bundled lessons whose ids the folder does not have. */
  byId: Map<string, Lesson>;
  /** Bundled lessons the folder may build on (empty for the bundled course itself). */
  beyond: Map<string, Lesson>;
  /** Problems in files of the folder, keyed by file. */
  broken: Map<string, LessonMessage[]>;
  /** Every file of the folder, with its text, for course-wide checks (lint). */
  files: LintInput[];
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function naturalOrder(a: Lesson, b: Lesson): number {
  return naturalCompare(a.id, b.id);
}

export async function loadFile(path: string): Promise<LintInput> {
  const source = readFileSync(path, 'utf8');
  const file = display(path);
  return { file, source, result: await parseCached(source, file) };
}

/** The lesson files of a folder, sorted; an unreadable folder is a usage error. */
export function lessonFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    throw new UserError(`Cannot read the folder ${dir}.`);
  }
}

async function loadFolder(dir: string): Promise<Omit<Catalog, 'byId' | 'beyond'>> {
  const lessons: Lesson[] = [];
  const broken = new Map<string, LessonMessage[]>();
  const files: LintInput[] = [];
  for (const path of existsSync(dir) ? lessonFiles(dir) : []) {
    const input = await loadFile(path);
    files.push(input);
    if (input.result.lesson) lessons.push(input.result.lesson);
    else broken.set(input.file, input.result.messages);
  }
  lessons.sort(naturalOrder);
  return { dir, lessons, broken, files };
}

const sameDir = (a: string, b: string): boolean => resolve(a) === resolve(b);

/** The course in `dir` (default: the bundled one); prerequisites it lacks come from the bundled course. */
export async function loadCatalog(dir = lessonsDir()): Promise<Catalog> {
  const folder = await loadFolder(dir);
  // The first file with an id wins, as lint counts the others as duplicates.
  const own = new Map<string, Lesson>();
  for (const l of folder.lessons) if (!own.has(l.id)) own.set(l.id, l);
  const beyond = new Map<string, Lesson>();
  if (!sameDir(dir, lessonsDir()))
    for (const l of (await loadFolder(lessonsDir())).lessons)
      if (!own.has(l.id) && !beyond.has(l.id)) beyond.set(l.id, l);
  return { ...folder, byId: new Map([...own, ...beyond]), beyond };
}

/** What a user names as a course: a folder (its lessons) or a lesson file (its folder). */
export async function loadCourse(arg: string): Promise<{ catalog: Catalog; file: LintInput | null }> {
  const path = resolve(arg);
  if (!existsSync(path)) throw new UserError(`No lesson file or folder at ${arg}.`);
  if (statSync(path).isDirectory()) return { catalog: await loadCatalog(path), file: null };
  const catalog = await loadCatalog(dirname(path));
  const file = catalog.files.find((f) => sameDir(f.file, path)) ?? (await loadFile(path));
  return { catalog, file };
}

/** How a user names a lesson on the command line: its id in the bundled course, else its file. */
export function argFor(lesson: Lesson): string {
  return sameDir(dirname(lesson.file), lessonsDir()) ? lesson.id : lesson.file;
}

/** Whether a lesson argument names a file or folder rather than an id or a number. */
export function isPath(arg: string): boolean {
  return arg.endsWith('.md') || arg.includes('/') || arg === '.' || arg === '..';
}

/** Ids a lesson needs, itself included, following prerequisites as far as they are known. */
function reachable(byId: ReadonlyMap<string, Lesson>, from: Lesson): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const pre of byId.get(id)?.prerequisites ?? []) visit(pre);
  };
  visit(from.id);
  return seen;
}

/** Nothing runs while a lesson has problems, so every message is an error here, as in `lint`. */
async function formatAsErrors(messages: readonly LessonMessage[]): Promise<string> {
  const { asError, formatMessages } = await import('./message.js');
  return formatMessages(messages.map(asError));
}

/**
 * Why the file at `path` (as the user typed it) cannot be a lesson, in one line; null when it is text worth
 * parsing. A lesson's own problems are for the parser; these are not lessons at all.
 */
export function notALessonFile(path: string, arg: string): string | null {
  if (!existsSync(path)) return `No file ${arg}: give a lesson file, an id (lesson-3) or a number (3).`;
  if (statSync(path).isDirectory()) return `${arg} is a directory, not a lesson file: give one of the .md files in it.`;
  if (!statSync(path).isFile()) return `${arg} is not a regular file: give a lesson file (.md).`;
  const bytes = readFileSync(path);
  if (bytes.includes(0)) return `${arg} is not a text file (it holds binary data): a lesson is a markdown file.`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `${arg} is not a text file in UTF-8: a lesson is a markdown file, saved as UTF-8.`;
  }
  if (bytes.toString('utf8').trim() === '')
    return `${arg} is empty: a lesson starts with frontmatter (---, id:, title:, ---), then its ## steps.`;
  return null;
}

/**
 * `lesson-6`, `6` or a path to a .md file → the lesson, its prerequisite chain (dependencies first) and its
 * course. A lesson given by path finds its prerequisites in its own folder first, then in the bundled course.
 */
export async function resolveLesson(
  arg: string,
  catalogPromise?: Promise<Catalog>,
): Promise<{ lesson: Lesson; chain: Lesson[]; catalog: Catalog }> {
  let catalog: Catalog;
  let lesson: Lesson | undefined;
  let pathFile: LintInput | undefined;
  const id = /^\d+$/.test(arg) ? `lesson-${arg}` : arg;
  // A file or directory named without a slash (`notes`) is a path too, unless a lesson has that id.
  const looksLikePath = isPath(arg) || (existsSync(arg) && !(await (catalogPromise ?? loadCatalog())).byId.has(id));
  if (looksLikePath) {
    const path = resolve(arg);
    const problem = notALessonFile(path, arg);
    if (problem) throw new UserError(problem);
    // The course of the file's folder: the one handed in when it is that folder's.
    const given = await catalogPromise;
    if (given && sameDir(given.dir, dirname(path))) {
      catalog = given;
      pathFile = given.files.find((f) => sameDir(f.file, path)) ?? (await loadFile(path));
    } else {
      const course = await loadCourse(arg);
      catalog = course.catalog;
      pathFile = course.file!;
    }
    const { lesson: parsed, messages } = pathFile.result;
    const errors = messages.filter((m) => m.fatal);
    if (!parsed || errors.length)
      throw new UserError(`${pathFile.file} is not a valid lesson; nothing was run.`, await formatAsErrors(messages));
    lesson = parsed;
  } else {
    catalog = await (catalogPromise ?? loadCatalog());
    lesson = catalog.byId.get(id);
    if (!lesson) {
      const brokenHere = [...catalog.broken.entries()].find(([file]) => basename(file, '.md') === id);
      if (brokenHere)
        throw new UserError(
          `${brokenHere[0]} is not a valid lesson; nothing was run.`,
          await formatAsErrors(brokenHere[1]),
        );
      throw new UserError(
        `Unknown lesson "${arg}"; the lessons are ${catalog.lessons.map((l) => l.id).join(', ') || 'none'}` +
          ' (tsnet-learn list).',
      );
    }
  }
  const byId = new Map(catalog.byId);
  byId.set(lesson.id, lesson);
  // Lint what this run needs, the lesson and its prerequisites, as `lint` would: a step without checks,
  // an unknown prerequisite, a cycle or a duplicate id stops the run before anything is created.
  // A lesson file given by path stands in for the course's lesson of the same id.
  const inputs = pathFile && !catalog.files.includes(pathFile) ? [...catalog.files, pathFile] : catalog.files;
  const needed = reachable(byId, lesson);
  const relevant = (await lint(inputs, catalog.beyond)).filter((m) => {
    const input = inputs.find((i) => i.file === m.file);
    const id = input?.result.lesson?.id ?? basename(m.file ?? '', '.md');
    return m.fatal && (needed.has(id) || m.file === pathFile?.file);
  });
  if (relevant.length) {
    const files = [...new Set(relevant.map((m) => m.file))];
    throw new UserError(
      `${files.join(', ')} ${files.length > 1 ? 'are not valid lessons' : 'is not a valid lesson'}; nothing was run.`,
      (await import('./message.js')).formatMessages(relevant),
    );
  }
  const chain = prerequisiteChain(byId, lesson);
  if (!chain.ok) throw new UserError(`Cannot order the prerequisites of ${lesson.id}: ${chain.problem}.`);
  return { lesson, chain: chain.chain, catalog };
}

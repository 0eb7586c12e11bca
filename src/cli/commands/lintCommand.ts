// `tsnet-learn lint`: are the lesson files well formed? All problems at once, positioned.
import { UserError } from '../../core/errors.js';
import type { Lesson } from '../../lesson/lesson.js';

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2). */
export async function lintCommand(paths: string[]): Promise<number> {
  let code = 0;
  const { readFileSync, statSync } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  const { display, lessonFiles, lessonsDir, loadCatalog } = await import('../../lesson/catalog.js');
  const { parseLesson } = await import('../../lesson/parseLesson.js');
  const { lint } = await import('../../lesson/lint.js');
  const { formatMessages } = await import('../../lesson/message.js');
  // A folder stands for its lesson files; a file for itself.
  const files = (paths.length ? paths : [lessonsDir()]).flatMap((p) => {
    let dir: boolean;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      throw new UserError(`Cannot read ${p}: no such file or folder.`);
    }
    return dir ? lessonFiles(p) : [p];
  });
  const unique = [...new Map(files.map((f) => [resolve(f), f])).values()];
  const inputs = unique.map((p) => {
    let source: string;
    try {
      source = readFileSync(p, 'utf8');
    } catch {
      throw new UserError(`Cannot read ${p}.`);
    }
    const file = display(p);
    return { file, source, result: parseLesson(source, file) };
  });
  // Prerequisites not among the files: the rest of each file's folder, then the bundled course.
  const given = new Set(unique.map((f) => resolve(f)));
  const courses = await Promise.all([...new Set(unique.map((f) => dirname(resolve(f))))].map((d) => loadCatalog(d)));
  const beyond = new Map<string, Lesson>();
  for (const course of courses)
    for (const l of course.lessons)
      if (!given.has(resolve(l.file)) && !beyond.has(l.id) && course.byId.get(l.id) === l) beyond.set(l.id, l);
  for (const course of courses) for (const [id, l] of course.beyond) if (!beyond.has(id)) beyond.set(id, l);
  const messages = await lint(inputs, beyond);
  if (messages.length) {
    process.stderr.write(`${formatMessages(messages)}\n`);
    code = 2;
  } else {
    const lessons = inputs.map((i) => i.result.lesson!);
    const steps = lessons.reduce((n, l) => n + l.steps.length, 0);
    const checks = lessons.reduce((n, l) => n + l.steps.reduce((m, s) => m + s.checks.length, 0), 0);
    process.stdout.write(
      `${inputs.length} lesson file${inputs.length === 1 ? '' : 's'} well formed: ${steps} steps, ${checks} checks\n`,
    );
  }
  return code;
}

// `tsnet-learn lint`: are the lesson files well formed? All problems at once, positioned.
import { UserError } from '../../core/errors.js';

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2). */
export async function lintCommand(files: string[]): Promise<number> {
  let code = 0;
  const { readFileSync, readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { display, lessonsDir } = await import('../../lesson/catalog.js');
  const { parseLesson } = await import('../../lesson/parseLesson.js');
  const { lint } = await import('../../lesson/lint.js');
  const { formatMessages } = await import('../../lesson/message.js');
  const dir = lessonsDir();
  const paths = files.length
    ? files
    : readdirSync(dir)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => join(dir, f));
  const inputs = paths.map((p) => {
    let source: string;
    try {
      source = readFileSync(p, 'utf8');
    } catch {
      throw new UserError(`Cannot read ${p}.`);
    }
    const file = display(p);
    return { file, source, result: parseLesson(source, file) };
  });
  const messages = await lint(inputs);
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

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { UserError } from '../../src/core/errors.js';
import { resolveLesson } from '../../src/lesson/catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'tsnet-catalog-test-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** The error resolveLesson throws for `arg`: a UserError with one line and no help under it. */
async function refusal(t: Tap.Test, arg: string): Promise<string> {
  try {
    await resolveLesson(arg);
  } catch (e) {
    t.ok(e instanceof UserError, 'a user error: exit 2');
    const err = e as UserError;
    t.equal(err.help, null, 'nothing more than the one line');
    t.notMatch(err.message, /\n/, 'on one line');
    return err.message;
  }
  t.fail(`${arg} was resolved`);
  return '';
}

t.test('an unknown lesson id says so and lists the known ids on the same line', async (t) => {
  const message = await refusal(t, 'lesson-99');
  t.match(message, /^Unknown lesson "lesson-99"; the lessons are lesson-1, lesson-2, .*lesson-7/);
});

t.test('a path to no file says that there is no such file, not which lessons exist', async (t) => {
  const message = await refusal(t, join(dir, 'missing.md'));
  t.match(message, /^No file .*missing\.md/);
  t.notMatch(message, /lesson-1/);
});

t.test('a directory is named as a directory, not as a missing file', async (t) => {
  const sub = join(dir, 'course');
  mkdirSync(sub);
  const message = await refusal(t, sub);
  t.match(message, /course is a directory, not a lesson file/);
  t.notMatch(message, /No file/);
});

t.test('an empty file is called empty', async (t) => {
  const file = join(dir, 'empty.md');
  writeFileSync(file, '');
  t.match(await refusal(t, file), /empty\.md is empty/);
  writeFileSync(file, ' \n\n');
  t.match(await refusal(t, file), /empty\.md is empty/, 'blank lines only are empty too');
});

t.test('a binary file is called binary, not a lesson without frontmatter', async (t) => {
  const file = join(dir, 'image.md');
  writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  const message = await refusal(t, file);
  t.match(message, /image\.md is not a text file/);
  t.notMatch(message, /frontmatter/);
  const latin1 = join(dir, 'latin1.md');
  writeFileSync(latin1, Buffer.from('---\nid: lesson-1\ntitle: caf\xe9\n---\n', 'latin1'));
  t.match(await refusal(t, latin1), /latin1\.md is not a text file in UTF-8/);
});

t.test('a directory or file named without a slash is still taken as a path, unless it is a lesson id', async (t) => {
  const cwd = process.cwd();
  process.chdir(dir);
  t.teardown(() => process.chdir(cwd));
  writeFileSync(join(dir, 'notes'), '');
  t.match(await refusal(t, 'notes'), /^notes is empty/);
  mkdirSync(join(dir, 'lesson-3'));
  t.equal((await resolveLesson('lesson-3')).lesson.id, 'lesson-3', 'the id wins over a directory of that name');
});

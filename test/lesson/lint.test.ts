import t from 'tap';
import { lint } from '../../src/lesson/lint.js';
import { parseLesson } from '../../src/lesson/parseLesson.js';

const lesson = (
  file: string,
  id: string,
  prerequisites: string,
  body = '## Make\n\n```bash\nip link add x type dummy\n```\n\n```check\nlink x\n```\n',
): { file: string; source: string; result: ReturnType<typeof parseLesson> } => {
  const source = `---\nid: ${id}\ntitle: T\nprerequisites: [${prerequisites}]\n---\n\n${body}`;
  return { file, source, result: parseLesson(source, file) };
};

t.test('a well-formed course has nothing to say', async (t) => {
  t.same(await lint([lesson('a.md', 'a', ''), lesson('b.md', 'b', 'a')]), []);
});

t.test('an unknown prerequisite, a cycle and a duplicate id are positioned errors', async (t) => {
  const messages = await lint([
    lesson('a.md', 'a', 'c'),
    lesson('b.md', 'b', 'a'),
    lesson('c.md', 'c', 'b'),
    lesson('d.md', 'a', ''),
    lesson('e.md', 'e', 'zz'),
  ]);
  const text = messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId} ${m.reason}`);
  t.match(text.join('\n'), /d\.md:2:1 lesson-id Unexpected duplicate lesson id `a`/);
  t.match(
    text.join('\n'),
    /a\.md:4:17 prerequisites Unexpected prerequisite cycle: a → c → b → a/,
    'at the prerequisite that leads into the cycle',
  );
  t.match(text.join('\n'), /e\.md:4:17 prerequisites Unexpected prerequisite `zz`/, 'at the unknown id itself');
  t.ok(messages.every((m) => m.fatal === true));
});

t.test('a change step without checks is an error for lint', async (t) => {
  const [m] = await lint([lesson('a.md', 'a', '', '## Make\n\n```bash\nip link add x type dummy\n```\n')]);
  t.match(m, { ruleId: 'step-checks', fatal: true, line: 7 });
});

t.test('a prerequisite in a block list is found on its own line', async (t) => {
  const source =
    '---\nid: b\ntitle: T\nprerequisites:\n  - a\n  - nope\n---\n\n## Make\n\n```bash\nip link add x type dummy\n```\n\n```check\nlink x\n```\n';
  const [m] = await lint([lesson('a.md', 'a', ''), { file: 'b.md', source, result: parseLesson(source, 'b.md') }]);
  t.match(m, { file: 'b.md', ruleId: 'prerequisites', line: 6, column: 5 });
});

t.test('a lesson alone has no other lesson to name as a prerequisite', async (t) => {
  const [m] = await lint([lesson('a.md', 'a', 'b')]);
  t.match(m!.reason, /expected the id of another lesson file \(there is none here\)/);
});

t.test('a prerequisite beyond the files (the folder, then the bundled course) is known', async (t) => {
  const base = lesson('base.md', 'base', '').result.lesson!;
  t.same(await lint([lesson('a.md', 'a', 'base')], new Map([['base', base]])), []);
  const [m] = await lint([lesson('a.md', 'a', 'nope')], new Map([['base', base]]));
  t.match(m!.reason, /Unexpected prerequisite `nope`, expected one of base/);
});

t.test('a file of the linted ones stands in for a lesson of the same id beyond them', async (t) => {
  const beyond = lesson('old.md', 'base', '').result.lesson!;
  // The file "base" needs "a": were the lesson beyond it used instead, there would be no cycle.
  const messages = await lint(
    [lesson('a.md', 'a', 'base'), lesson('base.md', 'base', 'a')],
    new Map([['base', beyond]]),
  );
  t.match(messages.map((x) => x.reason).join('\n'), /prerequisite cycle/);
});

t.test('a check id that clashes with one of a prerequisite beyond the files is refused', async (t) => {
  const body = '## Make\n\n```bash\nip link add x type dummy\n```\n\n```check\nlink x id=made\n```\n';
  const base = lesson('lessons/base.md', 'base', '', body).result.lesson!;
  const [m] = await lint([lesson('a.md', 'a', 'base', body)], new Map([['base', base]]));
  t.match(m, { ruleId: 'check-id', reason: /Unexpected check id `made`.*also in lessons\/base\.md/ });
});

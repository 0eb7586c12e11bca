import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseLesson } from '../../src/lesson/parseLesson.js';

const fixture = (name: string): ReturnType<typeof parseLesson> => {
  const file = `test/fixtures/lessons/${name}/lesson.md`;
  return parseLesson(readFileSync(new URL(`../fixtures/lessons/${name}/lesson.md`, import.meta.url), 'utf8'), file);
};

t.test('a well-formed lesson becomes steps, commands and checks', async (t) => {
  const { lesson, messages } = fixture('shell-semantics');
  t.same(messages, []);
  t.ok(lesson);
  t.equal(lesson!.id, 'lesson-42');
  t.same(lesson!.prerequisites, ['lesson-41']);
  t.equal(lesson!.summary, 'What this lesson is about.');
  t.same(
    lesson!.steps.map((s) => [s.title, s.kind]),
    [
      ['Clean up (if needed)', 'cleanup'],
      ['Make things', 'change'],
      ['Serve', 'change'],
      ['Look', 'observe'],
    ],
  );
});

t.test('commands under an "(if needed)" heading may fail, others may not', async (t) => {
  const [cleanup, make] = fixture('shell-semantics').lesson!.steps;
  t.ok(cleanup!.commands.every((c) => c.mayFail));
  t.ok(make!.commands.every((c) => !c.mayFail));
});

t.test('an nsenter context spans code blocks until exit', async (t) => {
  const make = fixture('shell-semantics').lesson!.steps[1]!;
  t.same(
    make.commands.map((c) => [c.line, c.role, c.context?.netns ?? 'host']),
    [
      ['ip netns add netns0', 'run', 'host'],
      ['ip link add veth0 type veth peer name ceth0', 'run', 'host'],
      ['nsenter --net=/run/netns/netns0 bash', 'open-context', 'netns0'],
      ['ip link set lo up', 'run', 'netns0'],
      ['exit', 'close-context', 'netns0'],
      ['ip link set veth0 up', 'run', 'host'],
    ],
  );
  t.equal(make.commands[3]!.context!.opener, 'nsenter --net=/run/netns/netns0 bash');
});

t.test('a backslash continues a command on the next line', async (t) => {
  const make = fixture('shell-semantics').lesson!.steps[1]!;
  t.equal(make.commands[1]!.line, 'ip link add veth0 type veth peer name ceth0');
});

t.test('commands inside list items keep their file positions', async (t) => {
  const make = fixture('shell-semantics').lesson!.steps[1]!;
  t.same(make.commands[0]!.position, { line: 23, column: 5 });
  t.same(make.commands[3]!.position, { line: 37, column: 5 });
});

t.test('http.server is a background job waited for on its port', async (t) => {
  const serve = fixture('shell-semantics').lesson!.steps[2]!;
  const server = serve.commands.find((c) => c.line.includes('http.server'))!;
  t.same(server.background, { port: 5000 });
  t.equal(server.context, null, 'it runs from the host: nsenter is part of the line itself');
});

t.test('a redirection is just a shell line that changes state', async (t) => {
  const serve = fixture('shell-semantics').lesson!.steps[2]!;
  const echo = serve.commands[0]!;
  t.equal(echo.line, 'echo 1 > /proc/sys/net/ipv4/ip_forward');
  t.equal(echo.observes, false);
  t.equal(echo.background, null);
});

t.test('ip netns exec X bash opens a context that ends with its step', async (t) => {
  const [, , serve, look] = fixture('shell-semantics').lesson!.steps;
  t.equal(serve!.commands.at(-1)!.context?.netns, 'netns0');
  t.ok(look!.commands.every((c) => c.context === null));
});

t.test('checks carry ids, titles, points and hints', async (t) => {
  const make = fixture('shell-semantics').lesson!.steps[1]!;
  t.same(
    make.checks.map((c) => [c.id, c.kind, c.title, c.points, c.hint, c.position.line]),
    [
      ['lesson-42:2.1', 'netns', 'namespace netns0 exists', 1, null, 43],
      ['lo-up', 'link', 'lo exists in netns netns0: up', 2, 'ip link set lo up', 44],
    ],
  );
});

t.test('every malformed check is reported with its line and column', async (t) => {
  const { lesson, messages } = fixture('malformed-check');
  t.equal(lesson, null, 'a lesson with errors is not returned');
  t.same(
    messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`),
    ['15:1 check', '16:6 check', '17:40 check', '18:6 check', '19:34 check'],
  );
  t.match(messages[0]!.reason, /^Unexpected check kind `linq`, expected one of netns, link/);
  t.match(messages[1]!.reason, /Unexpected address `172\.18\.0\.300\/16`/);
  t.match(messages[2]!.reason, /Unexpected `bogus`/);
  t.match(messages[3]!.reason, /at most 15/);
  t.match(messages[4]!.reason, /closing `"`/);
});

t.test('structural mistakes are all collected in one pass', async (t) => {
  const { lesson, messages } = fixture('structure-errors');
  t.equal(lesson, null);
  t.same(
    messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`),
    [
      '2:1 frontmatter',
      '3:1 frontmatter',
      '4:1 frontmatter',
      '7:1 step',
      '14:1 context',
      '15:1 context',
      '16:1 context',
      '17:1 sudo',
      '22:1 check-id',
      '27:1 fence',
    ],
  );
});

t.test('a lesson without frontmatter is rejected at 1:1', async (t) => {
  const { lesson, messages } = fixture('no-frontmatter');
  t.equal(lesson, null);
  t.same(
    messages.map((m) => [m.line, m.column, m.ruleId, m.fatal]),
    [[1, 1, 'frontmatter', true]],
  );
});

t.test('a state-changing step without checks gets a warning, not an error', async (t) => {
  const src = '---\nid: l\ntitle: T\nprerequisites: []\n---\n\n## Do\n\n```bash\nip link add x type dummy\n```\n';
  const { lesson, messages } = parseLesson(src, 'l.md');
  t.ok(lesson);
  t.same(
    messages.map((m) => [m.fatal, m.ruleId, m.line]),
    [[false, 'step-checks', 7]],
  );
});

const lessonWith = (body: string): ReturnType<typeof parseLesson> =>
  parseLesson(`---\nid: l\ntitle: T\nprerequisites: []\n---\n\n${body}`, 'l.md');
const where = (r: ReturnType<typeof parseLesson>): string[] =>
  r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);

t.test('a context opened at the end of a step, and its exit in the next step, are both refused', async (t) => {
  const r = lessonWith(
    '## Enter\n\n```bash\nnsenter --net=/run/netns/netns0 bash\n```\n\n## Inside\n\n```bash\nip link set lo up\nexit\n```\n\n```check\nlink lo in=netns0 up\n```\n',
  );
  t.same(where(r), ['10:1 context', '17:1 context']);
  t.match(r.messages[0]!.reason, /a context ends with its step/);
  t.match(r.messages[1]!.reason, /the context of netns0 opened at 10:1 ended with its step/);
});

t.test(
  'a fence inside a block is a block left open above it, and its step is not also blamed for lacking checks',
  async (t) => {
    const r = lessonWith('## Make\n\n```bash\nip link add x type dummy\n\n```check\nlink x\n```\n');
    t.same(where(r), ['12:1 fence']);
    t.match(r.messages[0]!.reason, /inside the bash block opened at 9:1/);
  },
);

t.test('a problem on a continued line is positioned on that line', async (t) => {
  const r = lessonWith(
    '## Make\n\n```bash\nip link add veth0 type veth \\\n    peer name this-name-is-far-too-long\n```\n\n```check\nlink veth0\n```\n',
  );
  t.same(where(r), ['11:15 ifname']);
});

t.test('a step whose check lines are all broken gets only their messages', async (t) => {
  const r = lessonWith('## Make\n\n```bash\nip link add x type dummy\n```\n\n```check\nlink x points=abc\n```\n');
  t.same(where(r), ['14:15 check']);
});

t.test('unreadable YAML frontmatter is one message, not one per key', async (t) => {
  const r = parseLesson(
    '---\nid: y\ntitle: [oops\nprerequisites: []\n---\n\n## S\n\n```bash\nip netns list\n```\n',
    'y.md',
  );
  t.same(
    r.messages.map((m) => m.ruleId),
    ['frontmatter'],
  );
  t.notMatch(
    r.messages[0]!.reason,
    /at line \d/,
    'the position says where; the text does not count from the frontmatter',
  );
});

t.test(
  "a step's paragraphs keep the line they start on, list items marked, so learn can show them between the commands",
  async (t) => {
    const make = fixture('shell-semantics').lesson!.steps[1]!;
    t.strictSame(
      make.paragraphs.map((p) => p.text),
      ['- Create:', '- Enter:', '- Inside:'],
    );
    const lines = make.paragraphs.map((p) => p.line);
    t.ok(
      lines[0]! < make.commands[0]!.position.line && make.commands[0]!.position.line < lines[1]!,
      'the first item comes before its commands, the second after',
    );
    t.equal(make.prose, 'Create:\n\nEnter:\n\nInside:', 'prose stays the plain text');
  },
);

// Every malformed lesson in test/fixtures/malformed is refused by lint, run and test alike: exit 2, every
// problem at once with its file:line:col, and nothing run (not even a lab created).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { REPO, sandbox, type CliResult } from './harness.js';

const ROOT = 'test/fixtures/malformed';
const cases = readdirSync(join(REPO, ROOT), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface Expected {
  runArg: string;
  messages: { file: string; line: number; column: number; rule: string; reason: string }[];
}

function expected(name: string): Expected {
  const dir = `${ROOT}/${name}`;
  let runArg = `${dir}/lesson.md`;
  const messages: Expected['messages'] = [];
  for (const line of readFileSync(join(REPO, dir, 'expected.txt'), 'utf8').split('\n')) {
    const run = /^# run: (\S+)$/.exec(line);
    if (run) runArg = run[1]!;
    const m = /^(\S+):(\d+):(\d+) (\S+) (.+)$/.exec(line);
    if (m && !line.startsWith('#'))
      messages.push({ file: `${dir}/${m[1]}`, line: Number(m[2]), column: Number(m[3]), rule: m[4]!, reason: m[5]! });
  }
  return { runArg, messages };
}

/** The CLI printed exactly these messages, each on its own line, and the tally matches. */
function assertMessages(t: Tap.Test, r: CliResult, e: Expected, what: string): void {
  t.equal(r.code, 2, `${what} exits 2`);
  t.equal(r.stdout, '', `${what} prints nothing on stdout: nothing ran`);
  const lines = r.stderr.split('\n');
  for (const m of e.messages) {
    const head = `${m.file}:${m.line}:${m.column}  error  ${m.reason}`;
    t.ok(
      lines.some((l) => l.startsWith(head) && l.endsWith(`  ${m.rule}`)),
      `${what}: ${m.file}:${m.line}:${m.column} ${m.rule} ${m.reason}`,
      { stderr: r.stderr },
    );
  }
  const n = e.messages.length;
  t.match(r.stderr, new RegExp(`^${n} error${n > 1 ? 's' : ''}$`, 'm'), `${what}: ${n} error(s) and no other message`);
  t.notMatch(r.stderr, /internal error|\n\s+at /, `${what}: no stack trace`);
}

t.test('the corpus has at least 20 kinds of malformed lessons', async (t) => {
  t.ok(cases.length >= 20, `${cases.length} cases`);
  for (const name of cases) t.ok(expected(name).messages.length > 0, `${name} expects messages`);
});

// `test` on a few: it resolves lessons the same way, and must refuse before making any lab.
const alsoTest = new Set([
  'many-problems',
  'prerequisite-cycle',
  'sudo',
  'iptables-flush',
  'step-without-check',
  'stray-shell',
]);

for (const name of cases) {
  t.test(
    `${name}: lint, run${alsoTest.has(name) ? ' and test' : ''} refuse it with positioned messages and run nothing`,
    async (t) => {
      const box = sandbox();
      t.teardown(() => box.cleanup());
      const e = expected(name);
      const dir = join(REPO, ROOT, name);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `${ROOT}/${name}/${f}`);
      // A lesson finds its prerequisites in its own folder: the case's directory is its course.
      const [lint, run, test] = await Promise.all([
        box.run(['lint', ...files]),
        box.run(['run', e.runArg]),
        alsoTest.has(name) ? box.run(['test', e.runArg]) : Promise.resolve(null),
      ]);
      assertMessages(t, lint, e, 'lint');
      assertMessages(t, run, e, 'run');
      t.match(run.stderr, /nothing was run/);
      if (test) assertMessages(t, test, e, 'test');
      t.ok(existsSync(box.stateDir), 'the state directory is still there');
      t.same(readdirSync(box.stateDir), [], 'and empty: no lab was ever created');
    },
  );
}

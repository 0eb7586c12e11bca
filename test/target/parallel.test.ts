import { spawnSync } from 'node:child_process';
import t from 'tap';
import { parallelScript, parseParallelOutput } from '../../src/target/parallel.js';

const LINES = ['echo out; echo err >&2', 'echo only err >&2; exit 3', 'printf c', 'exit 4'];
const EXPECTED = [
  { exitCode: 0, output: 'out\nerr' },
  { exitCode: 3, output: '\nonly err' },
  { exitCode: 0, output: 'c\n' },
  { exitCode: 4, output: '\n' },
];

/** Runs the script in bash as the shell of a target would; nothing else is given to it. */
function run(script: string, count: number): { results: ReturnType<typeof parseParallelOutput>; ms: number } {
  const started = Date.now();
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', script], { encoding: 'utf8', cwd: '/' });
  return { results: parseParallelOutput(r.stdout, count), ms: Date.now() - started };
}

t.test('parallelScript gives each line its status, its stdout and then its stderr, in the order given', async (t) => {
  t.strictSame(run(parallelScript(LINES), LINES.length).results, EXPECTED);
});

t.test('parallelScript runs the lines side by side: two that take 1 s each take about 1 s', async (t) => {
  const { results, ms } = run(parallelScript(['sleep 1; echo a', 'sleep 1; echo b']), 2);
  t.strictSame(results, [
    { exitCode: 0, output: 'a\n' },
    { exitCode: 0, output: 'b\n' },
  ]);
  t.ok(ms < 1900, `took ${ms} ms`);
});

t.test('parallelScript writes no file: it needs no directory of its own', async (t) => {
  t.notMatch(parallelScript(LINES), /[^&]>\s*\/(?!dev\/null)/, 'no redirection into a file but /dev/null');
});

t.test('outputs larger than a pipe holds come back whole, whatever their order of finishing', async (t) => {
  const { results } = run(parallelScript(['sleep 0.2; seq 1 30000', 'seq 1 30000 >&2', 'echo x']), 3);
  t.strictSame(
    results.map((r) => [r.exitCode, r.output.length]),
    [
      [0, 168894],
      [0, 168894],
      [0, 2],
    ],
  );
});

t.test('without /dev/fd (process substitution), the lines run one by one with the same results', async (t) => {
  t.strictSame(run(parallelScript(LINES, [], '/nonexistent/tsnet-fd'), LINES.length).results, EXPECTED);
  const { ms } = run(parallelScript(['sleep 0.5', 'sleep 0.5'], [], '/nonexistent/tsnet-fd'), 2);
  t.ok(ms >= 1000, `one after the other: ${ms} ms`);
});

t.test("a line that calls a function of the shell runs that function (pid:'s curl), not a program", async (t) => {
  const script = `greet() { echo from the function; }\n${parallelScript(['greet you', 'echo plain'])}`;
  t.strictSame(run(script, 2).results, [
    { exitCode: 0, output: 'from the function\n' },
    { exitCode: 0, output: 'plain\n' },
  ]);
});

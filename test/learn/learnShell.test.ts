import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { formatReply, learnRcfile, parseRequest, promptScript } from '../../src/learn/learnShell.js';
import { openPromptChannel } from '../../src/learn/promptChannel.js';

t.test('a request line is a kind, the shell pid, where it is, its history number and the command', async (t) => {
  t.strictSame(parseRequest('prompt\t42\tnetns0\t7\tip link set lo up'), {
    kind: 'prompt',
    pid: 42,
    ctx: 'netns0',
    histNo: '7',
    command: 'ip link set lo up',
  });
  t.strictSame(parseRequest('hint\t42\thost\t\t'), { kind: 'hint', pid: 42, ctx: 'host', histNo: '', command: '' });
  t.equal(parseRequest('rm\t42\thost\t1\tx'), null, 'an unknown kind');
  t.equal(parseRequest('prompt\tx\thost\t1\tx'), null, 'a pid that is not a number');
  t.equal(parseRequest(''), null);
});

t.test('a reply is the prompt label, the text, and an end line', async (t) => {
  t.equal(formatReply('lesson-3 1/1', 'a\nb\n'), 'lesson-3 1/1\na\nb\n\x04\n');
  t.equal(formatReply('', ''), '-\n\x04\n');
});

t.test('the generated rcfile and prompt script are valid bash', async (t) => {
  for (const text of [learnRcfile("/tmp/it's here"), promptScript('default', true), promptScript('default', false)]) {
    t.doesNotThrow(() => execFileSync('bash', ['-n'], { input: text }), text.split('\n')[0]);
  }
  t.match(learnRcfile("/tmp/it's here"), `export TSNET_LEARN_DIR='/tmp/it'\\''s here'`, 'the directory is quoted');
});

/** A real interactive bash with the generated files, fed `input`; `answer` plays tsnet-learn. */
async function converse(
  input: string,
  answer: (line: string) => string,
  timeoutS?: number,
): Promise<{ requests: string[]; output: string; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-learnshell-'));
  const requests: string[] = [];
  const channel = openPromptChannel(dir, async (line) => (requests.push(line), answer(line)));
  try {
    writeFileSync(join(dir, 'rc'), learnRcfile(dir));
    writeFileSync(join(dir, 'prompt.sh'), promptScript('test', false, timeoutS));
    // -i with stdin a pipe: interactive (prompts, PROMPT_COMMAND) without a terminal; prompts go to stderr.
    const child = spawn('bash', ['--rcfile', join(dir, 'rc'), '-i'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: dir },
    });
    let output = '';
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => ((output += d.toString()), (stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => ((output += d.toString()), (stderr += d.toString())));
    child.stdin.end(input);
    await new Promise((resolve) => child.on('exit', resolve));
    return { requests, output, stdout, stderr };
  } finally {
    channel.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test(
  'before every prompt the shell reports the last command and prints the reply, whose first line labels the prompt',
  async (t) => {
    let n = 0;
    const { requests, stdout, stderr } = await converse('echo one\ntrue two\nexit\n', () =>
      formatReply(`label-${++n}`, `reply ${n}`),
    );
    const parsed = requests.map(parseRequest);
    t.strictSame(
      parsed.map((r) => [r?.kind, r?.ctx, r?.command]),
      [
        ['prompt', 'host', ''],
        ['prompt', 'host', 'echo one'],
        ['prompt', 'host', 'true two'],
      ],
    );
    t.ok(parsed.every((r) => r && r.pid > 0));
    t.not(parsed[1]!.histNo, parsed[2]!.histNo, 'each command has its own history number');
    // Replies go to the terminal (stdout); an interactive bash without one writes its prompts to stderr.
    t.equal(stdout, 'reply 1\none\nreply 2\nreply 3\n');
    t.match(stderr, /\[lab:test label-1\] [^\n]*[#$] echo one\n\[lab:test label-2\] [^\n]*\n\[lab:test label-3\] /);
  },
);

t.test('an empty line sends the same history number again', async (t) => {
  const { requests } = await converse('echo one\n\nexit\n', () => formatReply('l', ''));
  const [, a, b] = requests.map(parseRequest);
  t.equal(a!.histNo, b!.histNo);
  t.equal(b!.command, 'echo one');
});

t.test('the helpers ask with their own kind', async (t) => {
  const { requests, output } = await converse('hint\nwhere\nexit\n', (line) =>
    formatReply('l', line.startsWith('hint') ? 'the hint' : line.startsWith('where') ? 'you are here' : ''),
  );
  t.strictSame(
    requests.map((r) => parseRequest(r)?.kind),
    ['prompt', 'hint', 'prompt', 'where', 'prompt'],
  );
  t.match(output, /the hint[\s\S]*you are here/);
});

t.test(
  "a shell opened from the learner's shell reports too (PROMPT_COMMAND and the directory are exported)",
  async (t) => {
    const { requests } = await converse('bash -i\necho inner\nexit\nexit\n', () => formatReply('l', ''));
    const pids = new Set(requests.map((r) => parseRequest(r)!.pid));
    t.equal(pids.size, 2, 'two shells asked');
    t.ok(requests.some((r) => parseRequest(r)!.command === 'echo inner'));
  },
);

t.test('without a whole reply the shell waits a while and then goes on, usable', async (t) => {
  let first = true;
  const started = Date.now();
  const { stdout, stderr } = await converse(
    'echo still-usable\nexit\n',
    () => {
      const r = first ? formatReply('l', '') : 'label\na line, and no end of the reply\n';
      first = false;
      return r;
    },
    1,
  );
  t.equal(stdout, 'still-usable\na line, and no end of the reply\n', 'what came is shown');
  t.match(stderr, /\[lab:test l\] [^\n]*\n\[lab:test l\] /, 'the prompt keeps its label');
  t.ok(Date.now() - started < 10_000, 'it gave up after its timeout');
});

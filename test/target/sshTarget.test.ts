import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { preambleScript, splitPreamble } from '../../src/target/sshTarget.js';

t.test('the preflight, run by a real bash, says who it runs as and which tools lack', async (t) => {
  const script = `${preambleScript(['bash', 'no-such-tool-here'], '/nonexistent/dir')}echo the-snapshot\n`;
  const r = spawnSync('bash', ['--noprofile', '--norc'], { input: script, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const pre = splitPreamble(r.stdout);
  t.strictSame(pre, { euid: String(process.geteuid?.()), missing: ['no-such-tool-here'], rest: 'the-snapshot\n' });
});

t.test("a login script's banner before the preflight is dropped with it", async (t) => {
  // Captured over ssh as an ordinary user: sbin is not on that PATH, so iptables-save is "missing".
  const captured = readFileSync(new URL('../fixtures/ssh/preamble-after-banner.txt', import.meta.url), 'utf8');
  t.strictSame(splitPreamble(captured), {
    euid: '4243',
    missing: ['iptables-save', 'no-such-tool'],
    rest: 'snapshot-output\n',
  });
});

t.test('output without the preflight markers is not mistaken for it', async (t) => {
  t.equal(splitPreamble('just output\n'), null);
  t.equal(splitPreamble('\n@@tsnet-remote begin\neuid=0\n'), null);
});

t.test('the tool names are quoted in the preflight', async (t) => {
  t.match(preambleScript(["a'b"], '/d'), /for __tsnet_t in 'a'\\''b';/);
});

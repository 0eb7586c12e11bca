// Colours are decided by the process that prints, not by the shell that built the CLI: the launcher starts
// it from a startup snapshot, where anything decided while a module loads was decided at build time (a CI
// build, with CI set, once gave every grade table colours, piped and with NO_COLOR).
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandbox } from './harness.js';

const box = sandbox();
t.teardown(() => box.cleanup());

// One student whose machine refuses the login at once: loopback, a port nothing listens on.
const dir = mkdtempSync(join(tmpdir(), 'tsnet-colors-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'ssh_config'), 'Host nobody\n  HostName 127.0.0.1\n  Port 1\n');
writeFileSync(join(dir, 'roster.csv'), 'student,target\nnobody,ssh:nobody\n');

/** The grade table on a pipe, with the environment's colour variables as given (unset when undefined). */
async function table(t: Tap.Test, env: Record<string, string | undefined>): Promise<string> {
  const r = await box.run(
    ['grade', '7', '--roster', join(dir, 'roster.csv'), '--ssh-config', join(dir, 'ssh_config')],
    { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined, TERM: undefined, ...env } },
  );
  t.equal(r.code, 1, 'a student who could not be graded fails the class run');
  t.match(r.stdout, /^nobody\s+0\/30\s+/m, 'the row is there');
  return r.stdout;
}

const ESC = '\x1b[';

t.test('on a pipe, with nothing asking for colours, the table is plain', async (t) => {
  t.notMatch(await table(t, {}), ESC);
});

t.test('FORCE_COLOR gives colours on a pipe: the status stands out', async (t) => {
  t.match(await table(t, { FORCE_COLOR: '1' }), `${ESC}33munreachable${ESC}39m`);
});

t.test('NO_COLOR wins over FORCE_COLOR and CI', async (t) => {
  t.notMatch(await table(t, { NO_COLOR: '1', FORCE_COLOR: '1', CI: 'true' }), ESC);
});

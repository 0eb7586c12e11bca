import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/exec/spawn.js';

const LAUNCHER = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));

/**
 * An install of the launcher in a directory of its own, with a `node` on PATH that prints how it was
 * started instead of starting anything; `snapshot` lays out what the build leaves in dist/snapshot/.
 */
function install(t: Tap.Test, snapshot: { builtBy?: 'this node' | 'another node'; stamp?: 'same' | 'older' } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'tsnet-launcher-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'tools'));
  copyFileSync(LAUNCHER, join(root, 'bin/tsnet-learn'));
  const node = join(root, 'tools/node');
  writeFileSync(node, '#!/bin/sh\necho "$*"\n');
  chmodSync(node, 0o755);
  if (snapshot.builtBy) {
    const dir = join(root, 'dist/snapshot');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tsnet-learn.blob'), 'heap');
    writeFileSync(join(dir, 'node.path'), `${snapshot.builtBy === 'this node' ? node : '/usr/bin/node'}\n`);
    // As the build does: touch copies node's mtime to the nanosecond.
    const stamp = join(dir, 'node.stamp');
    execFileSync('touch', snapshot.stamp === 'older' ? ['-d', '2001-01-01', stamp] : ['-r', node, stamp]);
  }
  const launch = async (args: string[], env: Record<string, string> = {}, launcher = join(root, 'bin/tsnet-learn')) => {
    // tap puts its loader in NODE_OPTIONS of every process it sees start: env starts the launcher without.
    const options = env.NODE_OPTIONS ? [`NODE_OPTIONS=${env.NODE_OPTIONS}`] : [];
    const r = await run('/usr/bin/env', ['-u', 'NODE_OPTIONS', ...options, launcher, ...args], {
      env: { PATH: `${join(root, 'tools')}:/usr/bin:/bin`, ...env },
    });
    return { code: r.exitCode, out: r.stdout.trim(), err: r.stderr.trim() };
  };
  return { root, launch };
}

t.test('started from the snapshot the build made with this node, the arguments passed on as they are', async (t) => {
  const { root, launch } = install(t, { builtBy: 'this node' });
  const r = await launch(['check', '7', '--var', 'host_ip=1.2.3.4 x']);
  t.equal(
    r.out,
    `--snapshot-blob ${root}/bin/../dist/snapshot/tsnet-learn.blob ${root}/bin/../dist/src/cli/main.js check 7 --var host_ip=1.2.3.4 x`,
  );
});

t.test('through a link (npm puts one on PATH), the install is where the link points', async (t) => {
  const { root, launch } = install(t, { builtBy: 'this node' });
  const link = join(root, 'tools/tsnet-learn');
  symlinkSync(join(root, 'bin/tsnet-learn'), link);
  t.match((await launch(['list'], {}, link)).out, `--snapshot-blob ${root}/bin/../dist/snapshot/tsnet-learn.blob`);
});

t.test('started from the modules when the snapshot is not for this node or these options', async (t) => {
  const plain = (root: string, args: string) => `${root}/bin/../dist/src/cli/main.js ${args}`;
  const none = install(t);
  t.equal((await none.launch(['list'])).out, plain(none.root, 'list'), 'no snapshot was built (no esbuild)');
  const other = install(t, { builtBy: 'another node' });
  t.equal((await other.launch(['list'])).out, plain(other.root, 'list'), 'another node built it');
  const changed = install(t, { builtBy: 'this node', stamp: 'older' });
  t.equal((await changed.launch(['list'])).out, plain(changed.root, 'list'), 'this node was replaced since');
  const built = install(t, { builtBy: 'this node' });
  t.equal(
    (await built.launch(['list'], { NODE_OPTIONS: '--max-old-space-size=4096' })).out,
    plain(built.root, 'list'),
    'a snapshot only starts under the flags it was built with',
  );
  t.equal(
    (await built.launch(['graph', '-o', 'x.svg'])).out,
    plain(built.root, 'graph -o x.svg'),
    "graph's picture loads a module as it runs",
  );
});

t.test('without node on PATH, it says so and exits 2', async (t) => {
  const { launch } = install(t);
  const r = await launch(['list'], { PATH: '/nonexistent' });
  t.same([r.code, r.err], [2, 'tsnet-learn: node is not installed (not on PATH)']);
});

import t from 'tap';
import { run } from '../../src/exec/spawn.js';

/** `pc.bold('x')` printed by a process of its own (the build's module), in the environment given. */
const boldIn = async (env: Record<string, string>): Promise<string> => {
  const colors = new URL('../../dist/src/report/colors.js', import.meta.url).href;
  const script = `import(${JSON.stringify(colors)}).then(({ default: pc }) => process.stdout.write(pc.bold('x') + ' ' + pc.isColorSupported))`;
  // Empty counts as unset for picocolors: what this test process has does not leak in.
  const r = await run(process.execPath, ['-e', script], { env: { NO_COLOR: '', FORCE_COLOR: '', CI: '', ...env } });
  return r.stdout;
};

t.test('colours are on or off as the process says when they are first used, as picocolors decides', async (t) => {
  t.equal(await boldIn({ FORCE_COLOR: '1' }), '\x1b[1mx\x1b[22m true');
  t.equal(await boldIn({ FORCE_COLOR: '1', NO_COLOR: '1' }), 'x false', 'NO_COLOR wins');
  t.equal(await boldIn({}), 'x false', 'piped, not a terminal');
});

// picocolors for every report. Required, not imported: it is CommonJS, and through node's ESM wrapper it
// is parsed by the CJS lexer first (~4 ms at every start). Whether colours are on is decided when first
// asked, with picocolors' own test: in node's startup snapshot the module was loaded when it was built,
// where no terminal was.
import { createRequire } from 'node:module';

type Colors = typeof import('picocolors');

const picocolors = createRequire(import.meta.url)('picocolors') as Colors;

/** picocolors' test, asked now rather than when the module was loaded. */
function supported(): boolean {
  const { argv, env, platform, stdout } = process;
  return (
    !(env.NO_COLOR || argv.includes('--no-color')) &&
    Boolean(
      env.FORCE_COLOR ||
        argv.includes('--color') ||
        platform === 'win32' ||
        (stdout.isTTY && env.TERM !== 'dumb') ||
        env.CI,
    )
  );
}

let colors: Colors | null = null;
const current = (): Colors =>
  (colors ??= { ...picocolors.createColors(supported()), createColors: picocolors.createColors });

/** picocolors, its colours on or off as the process it runs in says. */
const pc = new Proxy(picocolors, { get: (_, key) => current()[key as keyof Colors] }) as Colors;

export default pc;

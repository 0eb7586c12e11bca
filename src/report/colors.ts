// picocolors for every report. It is CommonJS: imported through node's ESM wrapper it is parsed by the CJS
// lexer first, ~4 ms at the start of every command that prints in colour; required, it is not.
import { createRequire } from 'node:module';

const pc = createRequire(import.meta.url)('picocolors') as typeof import('picocolors');

export default pc;

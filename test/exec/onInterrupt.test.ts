import t from 'tap';
import { exitCodeFor } from '../../src/exec/onInterrupt.js';

t.test('an interrupted command exits as a shell reports a signal: 128 plus its number', async (t) => {
  t.equal(exitCodeFor('SIGINT'), 130);
  t.equal(exitCodeFor('SIGTERM'), 143);
});

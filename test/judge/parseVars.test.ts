import t from 'tap';
import { parseVars } from '../../src/judge/parseVars.js';

t.test('--var host_ip is the only variable, and must be an address', async (t) => {
  t.same(parseVars(['host_ip=192.0.2.7']), { host_ip: '192.0.2.7' });
  t.same(parseVars([]), {});
  t.throws(() => parseVars(['host=1.2.3.4']), { message: /Unknown --var/ });
  t.throws(() => parseVars(['host_ip=example']), { message: /wants an IPv4 address/ });
});

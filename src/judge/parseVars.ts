// --var of `check`: values that stand for the tutorial's own (its host's address). Its own module: check
// validates them before it opens anything, without loading the judge.
import { UserError } from '../core/errors.js';
import { parseIPv4 } from '../core/ipv4.js';
import { HOST_IP } from '../lab/labWorld.js';

/** `name=value` pairs of --var; only host_ip is known. Pure. */
export function parseVars(pairs: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([a-z_]+)=(.+)$/.exec(p);
    if (m?.[1] !== 'host_ip')
      throw new UserError(
        `Unknown --var "${p}".`,
        `Known: --var host_ip=ADDRESS (the address that stands for the lab host's ${HOST_IP}).`,
      );
    if (parseIPv4(m[2]!) === null) throw new UserError(`--var host_ip wants an IPv4 address, not "${m[2]}".`);
    vars[m[1]] = m[2]!;
  }
  return vars;
}

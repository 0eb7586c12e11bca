// `addr CIDR dev=NAME [in=NS] [absent]`: an address is assigned to a device.
import { CheckSyntaxError, readIfname, readNamespace, type ArgReader } from './checkLine.js';
import { parseCidr } from '../src/core/ipv4.js';
import { findLink } from './link.js';
import { nsLabel } from '../src/snapshot/space.js';
import type { CheckKind } from './types.js';
import { inNamespace } from '../src/snapshot/takeSnapshot.js';

interface Args {
  address: string;
  prefix: number;
  dev: string;
  ns: string;
  absent: boolean;
}

export const addr: CheckKind<Args> = {
  kind: 'addr',
  usage: 'addr CIDR dev=NAME [in=NS] [absent]',
  parse(r: ArgReader) {
    const t = r.positional('an address such as 172.18.0.10/16');
    const cidr = parseCidr(t.text);
    if (!cidr || !t.text.includes('/'))
      throw new CheckSyntaxError(
        `Unexpected address \`${t.text}\`, expected IPv4 with a prefix length such as 172.18.0.10/16`,
        t.offset,
      );
    const devTok = r.option('dev');
    if (!devTok) throw new CheckSyntaxError('Unexpected end of line, expected dev=NAME', r.endOffset);
    const dev = readIfname(devTok);
    const ns = readNamespace(r, 'in');
    const absent = r.flag('absent');
    r.done('dev=, in= or absent');
    return { address: cidr.address, prefix: cidr.prefix, dev, ns, absent };
  },
  negated: (a) => a.absent,
  title: (a) => `${a.dev} in ${nsLabel(a.ns)} ${a.absent ? 'does not have' : 'has'} ${a.address}/${a.prefix}`,
  needs: (a) => [{ ns: a.ns, part: 'links' }],
  contradicts: (earlier, later) =>
    earlier.ns === later.ns &&
    earlier.dev === later.dev &&
    earlier.address === later.address &&
    earlier.prefix === later.prefix &&
    earlier.absent !== later.absent,
  device: (a) => ({ ns: a.ns, name: a.dev }),
  fix(a, s) {
    const l = findLink(s, a.ns, a.dev);
    if (typeof l === 'string') return null;
    const has = l.addresses.some((x) => x.family === 'inet' && x.local === a.address && x.prefixlen === a.prefix);
    if (has === !a.absent) return null;
    const command = inNamespace(`ip addr ${a.absent ? 'del' : 'add'} ${a.address}/${a.prefix} dev ${a.dev}`, a.ns);
    return { command, replaces: a.absent };
  },
  evaluate(a, s) {
    const l = findLink(s, a.ns, a.dev);
    if (typeof l === 'string') return { ok: false, message: l };
    const v4 = l.addresses.filter((x) => x.family === 'inet');
    const has = v4.some((x) => x.local === a.address && x.prefixlen === a.prefix);
    const list = v4.length ? v4.map((x) => `${x.local}/${x.prefixlen}`).join(', ') : 'no IPv4 address';
    return { ok: has, message: `${a.dev} has ${list}` };
  },
};

// `sysctl KEY=VALUE [in=NS]`: a per-namespace kernel setting, read from /proc/sys.
import { CheckSyntaxError, readNamespace, type ArgReader } from './checkLine.js';
import { nsLabel, spaceOf } from '../src/snapshot/space.js';
import type { CheckKind } from './types.js';
import { inNamespace } from '../src/snapshot/takeSnapshot.js';

interface Args {
  key: string;
  value: string;
  ns: string;
}

export const sysctl: CheckKind<Args> = {
  kind: 'sysctl',
  usage: 'sysctl KEY=VALUE [in=NS]',
  parse(r: ArgReader) {
    const ns = readNamespace(r, 'in');
    const [t, extra] = r.rest();
    if (!t)
      throw new CheckSyntaxError(
        'Unexpected end of line, expected KEY=VALUE such as net.ipv4.ip_forward=1',
        r.endOffset,
      );
    if (extra) throw new CheckSyntaxError(`Unexpected \`${extra.text}\`, expected in= or nothing`, extra.offset);
    const m = /^([a-z0-9_]+(?:\.[a-z0-9_-]+)+)=(\S+)$/.exec(t.text);
    if (!m)
      throw new CheckSyntaxError(
        `Unexpected \`${t.text}\`, expected KEY=VALUE with the full key, such as net.ipv4.ip_forward=1`,
        t.offset,
      );
    return { key: m[1]!, value: m[2]!, ns };
  },
  negated: () => false,
  title: (a) => `${a.key} is ${a.value} in ${nsLabel(a.ns)}`,
  needs: (a) => [{ ns: a.ns, part: 'sysctl', key: a.key }],
  contradicts: (earlier, later) =>
    earlier.ns === later.ns && earlier.key === later.key && earlier.value !== later.value,
  fix(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string' || space.sysctl?.[a.key] === undefined || space.sysctl[a.key] === a.value)
      return null;
    return { command: inNamespace(`sysctl -w ${a.key}=${a.value}`, a.ns) };
  },
  evaluate(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string') return { ok: false, message: space };
    const v = space.sysctl?.[a.key];
    if (v === undefined) return { ok: false, message: `${a.key} does not exist here` };
    return { ok: v === a.value, message: `${a.key} = ${v}` };
  },
};

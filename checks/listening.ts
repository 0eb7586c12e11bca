// `listening tcp|udp ADDR:PORT [in=NS]`: a socket listens (the snapshot reads /proc/net/{tcp,udp}[6]). Pure.
import { CheckSyntaxError, readNamespace, type ArgReader } from './checkLine.js';
import { parseIPv4 } from '../src/core/ipv4.js';
import { nsLabel, spaceOf } from '../src/snapshot/space.js';
import type { Listener } from '../src/snapshot/model.js';
import type { CheckKind } from './types.js';

interface Args {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  ns: string;
}

function covers(l: Listener, address: string): boolean {
  if (address === '*') return true;
  return l.address === address || l.address === '0.0.0.0' || l.address === '::' || l.address === `::ffff:${address}`;
}

export const listening: CheckKind<Args> = {
  kind: 'listening',
  usage: 'listening tcp|udp ADDR:PORT [in=NS]',
  parse(r: ArgReader) {
    const ns = readNamespace(r, 'in');
    const p = r.positional('tcp or udp');
    if (p.text !== 'tcp' && p.text !== 'udp')
      throw new CheckSyntaxError(`Unexpected \`${p.text}\`, expected tcp or udp`, p.offset);
    const t = r.positional('ADDR:PORT such as 172.18.0.10:5000');
    const m = /^(\*|[\d.]+):(\d{1,5})$/.exec(t.text);
    if (!m || (m[1] !== '*' && parseIPv4(m[1]!) === null) || Number(m[2]) > 65535) {
      throw new CheckSyntaxError(
        `Unexpected \`${t.text}\`, expected ADDR:PORT such as 172.18.0.10:5000 or *:5000`,
        t.offset,
      );
    }
    r.done('in= or nothing');
    return { proto: p.text, address: m[1]!, port: Number(m[2]), ns };
  },
  negated: () => false,
  title: (a) => `something listens on ${a.proto} ${a.address}:${a.port} in ${nsLabel(a.ns)}`,
  needs: (a) => [{ ns: a.ns, part: 'listening' }],
  evaluate(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string') return { ok: false, message: space };
    const onPort = (space.listening ?? []).filter((l) => l.proto === a.proto && l.port === a.port);
    const hit = onPort.find((l) => covers(l, a.address));
    if (hit) return { ok: true, message: `listening on ${hit.address}:${hit.port}` };
    return {
      ok: false,
      message: onPort.length
        ? `port ${a.port} listens only on ${onPort.map((l) => l.address).join(', ')}`
        : `nothing listens on ${a.proto} port ${a.port} in ${nsLabel(a.ns)}`,
    };
  },
};

// `route default|CIDR [via=GW] [dev=DEV] [count=N] [in=NS] [absent]`: routes in the main table.
import { CheckSyntaxError, readIfname, readNamespace, type ArgReader } from './checkLine.js';
import { inCidr, networkOf, parseCidr, parseIPv4 } from '../src/core/ipv4.js';
import { nsLabel, spaceOf } from '../src/snapshot/space.js';
import type { LinkState, RouteState } from '../src/snapshot/model.js';
import type { CheckKind } from './types.js';
import { inNamespace } from '../src/snapshot/takeSnapshot.js';

interface Args {
  dst: string;
  via: string | null;
  dev: string | null;
  count: number | null;
  ns: string;
  absent: boolean;
}

/** `ip -j route` prints host routes without /32 and networks as given; make both comparable. */
export function canonicalDst(dst: string): string {
  if (dst === 'default' || dst === '0.0.0.0/0') return 'default';
  const c = parseCidr(dst);
  return c ? networkOf(c) : dst;
}

export function describeRoute(r: RouteState): string {
  return [r.dst, r.gateway ? `via ${r.gateway}` : '', r.dev ? `dev ${r.dev}` : ''].filter(Boolean).join(' ');
}

export const route: CheckKind<Args> = {
  kind: 'route',
  usage: 'route default|CIDR [via=GW] [dev=DEV] [count=N] [in=NS] [absent]',
  parse(r: ArgReader) {
    const t = r.positional('`default` or a prefix such as 172.18.0.0/16');
    const c = t.text === 'default' ? null : parseCidr(t.text);
    if (t.text !== 'default' && !c)
      throw new CheckSyntaxError(
        `Unexpected destination \`${t.text}\`, expected \`default\` or a prefix such as 172.18.0.0/16`,
        t.offset,
      );
    const viaTok = r.option('via');
    if (viaTok && parseIPv4(viaTok.text) === null)
      throw new CheckSyntaxError(`Unexpected gateway \`${viaTok.text}\`, expected an IPv4 address`, viaTok.offset);
    const devTok = r.option('dev');
    const countTok = r.option('count');
    if (countTok && !/^\d+$/.test(countTok.text))
      throw new CheckSyntaxError(`Unexpected count \`${countTok.text}\`, expected a number`, countTok.offset);
    const ns = readNamespace(r, 'in');
    const absent = r.flag('absent');
    r.done('via=, dev=, count=, in= or absent');
    return {
      dst: c ? canonicalDst(t.text) : 'default',
      via: viaTok?.text ?? null,
      dev: devTok ? readIfname(devTok) : null,
      count: countTok ? Number(countTok.text) : null,
      ns,
      absent,
    };
  },
  negated: (a) => a.absent,
  title(a) {
    const what = [
      a.dst === 'default' ? 'a default route' : `a route to ${a.dst}`,
      a.via ? `via ${a.via}` : '',
      a.dev ? `dev ${a.dev}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    if (a.count !== null) return `${nsLabel(a.ns)} has ${a.count} route${a.count === 1 ? '' : 's'} to ${a.dst}`;
    return `${nsLabel(a.ns)} ${a.absent ? 'has no' : 'has'} ${what.replace(/^a /, a.absent ? '' : 'a ')}`;
  },
  needs: (a) => [{ ns: a.ns, part: 'routes' }],
  contradicts(earlier, later) {
    const agree = <T>(x: T | null, y: T | null): boolean => x === null || y === null || x === y;
    return (
      earlier.ns === later.ns &&
      earlier.dst === later.dst &&
      agree(earlier.via, later.via) &&
      agree(earlier.dev, later.dev) &&
      earlier.absent !== later.absent
    );
  },
  device: (a) => (a.dev ? { ns: a.ns, name: a.dev } : null),
  fix(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string' || a.count !== null) return null;
    const matching = (space.routes ?? []).filter(
      (x) =>
        canonicalDst(x.dst) === a.dst && (a.via === null || x.gateway === a.via) && (a.dev === null || x.dev === a.dev),
    );
    if (a.absent)
      return matching.length
        ? { command: inNamespace(`ip route del ${describeRoute(matching[0]!)}`, a.ns), replaces: true }
        : null;
    if (matching.length) return null;
    // The device, or a link up on the gateway's subnet, must be there first: else "Nexthop has invalid gateway".
    if (a.dev && !space.links?.some((l) => l.name === a.dev && l.up)) return null;
    const onLink = (l: LinkState): boolean =>
      l.up && l.addresses.some((x) => x.family === 'inet' && inCidr(a.via!, { address: x.local, prefix: x.prefixlen }));
    if (a.via && !space.links?.some(onLink)) return null;
    const via = a.via ? ` via ${a.via}` : '';
    // Beside another route to the same place, `add` answers File exists: `append` puts it next to it.
    const verb = (space.routes ?? []).some((x) => canonicalDst(x.dst) === a.dst) ? 'append' : 'add';
    return { command: inNamespace(`ip route ${verb} ${a.dst}${via}${a.dev ? ` dev ${a.dev}` : ''}`, a.ns) };
  },
  evaluate(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string') return { ok: false, message: space };
    const all = space.routes ?? [];
    const toDst = all.filter((x) => canonicalDst(x.dst) === a.dst);
    const matching = toDst.filter(
      (x) => (a.via === null || x.gateway === a.via) && (a.dev === null || x.dev === a.dev),
    );
    const seen = toDst.length ? `routes to ${a.dst}: ${toDst.map(describeRoute).join('; ')}` : `no route to ${a.dst}`;
    const ok = a.count !== null ? matching.length === a.count : matching.length > 0;
    return { ok, message: seen };
  },
};

// `link NAME [in=NS] [type=KIND] [up|down] [master=BR|nomaster] [absent]`: a link and its properties.
import { CheckSyntaxError, readIfname, readNamespace, type ArgReader } from './checkLine.js';
import { nsLabel, spaceOf } from '../src/snapshot/space.js';
import type { LinkState, Snapshot } from '../src/snapshot/model.js';
import type { CheckKind } from './types.js';
import { inNamespace } from '../src/snapshot/takeSnapshot.js';

interface Args {
  name: string;
  ns: string;
  type: string | null;
  state: 'up' | 'down' | null;
  /** A bridge name, '' for "no master", null for "don't care". */
  master: string | null;
  absent: boolean;
}

export function findLink(s: Snapshot, ns: string, name: string): LinkState | string {
  const space = spaceOf(s, ns);
  if (typeof space === 'string') return space;
  const link = space.links?.find((l) => l.name === name);
  return link ?? `${name} does not exist in ${nsLabel(ns)}`;
}

export function describeLink(l: LinkState): string {
  const parts = [`${l.name}${l.type ? ` (${l.type})` : ''}`, l.up ? 'up' : 'down', `operstate ${l.operstate}`];
  if (l.master) parts.push(`master ${l.master}`);
  return parts.join(', ');
}

export const link: CheckKind<Args> = {
  kind: 'link',
  usage: 'link NAME [in=NS] [type=KIND] [up|down] [master=BR|nomaster] [absent]',
  parse(r: ArgReader) {
    const name = readIfname(r.positional('an interface name'));
    const ns = readNamespace(r, 'in');
    const typeTok = r.option('type');
    if (typeTok && !/^[a-z0-9_]+$/.test(typeTok.text))
      throw new CheckSyntaxError(
        `Unexpected link type \`${typeTok.text}\`, expected a kind such as veth or bridge`,
        typeTok.offset,
      );
    const up = r.flag('up');
    const down = r.flag('down');
    const masterTok = r.option('master');
    const nomaster = r.flag('nomaster');
    const absent = r.flag('absent');
    r.done('in=, type=, up, down, master=, nomaster or absent');
    if (up && down) throw new CheckSyntaxError('Unexpected `up` with `down`, expected one of them', r.endOffset);
    if (masterTok && nomaster)
      throw new CheckSyntaxError('Unexpected `master=` with `nomaster`, expected one of them', masterTok.offset);
    const master = masterTok ? readIfname(masterTok) : nomaster ? '' : null;
    return { name, ns, type: typeTok?.text ?? null, state: up ? 'up' : down ? 'down' : null, master, absent };
  },
  negated: (a) => a.absent,
  title(a) {
    if (a.absent) return `${a.name} is gone from ${nsLabel(a.ns)}`;
    const what = [
      a.type ? `a ${a.type}` : '',
      a.state ?? '',
      a.master ? `on ${a.master}` : a.master === '' ? 'on no bridge' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${a.name} exists in ${nsLabel(a.ns)}${what ? `: ${what}` : ''}`;
  },
  needs: (a) => [{ ns: a.ns, part: 'links' }],
  contradicts(earlier, later) {
    if (earlier.ns !== later.ns || earlier.name !== later.name) return false;
    if (earlier.absent !== later.absent) return true;
    const differ = <T>(x: T | null, y: T | null): boolean => x !== null && y !== null && x !== y;
    return (
      !later.absent &&
      (differ(earlier.state, later.state) || differ(earlier.master, later.master) || differ(earlier.type, later.type))
    );
  },
  device: (a) => ({ ns: a.ns, name: a.name }),
  fix(a, s) {
    const l = findLink(s, a.ns, a.name);
    // Missing (or of another kind): creating it takes the lesson's own commands (its peer, its namespace).
    if (typeof l === 'string') return null;
    if (a.absent) return { command: inNamespace(`ip link delete ${a.name}`, a.ns), replaces: true };
    if (a.type && l.type !== a.type) return null;
    const set: string[] = [];
    if (a.master !== null && (l.master ?? '') !== a.master) set.push(a.master ? `master ${a.master}` : 'nomaster');
    if (a.state === 'up' && !l.up) set.push('up');
    if (a.state === 'down' && l.up) set.push('down');
    return set.length ? { command: inNamespace(`ip link set ${a.name} ${set.join(' ')}`, a.ns) } : null;
  },
  evaluate(a, s) {
    const l = findLink(s, a.ns, a.name);
    if (typeof l === 'string') return { ok: false, message: l };
    const wrong: string[] = [];
    if (a.type && l.type !== a.type) wrong.push(`is a ${l.type ?? 'plain device'}, not a ${a.type}`);
    if (a.state === 'up' && !l.up) wrong.push('is down');
    if (a.state === 'down' && l.up) wrong.push('is up');
    if (a.master !== null && (l.master ?? '') !== a.master) {
      wrong.push(
        l.master ? `is on ${l.master}${a.master ? `, not ${a.master}` : ''}` : `is not attached to ${a.master}`,
      );
    }
    // With `absent`, existing at all is what fails.
    if (a.absent) return { ok: true, message: `${describeLink(l)} exists in ${nsLabel(a.ns)}` };
    return wrong.length
      ? { ok: false, message: `${a.name} ${wrong.join(', ')} (${describeLink(l)})` }
      : { ok: true, message: describeLink(l) };
  },
};

// `rule TABLE CHAIN RULESPEC… [in=NS] [absent]`: an iptables rule is present, compared by meaning.
import { CheckSyntaxError, readNamespace, type ArgReader } from './checkLine.js';
import { findRule, formatRule, sameMatch, sameRule } from './ruleSpec.js';
import { inNamespace } from '../src/snapshot/takeSnapshot.js';
import { nsLabel, spaceOf } from '../src/snapshot/space.js';
import type { CheckKind } from './types.js';

interface Args {
  table: string;
  chain: string;
  spec: string[];
  ns: string;
  absent: boolean;
}

const TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];

export const rule: CheckKind<Args> = {
  kind: 'rule',
  usage: 'rule TABLE CHAIN RULESPEC… [in=NS] [absent]',
  parse(r: ArgReader) {
    const ns = readNamespace(r, 'in');
    const absent = r.flag('absent');
    const table = r.positional('a table (nat, filter, …)');
    if (!TABLES.includes(table.text))
      throw new CheckSyntaxError(
        `Unexpected table \`${table.text}\`, expected one of ${TABLES.join(', ')}`,
        table.offset,
      );
    const chain = r.positional('a chain such as POSTROUTING');
    if (!/^[A-Za-z0-9_-]+$/.test(chain.text) || chain.text.startsWith('-'))
      throw new CheckSyntaxError(
        `Unexpected chain \`${chain.text}\`, expected a chain name such as POSTROUTING`,
        chain.offset,
      );
    const spec = r.rest();
    const jump = spec.findIndex((t) => t.text === '-j' || t.text === '--jump');
    if (jump < 0 || jump === spec.length - 1)
      throw new CheckSyntaxError('Unexpected end of rule, expected `-j TARGET`', spec.at(-1)?.offset ?? chain.offset);
    return { table: table.text, chain: chain.text, spec: spec.map((t) => t.text), ns, absent };
  },
  negated: (a) => a.absent,
  title: (a) => `${nsLabel(a.ns)} ${a.absent ? 'lacks' : 'has'} the rule ${a.chain} ${a.spec.join(' ')} (${a.table})`,
  needs: (a) => [{ ns: a.ns, part: 'iptables' }],
  contradicts: (earlier, later) =>
    earlier.ns === later.ns &&
    earlier.table === later.table &&
    earlier.chain === later.chain &&
    earlier.absent !== later.absent &&
    sameRule(earlier.spec, later.spec),
  fix(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string' || !space.iptables) return null;
    const found = findRule(space.iptables[a.table]?.rules ?? [], a.table, a.chain, a.spec);
    const del = (args: readonly string[]): string => formatRule(a.table, a.chain, args).replace(' -A ', ' -D ');
    if (a.absent) return found.found ? { command: inNamespace(del(found.found.args), a.ns), replaces: true } : null;
    if (found.found) return null;
    // A rule matching the same packets with another target or destination would still win: replace it.
    const add = inNamespace(formatRule(a.table, a.chain, a.spec), a.ns);
    return found.nearest && sameMatch(found.nearest.args, a.spec)
      ? { command: `${inNamespace(del(found.nearest.args), a.ns)}; ${add}`, replaces: true }
      : { command: add };
  },
  evaluate(a, s) {
    const space = spaceOf(s, a.ns);
    if (typeof space === 'string') return { ok: false, message: space };
    const table = space.iptables?.[a.table];
    const found = findRule(table?.rules ?? [], a.table, a.chain, a.spec);
    if (found.found) {
      const dup =
        found.duplicates > 0 ? ` (${found.duplicates + 1} copies: iptables -A appends again when run twice)` : '';
      return { ok: true, message: `found: ${found.found.line}${dup}` };
    }
    const nearest = found.nearest ? `; nearest: ${found.nearest.line}` : '';
    return {
      ok: false,
      message: `not in ${a.table} ${a.chain}${nearest}; expected ${formatRule(a.table, a.chain, a.spec)}`,
    };
  },
};

// `netns NAME [absent]`: a named network namespace exists under /run/netns.
import { CheckSyntaxError, type ArgReader } from './checkLine.js';
import type { CheckKind } from './types.js';

interface Args {
  name: string;
  absent: boolean;
}

export const netns: CheckKind<Args> = {
  kind: 'netns',
  usage: 'netns NAME [absent]',
  parse(r: ArgReader) {
    const t = r.positional('a namespace name');
    if (!/^[A-Za-z0-9_.-]+$/.test(t.text))
      throw new CheckSyntaxError(
        `Unexpected namespace name \`${t.text}\`, expected letters, digits, '.', '_' or '-'`,
        t.offset,
      );
    const name = t.text;
    const absent = r.flag('absent');
    r.done('`absent` or nothing');
    return { name, absent };
  },
  negated: (a) => a.absent,
  title: (a) => (a.absent ? `namespace ${a.name} is gone` : `namespace ${a.name} exists`),
  needs: () => [{ ns: 'host', part: 'netns' }],
  contradicts: (earlier, later) => earlier.name === later.name && earlier.absent !== later.absent,
  fix(a, s) {
    if (s.netns.includes(a.name) !== a.absent) return null;
    return a.absent ? { command: `ip netns delete ${a.name}`, replaces: true } : { command: `ip netns add ${a.name}` };
  },
  evaluate(a, s) {
    const ok = s.netns.includes(a.name);
    const list = s.netns.length ? s.netns.join(', ') : 'none';
    return {
      ok,
      message: ok ? `${a.name} is listed by ip netns` : `${a.name} is not listed by ip netns (listed: ${list})`,
    };
  },
};

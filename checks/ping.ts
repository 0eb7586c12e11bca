// `ping ADDR [from=NS] [fails]`: an echo request from NS gets a reply. Active probe; parsing is ours.
import { CheckSyntaxError, readNamespace, type ArgReader } from './checkLine.js';
import { parseIPv4 } from '../src/core/ipv4.js';
import { describePing, parsePingOutput } from './pingOutput.js';
import { nsLabel } from '../src/snapshot/space.js';
import type { CheckKind, ProbeEnv, Verdict } from './types.js';

interface Args {
  address: string;
  from: string;
  fails: boolean;
}

export const ping: CheckKind<Args> = {
  kind: 'ping',
  usage: 'ping ADDR [from=NS] [fails]',
  parse(r: ArgReader) {
    const from = readNamespace(r, 'from');
    const t = r.positional('an IPv4 address');
    if (parseIPv4(t.text) === null)
      throw new CheckSyntaxError(`Unexpected \`${t.text}\`, expected an IPv4 address`, t.offset);
    const fails = r.flag('fails');
    r.done('from= or fails');
    return { address: t.text, from, fails };
  },
  negated: (a) => a.fails,
  title: (a) => `${nsLabel(a.from)} ${a.fails ? 'cannot' : 'can'} ping ${a.address}`,
  needs: (a) => [{ ns: a.from, part: 'links' }],
  contradicts: (earlier, later) =>
    earlier.from === later.from && earlier.address === later.address && earlier.fails !== later.fails,
  async probe(a, env: ProbeEnv): Promise<Verdict> {
    const refused = env.refuseTraffic(a.address, a.from);
    if (refused) return { ok: false, message: refused, skip: refused };
    // One echo is enough to prove a path; retry once so a lost first packet (ARP) is not a failure.
    // Every address probed lives on this machine, where a reply takes well under a millisecond (2 ms at
    // worst, seen under load), so 0.1 s of silence is a conclusive "no reply".
    const attempts = a.fails ? 1 : 2;
    let last = { ok: false, message: '' };
    for (let i = 0; i < attempts; i++) {
      const r = await env.exec(`ping -c 1 -W ${a.fails ? 0.1 : 0.5} ${a.address}`, a.from);
      const s = parsePingOutput(r.output);
      last = { ok: s.reached, message: describePing(s) };
      if (s.reached || s.problem === 'network-unreachable' || s.problem === 'unknown-host') break;
    }
    return last;
  },
};

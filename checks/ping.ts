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
  async probe(a, env: ProbeEnv): Promise<Verdict> {
    const refused = env.refuseTraffic(a.address, a.from);
    if (refused) return { ok: false, message: refused, skip: refused };
    // A positive claim: one echo proves the path; retried once, so a lost first packet (ARP) is no failure.
    // A negative claim must not take slowness for silence. The judge first waits until no link of the
    // target is still coming up (src/snapshot/settling.ts); then echoes go out every 0.2 s for 2 s, and
    // the claim holds only if none is answered. 2 s is twice the ARP retransmission time (a lost first
    // request costs 1 s) and beats the kernel's default proxy-ARP delay (up to 0.8 s) and the ~300 ms
    // first replies seen across fresh bridges and routers. ping ends at the first reply or ICMP error.
    const line = a.fails ? `ping -c 1 -i 0.2 -w 2 ${a.address}` : `ping -c 1 -W 0.5 ${a.address}`;
    const attempts = a.fails ? 1 : 2;
    let last = { ok: false, message: '' };
    for (let i = 0; i < attempts; i++) {
      const r = await env.exec(line, a.from);
      const s = parsePingOutput(r.output);
      last = { ok: s.reached, message: describePing(s) };
      if (s.reached || s.problem === 'network-unreachable' || s.problem === 'unknown-host') break;
    }
    return last;
  },
};

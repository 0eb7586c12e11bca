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

/**
 * A negative claim must not take slowness for silence. The judge has waited until no link of the target
 * is coming up (src/judge/untilSettled.ts). Then echoes go out every 0.2 s for 1 s, over three times the
 * ~300 ms first replies seen across fresh bridges and routers; ping ends at the first reply or ICMP
 * error. Silence counts only if, at its end, no neighbour anywhere in the target is still being
 * resolved: a proxy answers ARP after up to 0.8 s, a lost request is sent again after 1 s. Else one
 * more second, and then two ARP requests have gone unanswered: that is silence.
 */
async function silence(a: Args, env: ProbeEnv): Promise<Verdict> {
  let verdict: Verdict = { ok: false, message: '' };
  for (let window = 1; window <= 2; window++) {
    const s = parsePingOutput((await env.exec(`ping -c 1 -i 0.2 -w 1 ${a.address}`, a.from)).output);
    verdict = { ok: s.reached, message: describePing(s) };
    if (s.reached || s.problem !== 'no-reply' || window === 2) break;
    const pending = await env.stillComingUp();
    if (!pending) break;
  }
  return verdict;
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
    if (a.fails) return silence(a, env);
    // One echo proves the path; retried once, so a lost first packet (ARP) is no failure.
    let last = { ok: false, message: '' };
    for (let i = 0; i < 2; i++) {
      const r = await env.exec(`ping -c 1 -W 0.5 ${a.address}`, a.from);
      const s = parsePingOutput(r.output);
      last = { ok: s.reached, message: describePing(s) };
      if (s.reached || s.problem === 'network-unreachable' || s.problem === 'unknown-host') break;
    }
    return last;
  },
};

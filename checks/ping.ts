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
 * is coming up (src/judge/untilSettled.ts): every carrier has reached its device's state, no bridge port
 * is listening or learning. On such a path the only wait left is for ARP. An answer to ARP comes at once
 * (well under a millisecond between namespaces), unless a proxy gives it: the kernel delays those by up
 * to `proxy_delay` (0.8 s), and a request lost meanwhile is sent again after 1 s. A queueing discipline
 * other than the defaults (netem, tbf…) may hold packets back too.
 *
 * So where nothing may answer late (env.lateAnswers), echoes go out every 50 ms for 0.1 s, and silence is
 * silence once ping has sent its second echo: it was running then, 50 ms after the first, to hear any
 * reply to it, and such a reply takes under a millisecond across fresh bridges and routers, ARP included.
 * Where something may (or the path was not read), echoes go out every 0.2 s for 1 s, over the longest
 * proxy delay; silence counts only if, at its end, no neighbour anywhere in the target is still being
 * resolved. Else one more second, and then two ARP requests have gone unanswered: that is silence. (A
 * qdisc that delays by more than that is beyond what this judges.) Ping ends at the first reply or ICMP
 * error either way, so a false claim costs no wait.
 */
async function silence(a: Args, env: ProbeEnv): Promise<Verdict> {
  const echo = async (line: string) => {
    const s = parsePingOutput((await env.exec(`${line} ${a.address}`, a.from)).output);
    return {
      verdict: { ok: s.reached, message: describePing(s) },
      noReply: !s.reached && s.problem === 'no-reply',
      sent: s.transmitted ?? 0,
    };
  };
  if (env.lateAnswers.length === 0) {
    // ping's own deadline (-w) counts whole seconds: the short window is ended by SIGINT, after which ping
    // still prints what it sent and received.
    const short = await echo(`timeout -s INT ${SHORT.window} ping -c 1 -i ${SHORT.interval} -w 1`);
    // A second echo goes out only when ping runs again, after any reply to the first was there to read. One
    // echo alone: ping did not get the CPU in its window (a loaded machine), so listen again, the long way.
    if (!short.noReply || short.sent >= 2) return short.verdict;
  }
  let last = await echo(`ping -c 1 -i ${LONG.interval} -w ${LONG.window}`);
  if (last.noReply && (await env.stillComingUp())) last = await echo(`ping -c 1 -i ${LONG.interval} -w ${LONG.window}`);
  return last.verdict;
}

/** Seconds: how long silence is listened for, and how often an echo goes out meanwhile. */
const SHORT = { window: 0.1, interval: 0.05 };
const LONG = { window: 1, interval: 0.2 };

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

// Causes that no single lesson check names but that break many at once: a Docker or ufw firewall, a
// subnet taken by another network, a host address that is not this machine's. Pure, over a snapshot and
// the lessons' own topology (their bridges, subnets and published addresses), never one course's names.
import { canonicalDst } from '../../checks/route.js';
import type { LessonTopology } from '../lesson/lessonTopology.js';
import type { Need, Snapshot } from '../snapshot/model.js';
import type { IptablesRule } from '../snapshot/iptablesSave.js';
import { inNamespace } from '../snapshot/takeSnapshot.js';

export interface Cause {
  /** Blocks grading itself: the probes cannot even be aimed (they would be skipped, not failed). */
  blocking: boolean;
  /** The cause in the student's terms. */
  cause: string;
  /** The command (or option) that fixes it. */
  fix: string;
}

/** Where forwarding matters, and through which interfaces: the host's bridges, and each namespace that forwards. */
function forwarders(t: LessonTopology): { ns: string; ifaces: string[] }[] {
  const spaces = [...new Set([...(t.bridges.some((b) => b.ns === 'host') ? ['host'] : []), ...t.forwarding])];
  return spaces
    .map((ns) => {
      const bridges = t.bridges.filter((b) => b.ns === ns).map((b) => b.name);
      // Without a bridge, the links that carry the lessons' addresses there (a router's two legs).
      const legs = [...new Set(t.addresses.filter((a) => a.ns === ns && a.dev !== 'lo').map((a) => a.dev))];
      return { ns, ifaces: bridges.length ? bridges : legs };
    })
    .filter((f) => f.ifaces.length > 0);
}

/** What the diagnosis reads besides the checks' own needs. */
export function diagnosisNeeds(t: LessonTopology): Need[] {
  return [
    { ns: 'host', part: 'links' },
    { ns: 'host', part: 'routes' },
    ...['host', ...forwarders(t).map((f) => f.ns)].map((ns): Need => ({ ns, part: 'iptables' })),
  ];
}

/** The address a learner most likely means: the IPv4 address of the default route's device, else of another uplink. */
export function likelyHostAddress(s: Snapshot): string | null {
  const links = s.spaces.host?.links ?? [];
  const defaultDev = s.spaces.host?.routes?.find((r) => r.dst === 'default')?.dev;
  const ordered = [...links].sort((a, b) => Number(b.name === defaultDev) - Number(a.name === defaultDev));
  for (const l of ordered) {
    // Bridges and their ports belong to the containers; a container's own eth0 is often a veth, so keep those.
    if (l.name === 'lo' || l.type === 'bridge' || l.master) continue;
    const a = l.addresses.find((x) => x.family === 'inet' && !x.local.startsWith('127.'));
    if (a) return a.local;
  }
  return null;
}

/** `-i X` / `-o X` of a rule, null when absent; a negated one (`! -o X`) never equals an interface. */
function iface(r: IptablesRule, opt: '-i' | '-o'): string | null {
  const i = r.args.indexOf(opt);
  if (i < 0) return null;
  return r.args[i - 1] === '!' ? '!' : (r.args[i + 1] ?? null);
}

/** The FORWARD rules an interface still needs under a DROP policy: traffic from it, and to it (the replies). */
function missingAccepts(rules: readonly IptablesRule[], dev: string): string[] {
  const accepts = rules.filter((r) => r.chain === 'FORWARD' && r.args.at(-1) === 'ACCEPT' && r.args.at(-2) === '-j');
  const covers = (opt: '-i' | '-o'): boolean =>
    accepts.some((r) => iface(r, opt) === dev || (iface(r, '-i') === null && iface(r, '-o') === null));
  return (['-i', '-o'] as const)
    .filter((opt) => !covers(opt))
    .map((opt) => `iptables -I FORWARD ${opt} ${dev} -j ACCEPT`);
}

/** `hostIp`: the address the lessons publish ports on, as this target knows it (--var host_ip). */
export function diagnose(s: Snapshot, t: LessonTopology, hostIp: string): Cause[] {
  const causes: Cause[] = [];
  const host = s.spaces.host;
  if (!host) return causes;
  for (const { ns, ifaces } of forwarders(t)) {
    const filter = s.spaces[ns]?.iptables?.filter;
    if (filter?.policies.FORWARD !== 'DROP') continue;
    const missing = ifaces.flatMap((dev) => missingAccepts(filter.rules, dev));
    if (missing.length === 0) continue;
    const who = ns === 'host' ? 'the host' : `netns ${ns}`;
    causes.push({
      blocking: false,
      cause: `the FORWARD policy of ${who} is DROP (Docker and ufw set it so), and no rule lets ${ifaces.join(', ')} through, so ${who} forwards nothing for the lessons' networks`,
      fix: `${missing.map((m) => inNamespace(m, ns)).join('; ')}   (or: ${inNamespace('iptables -P FORWARD ACCEPT', ns)})`,
    });
  }
  // A subnet on one of the lessons' bridges, also routed elsewhere: replies leave by the other route. Only
  // once the bridge is there: before it (veths with addresses of their own) the routes are the lesson itself.
  for (const bridge of t.bridges.filter((b) => b.ns === 'host')) {
    if (!(host.links ?? []).some((l) => l.name === bridge.name)) continue;
    const nets = [
      ...new Set(
        t.addresses
          .filter((a) => a.ns === 'host' && a.dev === bridge.name)
          .map((a) => canonicalDst(`${a.address}/${a.prefix}`)),
      ),
    ];
    for (const net of nets) {
      const elsewhere = (host.routes ?? []).filter(
        (r) => canonicalDst(r.dst) === net && r.dev !== bridge.name && r.dev !== null,
      );
      if (elsewhere.length === 0) continue;
      causes.push({
        blocking: false,
        cause: `${net} is also routed via ${elsewhere.map((r) => r.dev).join(', ')}, not only via ${bridge.name} (another network, such as Docker's, or links left with addresses from earlier lessons)`,
        fix: elsewhere.map((r) => `ip route del ${net} dev ${r.dev}`).join('; '),
      });
    }
  }
  // Only where the lessons publish a port on the host's address: it must be this machine's.
  const local = (host.links ?? []).some((l) => l.addresses.some((a) => a.local === hostIp));
  if (host.links && !local && t.published.includes(hostIp)) {
    const guess = likelyHostAddress(s);
    causes.push({
      blocking: true,
      cause: `${hostIp} is not an address of this machine, so nothing published on it can be reached`,
      fix: guess
        ? `grade with --var host_ip=${guess} (this machine's address), or add ${hostIp} to an interface`
        : `grade with --var host_ip=<this machine's address>`,
    });
  }
  return causes;
}

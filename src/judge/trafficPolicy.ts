// Network safety for probes: where a target may send traffic. Pure, over a snapshot and the lessons' topology.
import { inCidr, networkOf, parseCidr } from '../core/ipv4.js';
import type { LessonTopology } from '../lesson/lessonTopology.js';
import type { Need, Snapshot } from '../snapshot/model.js';
import type { Target } from '../target/target.js';
import type { ProbeEnv } from '../../checks/types.js';

/** What the policy reads outside a lab: the links of the host, of the lessons' namespaces and of the outside. */
export function policyNeeds(target: Target, topology: LessonTopology): Need[] {
  if (target.spec.kind === 'lab') return [];
  const spaces = ['host', ...topology.namespaces, ...(target.hasOutside ? ['outside'] : [])];
  return spaces.map((ns): Need => ({ ns, part: 'links' }));
}

/**
 * In a lab every address is inside namespaces we created. Elsewhere (host, pid:) a probe may go to
 * loopback, to an address that a namespace of the target holds (its host, the lessons' namespaces, the
 * outside named with --outside), or into a subnet the lessons build, once a link of theirs carries that
 * subnet there: before that, a route could lead the probe off this machine.
 */
export function trafficPolicy(target: Target, snapshot: Snapshot, topology: LessonTopology): ProbeEnv['refuseTraffic'] {
  const noOutside = `${target.label} has no outside world to send from; name the namespace that plays it with --outside NETNS, or run it in a lab`;
  if (target.spec.kind === 'lab') return (_address, ns) => (ns === 'outside' && !target.hasOutside ? noOutside : null);
  const spaces = Object.entries(snapshot.spaces).filter(
    ([ns, s]) => s && (ns === 'host' || (ns === 'outside' && target.hasOutside) || topology.namespaces.includes(ns)),
  );
  const held = new Set(spaces.flatMap(([, s]) => (s!.links ?? []).flatMap((l) => l.addresses.map((a) => a.local))));
  const subnets = topology.subnets.map((s) => parseCidr(s)!);
  /** The networks the lessons' own links carry here, within the lessons' subnets. */
  const carried = spaces.flatMap(([ns, s]) =>
    (s!.links ?? [])
      .filter((l) => ns !== 'host' || topology.links.some((x) => x.ns === 'host' && x.name === l.name))
      .flatMap((l) => l.addresses.filter((a) => a.family === 'inet'))
      .map((a) => parseCidr(networkOf({ address: a.local, prefix: a.prefixlen }))!)
      .filter((net) => subnets.some((sub) => sub.prefix <= net.prefix && inCidr(net.address, sub))),
  );
  return (address, ns) => {
    if (ns === 'outside' && !target.hasOutside) return noOutside;
    if (address.startsWith('127.') || held.has(address)) return null;
    if (carried.some((net) => inCidr(address, net))) return null;
    const sub = topology.subnets.find((s) => inCidr(address, parseCidr(s)!));
    if (sub)
      return `${address} is in ${sub}, which the lessons build but no link of theirs carries in ${target.label} yet; not sending traffic where a route could lead it off this machine`;
    const own = topology.subnets.length ? ` nor in a subnet the lessons build (${topology.subnets.join(', ')})` : '';
    return `${address} is not an address of ${target.label}${own}; not sending traffic there (a lab, or --outside NETNS, has an outside world for this)`;
  };
}

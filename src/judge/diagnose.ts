// Causes that no single lesson check names but that break many at once: a Docker or ufw firewall, a
// subnet taken by another network, a host address that is not this machine's. Pure, over a snapshot.
import { canonicalDst } from '../../checks/route.js';
import type { Need, Snapshot } from '../snapshot/model.js';

export interface Cause {
  /** Blocks grading itself: the probes cannot even be aimed (they would be skipped, not failed). */
  blocking: boolean;
  /** The cause in the student's terms. */
  cause: string;
  /** The command (or option) that fixes it. */
  fix: string;
}

/** What the diagnosis reads besides the checks' own needs. */
export const DIAGNOSIS_NEEDS: Need[] = [
  { ns: 'host', part: 'links' },
  { ns: 'host', part: 'routes' },
  { ns: 'host', part: 'iptables' },
];

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

export function diagnose(s: Snapshot, hostIp: string): Cause[] {
  const causes: Cause[] = [];
  const host = s.spaces.host;
  if (!host) return causes;
  const filter = host.iptables?.filter;
  if (filter?.policies.FORWARD === 'DROP') {
    const accepts = filter.rules.some(
      (r) => r.chain === 'FORWARD' && r.args.join(' ').includes('br0') && r.args.includes('ACCEPT'),
    );
    if (!accepts) {
      causes.push({
        blocking: false,
        cause: 'the FORWARD policy is DROP (Docker and ufw set it so), so the host forwards nothing for the containers',
        fix: 'iptables -I FORWARD -i br0 -j ACCEPT; iptables -I FORWARD -o br0 -j ACCEPT   (or: iptables -P FORWARD ACCEPT)',
      });
    }
  }
  // Only once there is a bridge: before it (lessons 2 to 4) routes through veths are the lesson itself.
  const bridged = (host.links ?? []).some((l) => l.name === 'br0') || (host.routes ?? []).some((r) => r.dev === 'br0');
  const elsewhere = (host.routes ?? []).filter(
    (r) => canonicalDst(r.dst) === '172.18.0.0/16' && r.dev !== 'br0' && r.dev !== null,
  );
  if (bridged && elsewhere.length) {
    causes.push({
      blocking: false,
      cause: `172.18.0.0/16 is also routed via ${elsewhere.map((r) => r.dev).join(', ')} (a Docker network, or veths left with addresses from lessons 2 to 4)`,
      fix: elsewhere.map((r) => `ip route del 172.18.0.0/16 dev ${r.dev}`).join('; '),
    });
  }
  const local = (host.links ?? []).some((l) => l.addresses.some((a) => a.local === hostIp));
  if (host.links && !local) {
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

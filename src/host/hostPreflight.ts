// Before a lesson touches this machine: what here would collide with what the lessons create, or stop
// them from working, each with why it matters and what to do. What an earlier host run of ours made and
// recorded is no conflict: running twice works. Pure.
import { overlaps, parseCidr } from '../core/ipv4.js';
import type { Snapshot } from '../snapshot/model.js';
import type { Footprint } from '../lesson/chainFootprint.js';
import type { HostFacts } from './hostFacts.js';
import type { HostRecord } from './hostRecord.js';

export interface Conflict {
  found: string;
  why: string;
  fix: string;
}

const LAB = 'or practise in a lab (the default target), which has a network of its own';

/** Two prefixes written as text share an address; false when either is not a prefix. */
function overlapping(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== null && y !== null && overlaps(x, y);
}

export function hostConflicts(fp: Footprint, snapshot: Snapshot, facts: HostFacts, record: HostRecord): Conflict[] {
  const out: Conflict[] = [];
  const host = snapshot.spaces.host ?? {};
  const links = host.links ?? [];
  // Ours: recorded, and still the very link recorded (a namesake made since is not).
  const ours = new Set(
    record.links
      .filter((r) =>
        links.some(
          (l) => l.name === r.name && (r.ifindex === null || l.ifindex === undefined || l.ifindex === r.ifindex),
        ),
      )
      .map((r) => r.name),
  );

  for (const n of fp.netns) {
    if (!snapshot.netns.includes(n.name) || record.netns.includes(n.name)) continue;
    out.push({
      found: `a network namespace named ${n.name} already exists, and tsnet-learn did not create it`,
      why: `${n.lesson} creates it (\`${n.line}\`); the course deletes and recreates it on the way, and anything running in it would be lost`,
      fix: `if it is left over from an earlier try at the tutorial, remove it: stop what \`ip netns pids ${n.name}\` lists, then \`ip netns delete ${n.name}\`; if something else uses it, leave it and practise in a lab (the default target)`,
    });
  }

  for (const l of fp.links) {
    const found = links.find((x) => x.name === l.name);
    if (!found || ours.has(l.name)) continue;
    out.push({
      found: `a link named ${l.name} already exists${found.type ? ` (${found.type})` : ''}, and tsnet-learn did not create it`,
      why: `${l.lesson} creates it (\`${l.line}\`), which fails with "File exists"; and the course deletes links of that name on the way`,
      fix: `if it is left over from an earlier try at the tutorial, delete it: \`ip link delete ${l.name}\`; if it is yours, keep it and practise in a lab (the default target)`,
    });
  }

  for (const subnet of fp.subnets) {
    const foreign = new Map<string, { what: string; undo: string }>();
    for (const r of host.routes ?? []) {
      if (r.dst === 'default' || !overlapping(r.dst, subnet) || (r.dev !== null && ours.has(r.dev))) continue;
      const route = `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}`;
      foreign.set(r.dev ?? r.dst, { what: `route ${route}`, undo: `ip route del ${route}` });
    }
    for (const l of links) {
      if (ours.has(l.name) || foreign.has(l.name)) continue;
      const a = l.addresses.find((x) => x.family === 'inet' && overlapping(`${x.local}/32`, subnet));
      if (a)
        foreign.set(l.name, {
          what: `address ${a.local}/${a.prefixlen} on ${l.name}`,
          undo: `ip addr del ${a.local}/${a.prefixlen} dev ${l.name}`,
        });
    }
    for (const [dev, { what, undo }] of foreign) {
      out.push({
        found: `${subnet} is already in use here: ${what}`,
        why: `the lessons give the containers addresses in ${subnet} and route it through their own bridge; with a second route the host sends their traffic the wrong way (lesson 4 shows what that does)`,
        fix: `if it is a Docker network, remove it (\`docker network ls\`, then \`docker network rm NAME\`); if it is a leftover, remove it (\`${undo}\`${links.some((l) => l.name === dev) ? ` or \`ip link delete ${dev}\`` : ''}); ${LAB}`,
      });
    }
  }

  const forward = host.iptables?.filter?.policies.FORWARD;
  const policyIsOurs = record.policies.some((p) => p.table === 'filter' && p.chain === 'FORWARD');
  if (forward && forward !== 'ACCEPT' && !policyIsOurs) {
    const rules = host.iptables?.filter?.rules.filter((r) => r.chain === 'FORWARD' && r.args.includes('ACCEPT')) ?? [];
    const accepted =
      fp.bridges.length > 0 &&
      fp.bridges.every(
        (b) =>
          rules.some((r) => r.args.join(' ').includes(`-i ${b}`)) &&
          rules.some((r) => r.args.join(' ').includes(`-o ${b}`)),
      );
    if (!accepted) {
      const br = fp.bridges[0] ?? 'BRIDGE';
      out.push({
        found: `the iptables FORWARD policy is ${forward} (Docker and ufw set it so)`,
        why: `forwarded packets are dropped: the containers cannot reach the outside world, and with br_netfilter not even each other across the bridge; the checks on this machine cannot see it, since its outside world is not probed`,
        fix: `let the bridge through first: \`iptables -I FORWARD -i ${br} -j ACCEPT\` and \`iptables -I FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\` (they stay yours: reset leaves rules it did not add); or \`iptables -P FORWARD ACCEPT\` if nothing here relies on DROP; ${LAB}`,
      });
    }
  }

  if (facts.other) {
    const rules = Object.values(facts.other.tables).flatMap((t) =>
      t.rules.map((r) => `${t.name === 'filter' ? '' : `-t ${t.name} `}${r.line}`),
    );
    const policies = Object.values(facts.other.tables).flatMap((t) =>
      Object.entries(t.policies)
        .filter(([, p]) => p !== 'ACCEPT')
        .map(([c, p]) => `${t.name} ${c} policy ${p}`),
    );
    if (rules.length + policies.length > 0) {
      const cmd = facts.other.backend === 'legacy' ? 'iptables-legacy' : 'iptables-nft';
      out.push({
        found: `iptables here is ${facts.backend}, but ${cmd} also holds ${rules.length} rule${rules.length === 1 ? '' : 's'}${policies.length ? ` and ${policies.join(', ')}` : ''}${rules[0] ? ` (first: \`${rules[0]}\`)` : ''}`,
        why: `the kernel applies both sets, but \`iptables\`, and so the lessons and their checks, only sees the ${facts.backend} one: a ${facts.other.backend} rule can drop the containers' traffic where nothing looks`,
        fix: `use one backend: if the ${facts.other.backend} rules are leftovers, remove them (\`${cmd}-save\` lists them, \`${cmd} -t TABLE -F\` flushes a table); if they are the firewall you rely on, make \`iptables\` that backend (\`update-alternatives --config iptables\`); ${LAB}`,
      });
    }
  }

  if (facts.netnsError) {
    out.push({
      found: `this machine cannot create network namespaces (${facts.netnsError})`,
      why: 'every lesson puts its containers in network namespaces',
      fix: 'run as real root on a kernel with network namespaces (CONFIG_NET_NS); inside a container, give it CAP_SYS_ADMIN or run tsnet-learn on the machine itself',
    });
  }
  for (const m of facts.missing) {
    const module = /veth/.test(m.probe.line)
      ? 'veth'
      : /type bridge/.test(m.probe.line)
        ? 'bridge'
        : /-j (DNAT|MASQUERADE|SNAT)/.test(m.probe.line)
          ? facts.backend === 'legacy'
            ? 'iptable_nat'
            : 'nft_chain_nat'
          : null;
    out.push({
      found: `this kernel cannot do ${m.probe.feature}: \`${m.probe.line}\` fails in a scratch namespace (${m.error})`,
      why: 'the lessons need it, and would fail half-way through',
      fix: module
        ? `load the module (\`modprobe ${module}\`) or use a kernel that has it; labs need it too`
        : 'use a kernel (or a machine, not a container) that has it',
    });
  }
  return out;
}

/** The conflicts as the text a user reads: what was found, why it matters, what to do. */
export function formatConflicts(conflicts: readonly Conflict[]): string {
  return conflicts
    .map((c, i) => `${i + 1}. Found: ${c.found}.\n   Why it matters: ${c.why}.\n   What to do: ${c.fix}.`)
    .join('\n');
}

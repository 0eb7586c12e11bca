// For a check that holds, the shell line that breaks exactly what it claims, and the line that mends it
// (null where only re-running the lesson can). Used to show that every lasting check fails, naming
// itself and its hint, when its one thing is broken. Pure.
import type { CheckDecl } from '../../src/lesson/lesson.js';
import { inNamespace } from '../../src/snapshot/takeSnapshot.js';
import { shellQuote } from '../../src/core/shellQuote.js';

export interface Breaker {
  /** Run in the lab's host namespace (bash). */
  breakLine: string;
  /** Undoes it; null: run the lesson again. */
  mendLine: string | null;
}

type Args = Record<string, unknown>;
const str = (a: Args, k: string): string => String(a[k]);
const KEEP = '/run/tsnet/broken';

/** `line` in namespace `ns` through bash, so it may hold redirections and loops. */
const bashIn = (ns: string, line: string): string => inNamespace(`bash -c ${shellQuote(line)}`, ns);

/**
 * Taking a link down or an address away drops the routes through it (a default route too): they are
 * saved first, and the mend puts the table back in its saved order, which decides between two routes
 * for one prefix (lesson 4). Twice: a route via a gateway needs the route to that gateway first.
 */
function keepingRoutes(ns: string, breakLine: string, undoLine: string): Breaker {
  const file = `${KEEP}/routes-${ns}`;
  const each = (cmd: string): string =>
    `sed 's/ linkdown//' ${file} | while read -r r; do ip route ${cmd} $r 2>/dev/null; done`;
  return {
    breakLine: bashIn(ns, `mkdir -p ${KEEP}; ip route show > ${file}; ${breakLine}`),
    mendLine: bashIn(ns, `${undoLine}; ${each('del')}; ${each('append')}; ${each('append')}; true`),
  };
}

/** Traffic from `from` matching `match` (on the original destination, so also through DNAT) is rejected. */
function blockTraffic(from: string, match: string): Breaker {
  const rule = `OUTPUT ${match} -j REJECT`;
  return { breakLine: inNamespace(`iptables -I ${rule}`, from), mendLine: inNamespace(`iptables -D ${rule}`, from) };
}

export function breakerFor(decl: CheckDecl): Breaker | null {
  const a = decl.args;
  if (a.absent || a.fails) return null;
  const ns = typeof a.ns === 'string' ? a.ns : 'host';
  switch (decl.kind) {
    case 'netns': {
      // The name goes; a bind mount keeps the namespace itself, with everything in it, to put back.
      const name = str(a, 'name');
      return {
        breakLine: `mkdir -p ${KEEP} && touch ${KEEP}/${name} && mount --bind /run/netns/${name} ${KEEP}/${name} && ip netns delete ${name}`,
        mendLine: `touch /run/netns/${name} && mount --bind ${KEEP}/${name} /run/netns/${name} && umount ${KEEP}/${name} && rm ${KEEP}/${name}`,
      };
    }
    case 'link': {
      const name = str(a, 'name');
      if (a.state === 'up') return keepingRoutes(ns, `ip link set ${name} down`, `ip link set ${name} up`);
      if (typeof a.master === 'string' && a.master)
        return {
          breakLine: inNamespace(`ip link set ${name} nomaster`, ns),
          mendLine: inNamespace(`ip link set ${name} master ${a.master}`, ns),
        };
      // A veth in a netns goes back to the host (pid 1 is the lab's init): not there, but not gone.
      if (ns !== 'host') return { breakLine: inNamespace(`ip link set ${name} netns 1`, ns), mendLine: null };
      return { breakLine: `ip link delete ${name}`, mendLine: null };
    }
    case 'addr': {
      const addr = `${str(a, 'address')}/${str(a, 'prefix')} dev ${str(a, 'dev')}`;
      return keepingRoutes(ns, `ip addr del ${addr}`, `ip addr add ${addr}`);
    }
    case 'route': {
      // "Exactly N routes": one more breaks that claim and no other.
      if (typeof a.count === 'number') {
        const extra = `${str(a, 'dst')} via 172.16.0.1 dev eth0 metric 77`;
        return {
          breakLine: inNamespace(`ip route append ${extra}`, ns),
          mendLine: inNamespace(`ip route del ${extra}`, ns),
        };
      }
      return keepingRoutes(ns, `ip route del ${str(a, 'dst')}${a.dev ? ` dev ${str(a, 'dev')}` : ''}`, 'true');
    }
    case 'sysctl': {
      const file = `/proc/sys/${str(a, 'key').replace(/\./g, '/')}`;
      return {
        breakLine: bashIn(ns, `echo ${str(a, 'value') === '1' ? 0 : 1} > ${file}`),
        mendLine: bashIn(ns, `echo ${str(a, 'value')} > ${file}`),
      };
    }
    case 'rule': {
      const spec = `${str(a, 'chain')} ${(a.spec as string[]).map(shellQuote).join(' ')}`;
      return {
        breakLine: inNamespace(`iptables -t ${str(a, 'table')} -D ${spec}`, ns),
        mendLine: inNamespace(`iptables -t ${str(a, 'table')} -A ${spec}`, ns),
      };
    }
    case 'listening':
      return {
        breakLine: bashIn(
          ns,
          `kill $(ss -Hlnp${a.proto === 'udp' ? 'u' : 't'} 'sport = :${str(a, 'port')}' | grep -o 'pid=[0-9]*' | cut -d= -f2)`,
        ),
        mendLine: null,
      };
    case 'ping':
      return blockTraffic(str(a, 'from'), `-p icmp -m conntrack --ctorigdst ${str(a, 'address')}`);
    case 'http': {
      const url = new URL(str(a, 'url'));
      return blockTraffic(
        str(a, 'from'),
        `-p tcp -m conntrack --ctorigdst ${url.hostname} --ctorigdstport ${url.port || '80'}`,
      );
    }
    default:
      return null;
  }
}

// What a step's commands can change, namespace by namespace: what "what changed" must read again after
// the step. Each process read costs milliseconds, so a step that only adds a route does not re-read every
// firewall. Commands we do not understand fall back to reading all of every namespace they name. Pure:
// read from each simple command of the line's model, past its wrappers.
import { ipArgs, programOf, type SimpleCommand } from '../core/commandLine.js';
import type { Need, Part } from '../snapshot/model.js';
import { namespaceOf, sysctlsWritten } from '../lesson/chainFootprint.js';
import { afterPipe, isServer, observes } from '../lesson/classifyCommand.js';
import { WATCHED_SYSCTLS } from '../snapshot/fullSnapshot.js';
import type { Command } from '../lesson/lesson.js';

const ALL_PARTS: readonly Part[] = ['links', 'routes', 'iptables', 'listening', 'sysctl'];
const FIREWALLS = new Set([
  'iptables',
  'ip6tables',
  'iptables-legacy',
  'iptables-nft',
  'iptables-restore',
  'ip6tables-restore',
  'nft',
  'ebtables',
]);
// `ip` objects whose changes show in links (addresses included) and routes only.
const IP_LOCAL = new Set(['addr', 'address', 'a', 'route', 'r', 'ro', 'rule', 'ru', 'neigh', 'n', 'maddr']);

export interface Touched {
  /** Parts to read again, per namespace (`host` or a netns name). */
  parts: Map<string, Set<Part>>;
  /** The netns list may have changed (`ip netns add|delete`, or a command we do not understand). */
  netnsList: boolean;
}

/** Needs that read what was touched (sysctls: the watched ones). Pure. */
export function touchedNeeds(t: Touched): Need[] {
  const needs: Need[] = t.netnsList ? [{ ns: 'host', part: 'netns' }] : [];
  for (const [ns, parts] of t.parts) {
    for (const part of parts) {
      if (part === 'sysctl') needs.push(...WATCHED_SYSCTLS.map((key): Need => ({ ns, part, key })));
      else needs.push({ ns, part });
    }
  }
  return needs;
}

/**
 * What the run lines of a step can change. `known` are the netns that exist before the step: a link
 * deleted or moved may take its veth peer from any of them, so those reads cover every one.
 */
export function partsTouched(commands: readonly Command[], known: readonly string[]): Touched {
  const parts = new Map<string, Set<Part>>();
  let netnsList = false;
  const touch = (ns: string, ...ps: Part[]): void => {
    const set = parts.get(ns) ?? new Set<Part>();
    for (const p of ps) set.add(p);
    parts.set(ns, set);
  };
  const everywhere = (...ps: Part[]): void => {
    for (const ns of ['host', ...known]) touch(ns, ...ps);
  };

  /** Anything we do not model (a script, `sh -c`): all of every namespace it may reach, and the list. */
  const unknown = (c: SimpleCommand, ns: string | null): void => {
    netnsList = true;
    touch('host', ...ALL_PARTS);
    if (ns) touch(ns, ...ALL_PARTS);
    for (const word of [...c.words, ...c.redirects.map((r) => r.target)]) {
      for (const w of word.text.split(/[\s=;|&()'"]+/)) {
        const m = /^\/run\/netns\/([\w.-]+)$/.exec(w);
        if (m) touch(m[1]!, ...ALL_PARTS);
        else if (known.includes(w)) touch(w, ...ALL_PARTS);
      }
    }
  };

  for (const command of commands) {
    if (command.role !== 'run') continue;
    const all = command.parsed.commands;
    all.forEach((c, i) => {
      // A namespace entered by pid or by a file we cannot name is read as unknown.
      const ns = namespaceOf(command, c);
      let last = i;
      while (last < all.length - 1 && (all[last]!.then === '|' || all[last]!.then === '|&')) last++;
      if (isServer(c) || all[last]!.then === '&') {
        if (ns) touch(ns, 'listening');
        else unknown(c, ns);
        return;
      }
      if (observes(c, afterPipe(all, i))) return;
      if (ns === null) return unknown(c, ns);
      const head = programOf(c);
      if (head === 'ip') {
        const words = c.argv.map((w) => w.text);
        const [object, sub, name] = ipArgs(c.argv)
          .map((w) => w.text)
          .filter((w) => !w.startsWith('-'));
        if (object === 'netns') {
          netnsList = true;
          // A new netns is read whole (links and routes; its empty firewall and sockets are the kernel's defaults).
          if (sub === 'add' && name) touch(name, 'links', 'routes');
          // Deleting one destroys its veths, and so their peers wherever they are.
          else everywhere('links', 'routes');
          return;
        }
        if (object && IP_LOCAL.has(object)) {
          touch(ns, 'links', 'routes');
          return;
        }
        // `ip link …`: an added veth's peer may be placed in another netns, a moved link lands in one,
        // a deleted veth takes its peer along: every namespace's links and routes are read again.
        everywhere('links', 'routes');
        touch(ns, 'links', 'routes');
        words.forEach((w, j) => {
          if ((words[j - 1] === 'netns' && !/^\d+$/.test(w)) || known.includes(w) || /^\/run\/netns\//.test(w))
            touch(w.replace(/^\/run\/netns\//, ''), 'links', 'routes');
        });
        return;
      }
      if (FIREWALLS.has(head)) return touch(ns, 'iptables');
      // Any key: some write others (conf/all/forwarding sets ip_forward). The watched ones are read again.
      if (sysctlsWritten(c).length) return touch(ns, 'sysctl');
      unknown(c, ns);
    });
  }
  return { parts, netnsList };
}

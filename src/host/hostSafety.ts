// Network safety in host mode: a lesson's own ping and curl lines may only reach the subnets the
// lessons build, loopback or this machine's addresses. Pure: the caller supplies the local addresses.
import { inCidr, parseCidr, parseIPv4 } from '../core/ipv4.js';
import type { Lesson } from '../lesson/lesson.js';
import { lessonTopology } from '../lesson/lessonTopology.js';

/** The IPv4 destinations a ping or curl line sends traffic to. */
export function destinationsOf(line: string): string[] {
  const words = line
    .replace(/^nsenter\s+(?:-\S+\s+)*/, '')
    .replace(/^ip\s+netns\s+exec\s+\S+\s+/, '')
    .split(/\s+/);
  const head = words[0];
  if (head !== 'ping' && head !== 'curl') return [];
  return words
    .slice(1)
    .filter((w) => !w.startsWith('-'))
    .map((w) => w.replace(/^[a-z]+:\/\//, '').replace(/[:/].*$/, ''))
    .filter((w) => parseIPv4(w) !== null);
}

/** Lines of the chain that would send traffic off this machine, with the address. */
export function unsafeTraffic(
  chain: readonly Lesson[],
  localAddresses: ReadonlySet<string>,
): { lesson: string; line: string; address: string }[] {
  const out: { lesson: string; line: string; address: string }[] = [];
  const own = lessonTopology(chain).subnets.map((s) => parseCidr(s)!);
  for (const lesson of chain) {
    for (const step of lesson.steps) {
      for (const c of step.commands) {
        for (const address of destinationsOf(c.line)) {
          if (!own.some((s) => inCidr(address, s)) && !address.startsWith('127.') && !localAddresses.has(address))
            out.push({ lesson: lesson.id, line: c.line, address });
        }
      }
    }
  }
  return out;
}

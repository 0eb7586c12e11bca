// Network safety in host mode: a lesson's own ping and curl lines may only reach the subnets the
// lessons build, loopback or this machine's addresses. Pure: the caller supplies the local addresses.
import { type CommandLine, programOf } from '../core/commandLine.js';
import { inCidr, parseCidr, parseIPv4 } from '../core/ipv4.js';
import type { Lesson } from '../lesson/lesson.js';
import { lessonTopology } from '../lesson/lessonTopology.js';

/** The IPv4 destinations the ping and curl commands of a line send traffic to, past any wrapper. */
export function destinationsOf(line: CommandLine): string[] {
  return line.commands.flatMap((c) => {
    if (!['ping', 'curl'].includes(programOf(c))) return [];
    return c.argv
      .slice(1)
      .map((w) => w.text)
      .filter((w) => !w.startsWith('-'))
      .map((w) => w.replace(/^[a-z]+:\/\//, '').replace(/[:/].*$/, ''))
      .filter((w) => parseIPv4(w) !== null);
  });
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
        for (const address of destinationsOf(c.parsed)) {
          if (!own.some((s) => inCidr(address, s)) && !address.startsWith('127.') && !localAddresses.has(address))
            out.push({ lesson: lesson.id, line: c.line, address });
        }
      }
    }
  }
  return out;
}

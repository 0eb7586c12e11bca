// What a lesson's shell line does: open or close a context, run in the background, only observe. Pure:
// judged on the line's model (src/core/commandLine.ts), never on its text.
import { type CommandLine, ipArgs, programOf, type SimpleCommand } from '../core/commandLine.js';

export interface LineClass {
  role: 'run' | 'open-context' | 'close-context';
  /** For open-context: the netns entered. */
  netns: string | null;
  background: { port: number | null } | null;
  observes: boolean;
}

const SHELLS = new Set(['bash', 'sh']);
/** Wrappers a context may be opened with. */
const ENTERING = new Set(['nsenter', 'ip netns exec']);

/** `nsenter … --net=/run/netns/X bash` or `ip netns exec X bash`, with nothing after the shell. */
export function contextOpened(line: CommandLine): string | null {
  const [c, ...more] = line.commands;
  if (!c || more.length || line.compound || c.then !== null || c.redirects.length || c.assignments.length) return null;
  if (!c.wrappers.length || !c.wrappers.every((w) => ENTERING.has(w.name))) return null;
  if (c.argv.length !== 1 || !SHELLS.has(c.argv[0]!.text)) return null;
  if (c.netns?.kind === 'named') return c.netns.name;
  return c.netns?.kind === 'path' ? c.netns.path : null;
}

/** `python3 -m http.server …`: a server that never returns. */
export function isServer(c: SimpleCommand): boolean {
  return /^python3?$/.test(programOf(c)) && c.argv[1]?.text === '-m' && c.argv[2]?.text === 'http.server';
}

/** The port a background server will listen on, when we know how to tell. */
export function backgroundOf(line: CommandLine): { port: number | null } | null {
  const server = line.commands.find(isServer);
  if (server) {
    let port: number | null = null;
    const args = server.argv.slice(3).map((w) => w.text);
    for (let i = 0; i < args.length; i++) {
      const t = args[i]!;
      if (['-b', '--bind', '-d', '--directory', '-p', '--protocol'].includes(t)) {
        i++;
        continue;
      }
      if (/^\d+$/.test(t)) port = Number(t);
    }
    return { port: port ?? 8000 };
  }
  if (line.commands.at(-1)?.then === '&') return { port: null };
  return null;
}

const READ_SUBCOMMANDS = new Set(['show', 'list', 'ls', 'lst', 'get', 'pids', 'identify']);
const IP_OBJECTS = new Set([
  'netns',
  'link',
  'l',
  'addr',
  'address',
  'a',
  'route',
  'r',
  'ro',
  'neigh',
  'n',
  'rule',
  'ru',
  'maddr',
]);
const READERS = new Set([
  'ping',
  'curl',
  'cat',
  'ss',
  'netstat',
  'iptables-save',
  'ip6tables-save',
  'true',
  'echo',
  'printf',
]);
/** What may read another command's output in a pipeline without changing anything. */
const FILTERS = new Set(['grep', 'egrep', 'fgrep', 'head', 'tail', 'sort', 'uniq', 'wc', 'cut', 'tr', 'column', 'cat']);
/** Redirections that write a file (`2>&1` and `>&2` only join streams). */
const WRITES = new Set(['>', '>>', '>|', '<>', '&>', '&>>']);

/** One simple command that only reads state: `ip … show/list`, ping, curl, iptables listing, cat, ss, echo. */
export function observes(c: SimpleCommand, afterPipe = false): boolean {
  if (c.redirects.some((r) => WRITES.has(r.op) || (r.op === '>&' && !/^(\d+|-)$/.test(r.target.text)))) return false;
  const words = c.argv.map((w) => w.text);
  const head = words[0] ?? '';
  if (READERS.has(head) || (afterPipe && FILTERS.has(head))) return true;
  if (head === 'iptables')
    return words.some((w) => ['--list', '--list-rules', '--check'].includes(w) || /^-[A-Za-z]*[LSC]/.test(w));
  if (head === 'bridge') return words.includes('show') || words.length <= 2;
  if (head === 'ip') {
    const [object, sub] = ipArgs(c.argv)
      .map((w) => w.text)
      .filter((w) => !w.startsWith('-'));
    if (!object || !IP_OBJECTS.has(object)) return false;
    return sub === undefined || READ_SUBCOMMANDS.has(sub) || (object !== 'netns' && sub === 'dev');
  }
  return false;
}

/** Whether the i-th command reads the output of the one before it. */
export function afterPipe(commands: readonly SimpleCommand[], i: number): boolean {
  const then = commands[i - 1]?.then;
  return then === '|' || then === '|&';
}

/** True for lines whose every command only reads state (a pipeline may end in grep, head, …). */
export function observesOnly(line: CommandLine): boolean {
  if (line.compound || line.commands.length === 0) return false;
  return line.commands.every((c, i) => observes(c, afterPipe(line.commands, i)));
}

/** `exit` or `exit N`, alone on its line. */
function closesContext(line: CommandLine): boolean {
  const [c, ...more] = line.commands;
  if (!c || more.length || line.compound || c.redirects.length || c.then !== null) return false;
  const [head, code, ...rest] = c.words.map((w) => w.text);
  return head === 'exit' && (code === undefined || /^\d+$/.test(code)) && rest.length === 0;
}

export function classifyLine(line: CommandLine): LineClass {
  if (closesContext(line)) return { role: 'close-context', netns: null, background: null, observes: true };
  const netns = contextOpened(line);
  if (netns) return { role: 'open-context', netns, background: null, observes: true };
  return { role: 'run', netns: null, background: backgroundOf(line), observes: observesOnly(line) };
}

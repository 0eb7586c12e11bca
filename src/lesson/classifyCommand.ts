// What a lesson's shell line does: open or close a context, run in the background, only observe. Pure.

export interface LineClass {
  role: 'run' | 'open-context' | 'close-context';
  /** For open-context: the netns entered. */
  netns: string | null;
  background: { port: number | null } | null;
  observes: boolean;
}

const SHELLS = '(?:bash|sh)';

/** `nsenter … --net=/run/netns/X bash` or `ip netns exec X bash`, with nothing after the shell. */
export function contextOpened(line: string): string | null {
  const ns = new RegExp(`^nsenter\\s+(?:\\S+\\s+)*?(?:--net=|--net\\s+|-n\\s*)(\\S+)(?:\\s+-\\S+)*\\s+${SHELLS}$`).exec(
    line,
  );
  if (ns) return netnsFromPath(ns[1]!);
  const exec = new RegExp(`^ip\\s+netns\\s+exec\\s+(\\S+)\\s+${SHELLS}$`).exec(line);
  return exec ? exec[1]! : null;
}

function netnsFromPath(path: string): string {
  const m = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(path);
  return m ? m[1]! : path;
}

/** The port a background server will listen on, when we know how to tell. */
export function backgroundOf(line: string): { port: number | null } | null {
  const http = /\bpython3?\s+-m\s+http\.server\b(.*)$/.exec(line);
  if (http) {
    const tokens = http[1]!.trim().split(/\s+/).filter(Boolean);
    let port: number | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (['-b', '--bind', '-d', '--directory', '-p', '--protocol'].includes(t)) {
        i++;
        continue;
      }
      if (/^\d+$/.test(t)) port = Number(t);
    }
    return { port: port ?? 8000 };
  }
  if (/[^&]&\s*$/.test(line)) return { port: null };
  return null;
}

/** Strip wrappers that only choose where a command runs. */
function innerCommand(line: string): string {
  return unwrapCommand(line).inner;
}

/**
 * The command without the wrappers that choose where it runs, and the netns they name (the last one
 * wins; null when none names a netns by path or name, e.g. `nsenter -t PID`).
 */
export function unwrapCommand(line: string): { netns: string | null; inner: string } {
  const nsenter = /^nsenter\s+(?:-\S+\s+)*?(?:--net=(\S+)|--net\s+(\S+)|-n(\S*)|-t\s+\d+)(?:\s+-\S+)*\s+(.*)$/.exec(
    line,
  );
  if (nsenter) {
    const path = nsenter[1] ?? nsenter[2] ?? (nsenter[3] || undefined);
    const rest = unwrapCommand(nsenter[4]!);
    return { netns: rest.netns ?? (path ? netnsFromPath(path) : null), inner: rest.inner };
  }
  const exec = /^ip\s+netns\s+exec\s+(\S+)\s+(.*)$/.exec(line);
  if (exec) {
    const rest = unwrapCommand(exec[2]!);
    return { netns: rest.netns ?? exec[1]!, inner: rest.inner };
  }
  return { netns: null, inner: line };
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

/** True for lines that only read state: `ip … show/list`, ping, curl, iptables listing, cat, ss. */
export function observesOnly(line: string): boolean {
  const cmd = innerCommand(line.trim());
  if (/[^>]>[^&]|>>/.test(cmd.replace(/2>&1/g, ''))) return false; // writes a file
  const words = cmd.split(/\s+/);
  const head = words[0] ?? '';
  if (['ping', 'curl', 'cat', 'ss', 'netstat', 'iptables-save', 'ip6tables-save', 'true'].includes(head)) return true;
  if (head === 'iptables')
    return words.some((w) => ['--list', '--list-rules', '--check'].includes(w) || /^-[A-Za-z]*[LSC]/.test(w));
  if (head === 'bridge') return words.includes('show') || words.length <= 2;
  if (head === 'ip') {
    const rest = words
      .slice(1)
      .filter((w, i, all) => !w.startsWith('-') && !(i > 0 && ['-n', '-netns'].includes(all[i - 1]!)));
    const [object, sub] = rest;
    if (!object || !IP_OBJECTS.has(object)) return false;
    return sub === undefined || READ_SUBCOMMANDS.has(sub) || (object !== 'netns' && sub === 'dev');
  }
  return false;
}

export function classifyLine(line: string): LineClass {
  const trimmed = line.trim();
  if (/^exit(\s+\d+)?$/.test(trimmed)) return { role: 'close-context', netns: null, background: null, observes: true };
  const netns = contextOpened(trimmed);
  if (netns) return { role: 'open-context', netns, background: null, observes: true };
  return { role: 'run', netns: null, background: backgroundOf(trimmed), observes: observesOnly(trimmed) };
}

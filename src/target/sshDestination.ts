// A student's machine reached with the system's OpenSSH client: `ssh://[user@]host[:port]` or `ssh:ALIAS`
// (a Host of ssh's config). Parsed strictly: these values become ssh's arguments, never shell text. Pure.
import { UserError } from '../core/errors.js';
import { parseIPv4 } from '../core/ipv4.js';

export type SshDestination =
  | { form: 'url'; user: string | null; host: string; port: number | null }
  | { form: 'alias'; alias: string };

/** A user name as `useradd` takes it: no `-` first (it would be read as an option), no shell metacharacters. */
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;
/** A DNS name of letters, digits and inner hyphens, or a dotted quad. */
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** A `Host` pattern's plain name in ssh's config. */
const ALIAS = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}$/;
const IPV6 = /^\[([0-9A-Fa-f:.]{2,45})\]$/;

const HELP =
  'An ssh target is ssh://[user@]host[:port] (host: a name, an IPv4 address or [IPv6]) or ssh:ALIAS (a Host in your ssh config).';

function invalid(text: string, why: string): UserError {
  return new UserError(`Invalid ssh target ${JSON.stringify(text)}: ${why}.`, HELP);
}

/** `ssh://…` or `ssh:ALIAS` → the destination; anything that is not exactly that is refused. Pure. */
export function parseSshDestination(text: string): SshDestination {
  if (text.startsWith('ssh://')) {
    const rest = text.slice('ssh://'.length).replace(/\/$/, '');
    const at = rest.lastIndexOf('@');
    const user = at < 0 ? null : rest.slice(0, at);
    const hostPort = at < 0 ? rest : rest.slice(at + 1);
    if (user !== null && !USER.test(user)) throw invalid(text, `${JSON.stringify(user)} is not a user name`);
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(hostPort);
    if (!m) throw invalid(text, 'expected host or host:port after the user');
    const host = m[1]!;
    const v6 = IPV6.exec(host);
    if (!v6 && !HOSTNAME.test(host)) throw invalid(text, `${JSON.stringify(host)} is not a host name or address`);
    if (/^[\d.]+$/.test(host) && parseIPv4(host) === null)
      throw invalid(text, `${JSON.stringify(host)} is not an IPv4 address`);
    const port = m[2] === undefined ? null : Number(m[2]);
    if (port !== null && (port < 1 || port > 65535)) throw invalid(text, `port ${port} is not between 1 and 65535`);
    return { form: 'url', user, host: v6 ? v6[1]! : host, port };
  }
  if (text.startsWith('ssh:')) {
    const alias = text.slice('ssh:'.length);
    if (!ALIAS.test(alias)) throw invalid(text, `${JSON.stringify(alias)} is not a Host name of ssh's config`);
    return { form: 'alias', alias };
  }
  throw invalid(text, 'it starts with neither ssh:// nor ssh:');
}

export function formatSshDestination(d: SshDestination): string {
  if (d.form === 'alias') return `ssh:${d.alias}`;
  const host = d.host.includes(':') ? `[${d.host}]` : d.host;
  return `ssh://${d.user ? `${d.user}@` : ''}${host}${d.port === null ? '' : `:${d.port}`}`;
}

/** What the teacher passes through to ssh: `--ssh-config FILE` and `--ssh-option KEY=VALUE`. */
export interface SshOptions {
  configFile: string | null;
  /** `KEY=VALUE` pairs, given to ssh as `-o KEY=VALUE`. */
  options: string[];
  /** Run the grading script as root with `sudo -n` (login as an ordinary user). */
  sudo: boolean;
  /** ssh's ConnectTimeout, in seconds. */
  connectTimeoutS: number;
}

/** `KEY=VALUE` for `-o`; prompting is never allowed back (a prompt would hang a whole class). Pure. */
export function parseSshOption(text: string): string {
  const m = /^([A-Za-z][A-Za-z0-9]*)[= ](.*)$/s.exec(text);
  if (!m || m[2]!.trim() === '' || /[\n\r\0]/.test(m[2]!))
    throw new UserError(
      `Invalid --ssh-option ${JSON.stringify(text)}.`,
      'It is KEY=VALUE, as ssh -o takes it: --ssh-option StrictHostKeyChecking=accept-new',
    );
  if (m[1]!.toLowerCase() === 'batchmode')
    throw new UserError(
      '--ssh-option BatchMode cannot be changed: grading never waits for a password or a question.',
      'Log in with a key (ssh-copy-id), and accept host keys beforehand or with StrictHostKeyChecking=accept-new.',
    );
  return `${m[1]}=${m[2]}`;
}

/** The PATH of the grading shell on the student's machine: ip, iptables and nsenter live in sbin. */
const REMOTE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The words of `ssh … HOST COMMAND`, up to the program that the shell runner appends (`bash --noprofile
 * --norc`). The remote command is constant text: no value of the roster or the target reaches a shell there.
 * Options given first win in ssh, so BatchMode comes first and the teacher's options come before our defaults. Pure.
 */
export function sshArgv(d: SshDestination, o: SshOptions): string[] {
  const argv = ['ssh', '-T', '-o', 'BatchMode=yes'];
  if (o.configFile !== null) argv.push('-F', o.configFile);
  for (const opt of o.options) argv.push('-o', opt);
  argv.push('-o', `ConnectTimeout=${o.connectTimeoutS}`, '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3');
  if (d.form === 'url') {
    if (d.port !== null) argv.push('-p', String(d.port));
    if (d.user !== null) argv.push('-l', d.user);
  }
  argv.push('--', d.form === 'url' ? d.host : d.alias);
  // Parsed by the login shell there: `umask` and `exec` are understood by sh, bash, zsh, csh and fish alike.
  argv.push('umask 077;', 'exec', ...(o.sudo ? ['sudo', '-n', '--'] : []), 'env', 'LC_ALL=C', 'LANG=C');
  argv.push(`PATH=${REMOTE_PATH}`);
  return argv;
}

/** `ssh -G …`: what ssh resolves for this destination (HostName, User, Port, proxies), without connecting. Pure. */
export function sshConfigArgv(d: SshDestination, o: SshOptions): string[] {
  const argv = sshArgv(d, o);
  const at = argv.indexOf('--');
  return ['ssh', '-G', ...argv.slice(1, at + 2)];
}

export interface ResolvedSsh {
  hostname: string;
  user: string;
  port: number;
  /** A ProxyCommand or ProxyJump: ssh does not connect to `hostname` itself. */
  proxied: boolean;
}

/** Parses `ssh -G` output (lowercase `key value` lines). Pure. */
export function parseSshConfig(text: string): ResolvedSsh {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (m && !values.has(m[1]!.toLowerCase())) values.set(m[1]!.toLowerCase(), m[2]!);
  }
  const proxy = (k: string): boolean => {
    const v = values.get(k);
    return v !== undefined && v !== 'none' && v !== '';
  };
  return {
    hostname: values.get('hostname') ?? '',
    user: values.get('user') ?? '',
    port: Number(values.get('port') ?? 22),
    proxied: proxy('proxycommand') || proxy('proxyjump'),
  };
}

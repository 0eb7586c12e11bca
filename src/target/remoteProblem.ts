// Why a student's machine could not be graded, read from what ssh, sudo and the login shell print. Pure.
import { REQUIRED_TOOLS } from '../exec/preflight.js';

export type RemoteProblemKind =
  | 'unreachable'
  | 'key-refused'
  | 'host-key'
  | 'timeout'
  | 'tool-missing'
  | 'sudo-password'
  | 'not-root'
  | 'error';

export interface RemoteProblem {
  kind: RemoteProblemKind;
  message: string;
  fix: string | null;
}

/** The line that says what went wrong: the last one that is neither empty nor a notice. */
function lastWord(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Warning: Permanently added|^Pseudo-terminal will not be allocated/.test(l));
  return lines.at(-1) ?? '';
}

/** The packages of missing tools; a tool we do not know keeps its own name. */
export function missingTools(tools: readonly string[]): RemoteProblem {
  const pkgs = [...new Set(tools.map((t) => REQUIRED_TOOLS[t] ?? t))];
  return {
    kind: 'tool-missing',
    message: `missing on the student's machine: ${tools.map((t) => `${t} (${REQUIRED_TOOLS[t] ?? t})`).join(', ')}`,
    fix: `install them there: apt-get install -y ${pkgs.join(' ')}`,
  };
}

export function notRoot(user: string, uid: string): RemoteProblem {
  return {
    kind: 'not-root',
    message: `logged in as ${user || `uid ${uid}`}, not root: reading iptables and entering namespaces needs root`,
    fix: 'grade with --sudo (the account must be allowed sudo without a password), or log in as root',
  };
}

export function timedOut(seconds: number): RemoteProblem {
  return {
    kind: 'timeout',
    message: `no complete answer within ${seconds} s; stopped`,
    fix: 'is the machine overloaded or the network slow? Try again with a longer --timeout',
  };
}

const UNREACHABLE =
  /Connection refused|Connection timed out|timed out during banner exchange|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|Temporary failure in name resolution|Connection closed by|Connection reset|kex_exchange_identification|Broken pipe|UNKNOWN port/;

/** What ssh (exit 255), sudo (1) or the remote shell (127) said when the connection ended before grading. */
export function connectionProblem(stderr: string, exitCode: number | null, host: string): RemoteProblem {
  const said = lastWord(stderr);
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/.test(stderr)) {
    // ssh names the known_hosts entry to remove (a HostKeyAlias, or [host]:port).
    const entry = /ssh-keygen -f "[^"]*" -R "([^"]+)"/.exec(stderr)?.[1] ?? host;
    return {
      kind: 'host-key',
      message: `the host key of ${host} has CHANGED since it was recorded; not connecting (someone may be in the middle)`,
      fix: `if the machine was reinstalled, remove its old key (ssh-keygen -R ${entry}) and grade again`,
    };
  }
  if (/host key is known for|Host key verification failed/.test(stderr))
    return {
      kind: 'host-key',
      message: `the host key of ${host} is not known yet, and ssh does not trust a new one on its own`,
      fix: 'on a first run, let ssh record it: --ssh-option StrictHostKeyChecking=accept-new',
    };
  if (/Permission denied \(|Too many authentication failures/.test(stderr))
    return {
      kind: 'key-refused',
      message: `the login was refused: ${said}`,
      fix: "put the grader's public key in the student's authorized_keys (ssh-copy-id), or name the key with --ssh-option IdentityFile=…",
    };
  if (/sudo: (a password is required|a terminal is required|.*not allowed|.*not in the sudoers)/.test(stderr))
    return {
      kind: 'sudo-password',
      message: `sudo wants a password: ${said}`,
      fix: 'allow the login account sudo without a password (USER ALL=(ALL) NOPASSWD: ALL in /etc/sudoers.d/), or log in as root',
    };
  const notFound =
    /(?:env: '?|exec: |^|\s)(bash|sudo|env)'?: (?:No such file or directory|(?:command )?not found)/m.exec(stderr);
  if (notFound && exitCode === 127) return missingTools([notFound[1]!]);
  const unreachable = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => UNREACHABLE.test(l));
  if (unreachable)
    return {
      kind: 'unreachable',
      // The first such line is the cause (a proxy's "Connection refused"); ssh's own come after it.
      message: `cannot reach ${host}: ${unreachable}`,
      fix: 'is the machine on and its sshd running? Try ssh to it by hand',
    };
  return {
    kind: 'error',
    message: said ? `the connection ended: ${said}` : `the connection ended (exit ${exitCode ?? 'by a signal'})`,
    fix: null,
  };
}

// Students' machines for the grading tests: each a sandbox (net, mount and pid namespaces) where the
// tutorial was typed by plain bash (test/fixtures/student/sandbox.sh), reached with the real ssh and sshd:
// `sshd -i` started through a ProxyCommand with nsenter, or a real sshd listening on TCP inside the
// machine, reached over its own network from its outside namespace. Keys are thrown away with the
// directory; nothing touches ~/.ssh or this machine's sshd, and every process dies with its sandbox.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SSHD_SETTINGS, sshClientDefaults } from '../../bench/sshToLabs.js';
import { startSandbox, untilReady } from '../../src/lab/startSandbox.js';

const SANDBOX = fileURLToPath(new URL('../fixtures/student/sandbox.sh', import.meta.url));

/**
 * Starts a student's sandbox with `mistake` (a line of bash) applied (with `bare`, only the world is
 * built); resolves with the pid of its init once built. `onKill` receives what kills it (tests register it as a teardown).
 */
export async function studentSandbox(
  onKill: (kill: () => void) => void,
  mistake: string,
  bare = false,
): Promise<number> {
  const holder = startSandbox([SANDBOX, mistake, ...(bare ? ['bare'] : [])]);
  holder.stdin.destroy();
  onKill(() => holder.kill('SIGKILL'));
  const { ready, initPid, stderr } = await untilReady(holder, 60_000);
  if (!ready || !initPid) throw new Error(`the student's sandbox did not get ready: ${stderr}`);
  return initPid;
}

export interface Classroom {
  /** The private directory: keys, sshd configs, known_hosts, the ssh config, rosters. */
  dir: string;
  /** The ssh config file (`--ssh-config`) with a Host per student added so far. */
  sshConfig: string;
  /** A student's machine; `mistake` is run in it once the tutorial is typed. */
  machine(mistake?: string): Promise<number>;
  /** `Host name` reaching `sshd -i` in the machine of `pid`, with `sshd` one of the configs below. */
  viaSshd(name: string, pid: number, sshd?: 'sshd_config' | 'sshd_nokey' | 'sshd_otherkey'): void;
  /** `Host name` reaching a real sshd listening on 172.16.0.2:22 in the machine, from its outside namespace. */
  viaTcp(name: string, pid: number): void;
  /** Starts the listening sshd in a machine. */
  listen(pid: number): void;
  /** Runs bash as root in a machine's namespaces (to add users, hide a tool, …). */
  inMachine(pid: number, script: string): void;
  cleanup(): void;
}

export function classroom(): Classroom {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-class-'));
  chmodSync(dir, 0o755);
  const kills: (() => void)[] = [];
  const keygen = (name: string): string => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
    return readFileSync(join(dir, `${name}.pub`), 'utf8')
      .trim()
      .split(' ')
      .slice(0, 2)
      .join(' ');
  };
  const grader = keygen('grader');
  const hostKey = keygen('hostkey');
  keygen('otherhostkey');
  writeFileSync(join(dir, 'authorized_keys'), `${grader}\n`);
  writeFileSync(join(dir, 'no_keys'), '');
  const sshd = (file: string, lines: string[]): void =>
    writeFileSync(join(dir, file), [...lines, ...SSHD_SETTINGS, ''].join('\n'));
  sshd('sshd_config', [`HostKey ${dir}/hostkey`, `AuthorizedKeysFile ${dir}/authorized_keys`]);
  sshd('sshd_nokey', [`HostKey ${dir}/hostkey`, `AuthorizedKeysFile ${dir}/no_keys`]);
  sshd('sshd_otherkey', [`HostKey ${dir}/otherhostkey`, `AuthorizedKeysFile ${dir}/authorized_keys`]);
  const hosts: string[] = [];
  const aliases: string[] = [];
  const sshConfig = join(dir, 'class.ssh_config');
  const write = (): void => {
    // ssh takes the first value it finds: the students first, the defaults for all of them last.
    writeFileSync(sshConfig, `${[...hosts, ...sshClientDefaults(dir)].join('\n')}\n`);
    // Every student's machine was met before with the class's host key (one alias each).
    writeFileSync(join(dir, 'known_hosts'), aliases.length ? `${aliases.join(',')} ${hostKey}\n` : '');
  };
  const host = (name: string, proxy: string): void => {
    hosts.push(`Host ${name}`, `  HostKeyAlias ${name}`, `  ProxyCommand ${proxy}`);
    aliases.push(name);
    write();
  };
  write();
  return {
    dir,
    sshConfig,
    machine: (mistake = '') => studentSandbox((kill) => kills.push(kill), mistake),
    viaSshd(name, pid, config = 'sshd_config') {
      host(name, `nsenter -t ${pid} -n -m -p sh -c 'mkdir -p /run/sshd; exec /usr/sbin/sshd -i -f ${dir}/${config}'`);
    },
    viaTcp(name, pid) {
      // No nc: bash's /dev/tcp opens the connection, two cats carry it.
      host(
        name,
        `nsenter -t ${pid} -m -- nsenter --net=/run/world/outside -- bash -c 'exec 3<>/dev/tcp/%h/%p && { cat <&3 & exec cat >&3; }'`,
      );
    },
    listen(pid) {
      execFileSync('nsenter', [
        '-t',
        String(pid),
        '-n',
        '-m',
        '-p',
        'sh',
        '-c',
        `mkdir -p /run/sshd; exec /usr/sbin/sshd -f ${dir}/sshd_config -o ListenAddress=172.16.0.2:22`,
      ]);
    },
    inMachine(pid, script) {
      execFileSync('nsenter', ['-t', String(pid), '-n', '-m', '-p', 'bash', '-euc', script]);
    },
    cleanup() {
      for (const kill of kills) kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// What the ssh benches share: labs reached by the real ssh and an `sshd -i` started in each lab through a
// ProxyCommand (as in the integration tests), with keys and configs in a private directory; and the floor
// of `check` over ssh: a raw `ssh HOST bash -s` doing the same reads and probes, judging nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inCidr, parseCidr } from '../src/core/ipv4.js';
import { HOST_IP } from '../src/lab/labWorld.js';
import { checkNeeds } from '../src/judge/evaluateChecks.js';
import { gradedChecks, gradeScope } from '../src/judge/grade.js';
import type { CheckDecl, Lesson } from '../src/lesson/lesson.js';
import { rawChecks } from './rawScript.js';

const SSHD = '/usr/sbin/sshd';

/** What every lab's `sshd -i` is told after its HostKey and AuthorizedKeysFile: no PAM, no pid file, root by key. */
export const SSHD_SETTINGS = [
  'UsePAM no',
  'PidFile none',
  'StrictModes no',
  'PermitRootLogin prohibit-password',
  'LogLevel ERROR',
];

/**
 * The ssh client's settings for every lab (`Host *`, last: ssh takes the first value it finds): the lab's
 * host address, root with the key `dir`/grader and nothing else, hosts known only from `dir`/known_hosts.
 */
export function sshClientDefaults(dir: string): string[] {
  return [
    'Host *',
    `  HostName ${HOST_IP}`,
    '  User root',
    `  IdentityFile ${dir}/grader`,
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    `  UserKnownHostsFile ${dir}/known_hosts`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
  ];
}

/** Why the ssh benches cannot run here; null when they can. */
export function sshUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'it needs root (sshd logs in as root inside the labs)';
  if (!existsSync(SSHD)) return `no ${SSHD} (apt-get install openssh-server)`;
  if (spawnSync('ssh', ['-V']).error) return 'no ssh client (apt-get install openssh-client)';
  return null;
}

/**
 * Keys, an sshd config and an ssh config in `work` reaching each lab of `names` (their state in `stateDir`)
 * as `ssh NAME`; returns the ssh config's path. Nothing touches ~/.ssh or this machine's sshd.
 */
export function sshToLabs(work: string, names: readonly string[], stateDir: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'grader')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'hostkey')]);
  writeFileSync(join(work, 'authorized_keys'), readFileSync(join(work, 'grader.pub')));
  writeFileSync(
    join(work, 'sshd_config'),
    [`HostKey ${work}/hostkey`, `AuthorizedKeysFile ${work}/authorized_keys`, ...SSHD_SETTINGS, ''].join('\n'),
  );
  const pidOf = (name: string): number =>
    (JSON.parse(readFileSync(join(stateDir, 'labs', `${name}.json`), 'utf8')) as { initPid: number }).initPid;
  const hosts = names.flatMap((n) => [
    `Host ${n}`,
    `  HostKeyAlias ${n}`,
    `  ProxyCommand nsenter -t ${pidOf(n)} -n -m -p sh -c 'mkdir -p /run/sshd; exec ${SSHD} -i -f ${work}/sshd_config'`,
  ]);
  const key = readFileSync(join(work, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(join(work, 'known_hosts'), `${names.join(',')} ${key}\n`);
  const sshConfig = join(work, 'ssh_config');
  writeFileSync(sshConfig, [...hosts, ...sshClientDefaults(work), ''].join('\n'));
  return sshConfig;
}

/** The probes that `check` sends from a student's machine: not from the outside world, only to its addresses. */
function probedOverSsh(decls: readonly CheckDecl[]): CheckDecl[] {
  const subnet = parseCidr('172.18.0.0/16')!;
  return decls.filter((d) => {
    const from = checkNeeds([d])[0]?.ns;
    const to = String(d.args.address ?? d.args.host ?? '');
    return from !== 'outside' && (inCidr(to, subnet) || to === '172.16.0.2' || to.startsWith('127.'));
  });
}

/** The floor of `check` over ssh: `ssh HOST …bash -s` (the argv) fed `script`, the same reads and probes. */
export async function rawCheckOverSsh(
  chain: readonly Lesson[],
  sshConfig: string,
  host: string,
): Promise<{ argv: string[]; script: string }> {
  const decls = gradedChecks(chain, false).flatMap((g) => g.decls.map((d) => d.decl));
  const reads = [...checkNeeds(decls), ...gradeScope(chain, {}).extraNeeds].filter((n) => n.ns !== 'outside');
  return {
    argv: [
      'ssh',
      '-T',
      '-o',
      'BatchMode=yes',
      '-F',
      sshConfig,
      host,
      'exec env LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -s',
    ],
    script: await rawChecks(probedOverSsh(decls), reads),
  };
}

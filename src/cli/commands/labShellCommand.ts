// `tsnet-learn lab shell`: a root shell inside a lab (created when missing), to practise by hand.
import { UserError } from '../../core/errors.js';

/** The exit code: the shell's own. */
export async function labShellCommand(name: string): Promise<number> {
  const { openTarget, parseTargetSpec } = await import('../../target/target.js');
  const { runAttached } = await import('../../exec/spawn.js');
  const { pathWithSbin } = await import('../../exec/preflight.js');
  const target = await openTarget(parseTargetSpec(`lab:${name}`), {
    create: true,
    allowHost: false,
    newLab: { command: 'lab shell' },
  });
  if (target.fresh) process.stderr.write(`Created lab "${name}".\n`);
  process.stderr.write(
    `Inside lab "${name}": this network is private to the lab. Type exit to leave; the lab stays until \`tsnet-learn lab destroy ${name}\`.\n`,
  );
  // Root inside the lab: iptables and friends in sbin must be found, as in root's own shell.
  const r = await runAttached(target.argv[0]!, [...target.argv.slice(1), 'bash', '--norc'], {
    env: { PATH: pathWithSbin(), PS1: `[lab:${name}] \\w # ` },
  });
  if (r.error) throw new UserError(`Cannot start a shell in lab "${name}": ${r.error}`);
  return r.exitCode;
}

// `tsnet-learn lab exec NAME -- CMD…`: one command inside a lab, on this terminal, as root of the lab.
import { UserError } from '../../core/errors.js';

/** The exit code: the command's own (128+n when signal n ended it); a missing lab throws UserError: exit 2. */
export async function labExecCommand(name: string, command: string[]): Promise<number> {
  const { openTarget, parseTargetSpec } = await import('../../target/target.js');
  const { runAttached } = await import('../../exec/spawn.js');
  const { pathWithSbin } = await import('../../exec/preflight.js');
  const target = await openTarget(parseTargetSpec(`lab:${name}`), { create: false, allowHost: false });
  // Root inside the lab: iptables and friends in sbin must be found, as in root's own shell.
  const r = await runAttached(target.argv[0]!, [...target.argv.slice(1), ...command], {
    env: { PATH: pathWithSbin() },
  });
  if (r.error) throw new UserError(`Cannot run \`${command.join(' ')}\` in lab "${name}": ${r.error}`);
  return r.exitCode;
}

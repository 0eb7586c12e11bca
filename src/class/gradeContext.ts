// The options `check` and `grade` share for remote machines, validated before anyone is graded.
import { existsSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { parseVars } from '../judge/parseVars.js';
import type { Lesson } from '../lesson/lesson.js';
import { parseSshOption } from '../target/sshDestination.js';
import type { GradeContext } from './gradeStudent.js';

export interface RemoteOptions {
  only?: boolean;
  var: string[];
  sshConfig?: string;
  sshOption: string[];
  sudo?: boolean;
  timeout?: string;
  probeFromGrader?: boolean;
}

/** Seconds a student may take by default: a slow machine grades in a few; a hung one is cut off. */
export const DEFAULT_TIMEOUT_S = 60;

export function positiveNumber(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${option} wants a number above 0, not "${text}".`);
  return n;
}

export function gradeContext(chain: Lesson[], opts: RemoteOptions): GradeContext {
  if (opts.sshConfig !== undefined && !existsSync(opts.sshConfig))
    throw new UserError(
      `--ssh-config ${opts.sshConfig}: no such file.`,
      'It is an ssh config file, as ssh -F takes it.',
    );
  const timeoutS = opts.timeout === undefined ? DEFAULT_TIMEOUT_S : positiveNumber('--timeout', opts.timeout);
  return {
    chain,
    only: Boolean(opts.only),
    vars: parseVars(opts.var),
    ssh: {
      configFile: opts.sshConfig ?? null,
      options: opts.sshOption.map(parseSshOption),
      sudo: Boolean(opts.sudo),
      // Connecting may take its share of the student's time, not all of it.
      connectTimeoutS: Math.max(1, Math.min(10, Math.ceil(timeoutS / 2))),
    },
    timeoutS,
    probeFromGrader: Boolean(opts.probeFromGrader),
  };
}

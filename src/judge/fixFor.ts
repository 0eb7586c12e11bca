// What to run to make a failed check or claim hold, computed from what is there. Pure.
import { checkKinds } from '../../checks/index.js';
import { parseCommandLine } from '../core/commandLine.js';
import { claimsOf, type CommandClaim } from '../lesson/commandClaims.js';
import type { CheckDecl } from '../lesson/lesson.js';
import type { Snapshot } from '../snapshot/model.js';
import { inNamespace } from '../snapshot/takeSnapshot.js';
import type { CheckResult } from './evaluateChecks.js';

/** A state claim judged on a snapshot, `absent` applied. */
export function claimHolds(decl: CheckDecl, s: Snapshot): CheckResult {
  const kind = checkKinds[decl.kind]!;
  const v = kind.evaluate!(decl.args, s);
  const passed = v.ok !== kind.negated(decl.args);
  return { decl, status: passed ? 'passed' : 'failed', message: v.message };
}

/**
 * Whether following a hint would do what it says: not when something it creates is there already (it
 * would answer `File exists`, or add a second copy of a rule with `iptables -A`), nor when everything it
 * does is done. A hint may start with `inside NS:`; one no claim can be read from is taken as it is.
 */
export function hintFits(hint: string, s: Snapshot): boolean {
  const inside = /^inside (\S+):\s*(.*)$/.exec(hint);
  const context = inside ? { netns: inside[1]!, opener: '' } : null;
  const lines = (inside ? inside[2]! : hint).split(/\s*;\s*/).filter(Boolean);
  const claims = claimsOf(lines.map((line) => ({ lesson: '', step: 0, command: { line, context, background: null } })));
  const holds = claims.map((c) => claimHolds(c.decl, s).status === 'passed');
  if (claims.some((c, i) => c.adds && holds[i])) return false;
  return claims.length === 0 || holds.some((h) => !h);
}

/**
 * The fix for what is there. The lesson's hint when it fits; but first a fix that must undo something
 * there (a rule that matches the same packets and wins); else the kind's own fix from the snapshot
 * (bring up a link that exists rather than create it again); else, for a claim of a command, that
 * command, in its namespace.
 */
export function fixFor(decl: CheckDecl, s: Snapshot, claim?: CommandClaim): string | null {
  const computed = checkKinds[decl.kind]!.fix?.(decl.args, s) ?? null;
  if (computed?.replaces) return computed.command;
  if (decl.hint && hintFits(decl.hint, s)) return decl.hint;
  if (computed) return computed.command;
  if (!claim) return null;
  return claim.ns !== 'host' && parseCommandLine(claim.line).commands.every((c) => c.netns === null)
    ? inNamespace(claim.line, claim.ns)
    : claim.line;
}

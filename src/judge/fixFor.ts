// What to run to make a failed check or claim hold, computed from what is there. Pure.
import { checkKinds } from '../../checks/index.js';
import { claimsOf, type CommandClaim } from '../lesson/commandClaims.js';
import { unwrapCommand } from '../lesson/classifyCommand.js';
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
 * True when every claim of a hint already holds: following it would change nothing, or worse, add a
 * second copy (`iptables -A` of a rule that is there). A hint may start with `inside NS:`.
 */
export function alreadyDone(hint: string, s: Snapshot): boolean {
  const inside = /^inside (\S+):\s*(.*)$/.exec(hint);
  const context = inside ? { netns: inside[1]!, opener: '' } : null;
  const lines = (inside ? inside[2]! : hint).split(/\s*;\s*/).filter(Boolean);
  const claims = claimsOf(lines.map((line) => ({ lesson: '', step: 0, command: { line, context, background: null } })));
  return claims.length > 0 && claims.every((c) => claimHolds(c.decl, s).status === 'passed');
}

/**
 * The fix for what is there: the kind's own, from the snapshot (bring up a link that exists, rather than
 * create it again); else the lesson's hint, unless it is already done; else, for a claim of a command,
 * that command, in its namespace.
 */
export function fixFor(decl: CheckDecl, s: Snapshot, claim?: CommandClaim): string | null {
  const computed = checkKinds[decl.kind]!.fix?.(decl.args, s) ?? null;
  if (computed) return computed;
  if (decl.hint && !alreadyDone(decl.hint, s)) return decl.hint;
  if (!claim) return null;
  return claim.ns !== 'host' && unwrapCommand(claim.line).netns === null
    ? inNamespace(claim.line, claim.ns)
    : claim.line;
}

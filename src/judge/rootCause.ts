// What to fix first when grading fails, and whether a grade passed. Pure.
//
// The root cause is the earliest broken thing, in the order the course builds things, that explains
// the failures. Within a step, the lesson's own state checks come first, then the claims of its commands
// that no check names (a link the step brings up, found down: it also explains the pings and the route
// that vanished with it), then its probes. A probe whose path holds in every checked piece fails for a
// cause outside the lessons (a firewall, a subnet taken twice), when diagnosis finds one.
import type { CommandClaim } from '../lesson/commandClaims.js';
import type { Cause } from './diagnose.js';

/** What grading reports for one check; `hint` is the fix for what is there now, when one is known. */
export interface GradedCheck {
  id: string;
  lesson: string;
  step: number;
  kind: string;
  title: string;
  status: 'pass' | 'fail' | 'skip' | 'error';
  message: string;
  hint: string | null;
  points: number;
  earned: number;
  /** A probe's own time; 0 for a claim judged from the snapshot. */
  durationMs: number;
}

export interface RootCause {
  /** The first failing check (in build order); null when the cause stops grading itself. */
  check: GradedCheck | null;
  cause: string;
  fix: string | null;
}

/** A graded check, where it stands in the course (`order`: lessons in chain order, then steps), and what it is. */
export interface Placed {
  check: GradedCheck;
  order: number;
  probe: boolean;
}

/** A claim of the lessons' commands that does not hold. */
export interface BrokenClaim {
  claim: CommandClaim;
  order: number;
  message: string;
  fix: string | null;
}

const TIER = { blocking: -1, state: 0, claim: 1, probe: 2 } as const;

/**
 * `blockingFrom`: where a blocking cause starts to matter (the first check that needs the published
 * address); before it, what is missing is still the first thing to fix.
 */
export function chooseRootCause(input: {
  checks: readonly Placed[];
  claims: readonly BrokenClaim[];
  causes: readonly Cause[];
  blockingFrom: number;
}): RootCause | null {
  const failed = (c: GradedCheck): boolean => c.status === 'fail' || c.status === 'error';
  const first = input.checks.find((p) => failed(p.check))?.check ?? null;
  const blocking = input.causes.find((c) => c.blocking);
  const explains = input.causes.find((c) => !c.blocking);
  if (!first && !blocking) return null;
  type Item =
    | { order: number; tier: number; what: 'check'; placed: Placed }
    | { order: number; tier: number; what: 'claim'; broken: BrokenClaim }
    | { order: number; tier: number; what: 'blocking'; cause: Cause };
  const items: Item[] = [
    ...input.checks
      .filter((p) => failed(p.check))
      .map(
        (placed): Item => ({
          order: placed.order,
          tier: placed.probe ? TIER.probe : TIER.state,
          what: 'check',
          placed,
        }),
      ),
    ...input.claims.map((broken): Item => ({ order: broken.order, tier: TIER.claim, what: 'claim', broken })),
    ...(blocking
      ? [{ order: input.blockingFrom, tier: TIER.blocking, what: 'blocking' as const, cause: blocking }]
      : []),
  ];
  // Stable: among equals, the order the checks are declared in.
  items.sort((a, b) => a.order - b.order || a.tier - b.tier);
  for (const item of items) {
    if (item.what === 'blocking') return { check: first, cause: item.cause.cause, fix: item.cause.fix };
    if (item.what === 'claim') {
      const { claim, message, fix } = item.broken;
      return {
        check: first,
        cause: `${claim.decl.title}: ${message} (${claim.lesson}, step ${claim.step} did \`${claim.line}\`)`,
        fix,
      };
    }
    const { check, probe } = item.placed;
    if (probe && explains) return { check, cause: explains.cause, fix: explains.fix };
    return { check, cause: `${check.title}: ${check.message}`, fix: check.hint };
  }
  return null;
}

/** Passed: every check was judged and holds, and nothing blocks grading. A skipped check is never earned. */
export function gradePassed(checks: readonly GradedCheck[], causes: readonly Cause[]): boolean {
  return checks.every((c) => c.status === 'pass') && !causes.some((c) => c.blocking);
}

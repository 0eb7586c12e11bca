// Later lessons supersede earlier claims: a lesson may undo what a prerequisite built (delete its rule,
// take its link down). What the chain claims last about a thing is what a finished network must show.
// Pure: lessons in, the claims no longer demanded out.
import { checkKinds } from '../../checks/index.js';
import type { CheckDecl, Lesson } from '../lesson/lesson.js';

export interface Superseded {
  /** The lesson that makes the claim superseded. */
  lesson: string;
  /** The later claim that contradicts it. */
  by: CheckDecl;
  /** The lesson that makes the later claim (the same lesson when a later step of it does). */
  byLesson: string;
}

/** The namespaces a claim is judged in or sent from (not the host, which never goes away). */
function namespacesOf(d: CheckDecl): string[] {
  return checkKinds[d.kind]!.needs(d.args)
    .map((n) => n.ns)
    .filter((ns) => ns !== 'host' && ns !== 'outside');
}

/** True when `later` (a lasting claim made after `earlier`) says `earlier` no longer holds. */
export function contradicts(earlier: CheckDecl, later: CheckDecl): boolean {
  const kind = checkKinds[later.kind]!;
  if (earlier.kind === later.kind && kind.contradicts?.(earlier.args, later.args)) return true;
  if (!kind.negated(later.args)) return false;
  // A namespace that is gone takes every claim about what is inside it along.
  if (later.kind === 'netns') return namespacesOf(earlier).includes(later.args.name as string);
  // So does an interface that is gone: its addresses and routes.
  const gone = later.kind === 'link' ? kind.device?.(later.args) : null;
  const about = checkKinds[earlier.kind]!.device?.(earlier.args);
  return Boolean(gone && about && gone.ns === about.ns && gone.name === about.name);
}

/**
 * The lasting claims of the chain (prerequisites first) that a claim of a later step, in the same lesson
 * or a later one, contradicts: keyed by check id. Transient claims neither supersede nor are superseded:
 * they describe a moment, not the finished network.
 */
export function supersededClaims(chain: readonly Lesson[]): Map<string, Superseded> {
  const claims = chain.flatMap((lesson, l) =>
    lesson.steps.flatMap((step) =>
      step.checks.filter((d) => !d.transient).map((decl) => ({ lesson: lesson.id, at: [l, step.index], decl })),
    ),
  );
  const before = (a: number[], b: number[]): boolean => a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!);
  const out = new Map<string, Superseded>();
  for (const later of claims)
    for (const earlier of claims)
      if (before(earlier.at, later.at) && contradicts(earlier.decl, later.decl))
        out.set(earlier.decl.id, { lesson: earlier.lesson, by: later.decl, byLesson: later.lesson });
  return out;
}

/** The lesson without the claims a later one supersedes: what must hold for it to count as done. Pure. */
export function withoutSuperseded(lesson: Lesson, superseded: ReadonlyMap<string, Superseded>): Lesson {
  if (!lesson.steps.some((s) => s.checks.some((d) => superseded.has(d.id)))) return lesson;
  return {
    ...lesson,
    steps: lesson.steps.map((s) => ({ ...s, checks: s.checks.filter((d) => !superseded.has(d.id)) })),
  };
}

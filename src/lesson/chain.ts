// Prerequisite order: the lessons to apply, dependencies first. Pure.
import type { Lesson } from './lesson.js';

export type ChainResult = { ok: true; chain: Lesson[] } | { ok: false; problem: string };

/** Depth-first, dependencies first, each lesson once; reports unknown ids and cycles. */
export function prerequisiteChain(byId: ReadonlyMap<string, Lesson>, target: Lesson): ChainResult {
  const out: Lesson[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (lesson: Lesson): string | null => {
    if (done.has(lesson.id)) return null;
    if (stack.includes(lesson.id))
      return `prerequisite cycle: ${[...stack.slice(stack.indexOf(lesson.id)), lesson.id].join(' → ')}`;
    stack.push(lesson.id);
    for (const pre of lesson.prerequisites) {
      const dep = byId.get(pre);
      if (!dep) return `${lesson.id} needs ${pre}, which is not a known lesson`;
      const problem = visit(dep);
      if (problem) return problem;
    }
    stack.pop();
    done.add(lesson.id);
    out.push(lesson);
    return null;
  };
  const problem = visit(target);
  return problem ? { ok: false, problem } : { ok: true, chain: out };
}

/**
 * The course as a learner takes it, in one network: each lesson in order, preceded by the prerequisites
 * not taken yet. Lessons that cannot be ordered are left out (lint reports them). Pure.
 */
export function courseOrder(byId: ReadonlyMap<string, Lesson>, lessons: readonly Lesson[]): Lesson[] {
  const out: Lesson[] = [];
  for (const lesson of lessons) {
    const chain = prerequisiteChain(byId, lesson);
    if (chain.ok) for (const l of chain.chain) if (!out.includes(l)) out.push(l);
  }
  return out;
}

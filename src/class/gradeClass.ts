// Grading a whole class side by side: at most `jobs` students at once, each bounded by its own timeout,
// so one hanging machine costs its own slot and nobody else's grade.
import { classReport, type ClassReport, type StudentResult } from './classReport.js';
import { gradeStudent, type GradeContext } from './gradeStudent.js';
import type { RosterEntry } from './roster.js';
import { gradedChecks } from '../judge/grade.js';

export interface ClassProgress {
  onStart?(entry: RosterEntry): void;
  onDone?(result: StudentResult): void;
}

/** Every student of the roster, in roster order, whatever order they finish in. */
export async function gradeClass(
  entries: readonly RosterEntry[],
  ctx: GradeContext,
  jobs: number,
  progress: ClassProgress = {},
  grade: typeof gradeStudent = gradeStudent,
): Promise<ClassReport> {
  const results: StudentResult[] = new Array(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const i = next++;
      const entry = entries[i]!;
      progress.onStart?.(entry);
      results[i] = await grade(entry, ctx);
      progress.onDone?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, entries.length) }, worker));
  const points = gradedChecks(ctx.chain, ctx.only)
    .flatMap((g) => g.decls)
    .reduce((n, d) => n + d.decl.points, 0);
  return classReport(ctx.chain.at(-1)!.id, results, points);
}

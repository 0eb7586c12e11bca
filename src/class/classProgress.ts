// While a class is graded: on a terminal one live line (done/total, failed, unreachable, …); piped or
// redirected, a plain line per student as each finishes.
import type { StudentResult } from './classReport.js';
import type { ClassProgress } from './gradeClass.js';

/** `12/30 done, 3 failed, 1 unreachable, 8 running`: every status but passed, counted. Pure. */
export function progressText(total: number, done: readonly StudentResult[], running: number): string {
  const counts = new Map<string, number>();
  for (const r of done) if (r.status !== 'passed') counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const parts = [`${done.length}/${total} done`, ...[...counts].map(([s, n]) => `${n} ${s}`)];
  if (running) parts.push(`${running} running`);
  return parts.join(', ');
}

/** One student, finished, as a plain line. Pure. */
export function doneLine(r: StudentResult, n: number, total: number): string {
  const what = r.problem ? `${r.status}: ${r.problem.message}` : `${r.status}, ${r.earned}/${r.possible} points`;
  return `[${n}/${total}] ${r.student}: ${what}`;
}

export function progressReporter(total: number, out: NodeJS.WriteStream): Required<ClassProgress> & { end(): void } {
  const live = Boolean(out.isTTY);
  const done: StudentResult[] = [];
  let running = 0;
  const draw = (): void => void (live && out.write(`\r\x1b[Kgrading: ${progressText(total, done, running)}`));
  return {
    onStart() {
      running++;
      draw();
    },
    onDone(r) {
      running--;
      done.push(r);
      if (live) draw();
      else out.write(`${doneLine(r, done.length, total)}\n`);
    },
    end() {
      if (live) out.write('\r\x1b[K');
    },
  };
}

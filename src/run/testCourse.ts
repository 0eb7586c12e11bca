// `tsnet-learn test`: each lesson from scratch in its own fresh lab, in parallel; with ablation,
// proof that every check can fail. Every lab made here is destroyed, and dies with this process.
import { ablate, type AblationReport } from './ablate.js';
import { inFreshLab } from '../target/inFreshLab.js';
import type { Lesson } from '../lesson/lesson.js';
import { pool } from './pool.js';
import { runLessons } from './runLessons.js';
import { stepFailure, type CheckReport } from './runReport.js';
import { judgeTransients, transientClaims } from './transientClaims.js';

export interface LessonTest {
  lesson: string;
  title: string;
  status: 'passed' | 'failed';
  durationMs: number;
  /** The first failed step or check, in one line. */
  failure: string | null;
  /** Every check its run judged, the prerequisites' first. */
  checks: CheckReport[];
}

export interface AblationFinding {
  /** The check that never failed, or the step none of whose checks failed when it was left out. */
  kind: 'check-cannot-fail' | 'step-unverified';
  lesson: string;
  id: string;
  title: string;
  /** Set on a transient claim that no later step of its course makes false. */
  transient?: true;
}

export interface CourseTest {
  passed: boolean;
  durationMs: number;
  lessons: LessonTest[];
  ablation: AblationFinding[] | null;
  /** How long the ablation took (null without it); the lessons took the rest of durationMs. */
  ablationDurationMs: number | null;
}

async function testLesson(chain: readonly Lesson[], name: string, keep: boolean): Promise<LessonTest> {
  const started = Date.now();
  const lesson = chain.at(-1)!.id;
  return inFreshLab(name, { command: `test ${lesson}`, keep }, async (target, shell) => {
    const report = await runLessons({ chain: [...chain], target, shell });
    const step = report.steps.find((s) => s.status === 'failed');
    return {
      lesson,
      title: chain.at(-1)!.title,
      status: report.passed ? 'passed' : 'failed',
      durationMs: Date.now() - started,
      failure: step ? stepFailure(step) : null,
      checks: report.checks,
    };
  });
}

export interface CourseInput {
  /** Each lesson's chain, prerequisites first; the lesson under test last. */
  chains: Lesson[][];
  /**
   * Each course the lessons belong to, as a learner takes it (every lesson in order, in one network):
   * a transient claim must be false after some later step of it.
   */
  courses: Lesson[][];
  jobs: number;
  ablate: boolean;
  /** Labs outlive an interrupt or a kill, for inspection (test --keep); finished lessons' labs still go. */
  keep?: boolean;
  onLesson?: (t: LessonTest) => void;
}

export async function testCourse(input: CourseInput): Promise<CourseTest> {
  const started = Date.now();
  const tag = `${process.pid}`;
  // Side by side, the longest chains (by steps) start first, so the last ones to start are short. One at a
  // time, the course's own order: lessons are reported as they finish.
  const steps = (chain: readonly Lesson[]): number =>
    input.jobs > 1 ? chain.reduce((n, l) => n + l.steps.length, 0) : 0;
  const lessons = await pool(
    input.chains,
    input.jobs,
    async (chain, i) => {
      const r = await testLesson(chain, `test-${tag}-${i}`, Boolean(input.keep));
      input.onLesson?.(r);
      return r;
    },
    steps,
  );
  let ablation: AblationFinding[] | null = null;
  const ablationStarted = Date.now();
  if (input.ablate) {
    ablation = [];
    // Whole chains, but only those no other chain contains: a check may depend on a prerequisite's step
    // (lesson 4's surprise needs lesson 2's address on veth0), and each step is left out once.
    const leaves = input.chains.filter(
      (c) => !input.chains.some((o) => o !== c && o.length > c.length && o.includes(c.at(-1)!)),
    );
    for (const chain of leaves) {
      const report: AblationReport = await ablate(chain, { jobs: input.jobs, keep: input.keep });
      const decls = chain.flatMap((l) => l.steps.flatMap((s) => s.checks));
      for (const id of report.unverifiedSteps) {
        const [lessonId, index] = [id.slice(0, id.lastIndexOf(':')), Number(id.slice(id.lastIndexOf(':') + 1))];
        const step = chain.find((l) => l.id === lessonId)?.steps.find((s) => s.index === index);
        ablation.push({ kind: 'step-unverified', lesson: lessonId, id, title: step?.title ?? id });
      }
      // A transient claim is shown able to fail by the course going on (below), not by a left-out step.
      for (const c of report.cannotFail)
        if (!decls.find((d) => d.id === c.id)?.transient)
          ablation.push({ kind: 'check-cannot-fail', lesson: c.lesson, id: c.id, title: c.title });
    }
    ablation.push(...(await transientFindings(input)));
  }
  return {
    passed: lessons.every((l) => l.status === 'passed') && (ablation?.length ?? 0) === 0,
    durationMs: Date.now() - started,
    lessons,
    ablation,
    ablationDurationMs: ablation ? Date.now() - ablationStarted : null,
  };
}

/** Transient claims of the lessons tested that no later point of their course makes false. */
async function transientFindings(input: CourseInput): Promise<AblationFinding[]> {
  const tested = [...new Set(input.chains.flat())];
  const claims = transientClaims(tested).filter((c, i, all) => all.findIndex((o) => o.decl.id === c.decl.id) === i);
  // Each claim is judged in the first course that has its lesson.
  const home = (id: string): number => input.courses.findIndex((course) => course.some((l) => l.id === id));
  const verdicts = (
    await pool(input.courses, input.jobs, (course, i) =>
      judgeTransients(
        claims.filter((c) => home(c.lesson.id) === i),
        course,
        input.keep,
      ),
    )
  ).flat();
  const homeless = claims
    .filter((c) => home(c.lesson.id) < 0)
    .map((c) => ({ decl: c.decl, lesson: c.lesson.id, courseFailed: null }));
  return [...verdicts.filter((v) => v.falseAfter === null), ...homeless].map((v) => ({
    kind: 'check-cannot-fail' as const,
    lesson: v.lesson,
    id: v.decl.id,
    title: v.courseFailed ? `${v.decl.title} (the course, taken in order, failed at ${v.courseFailed})` : v.decl.title,
    transient: true as const,
  }));
}

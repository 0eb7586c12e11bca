// What the signal tests share: lesson 7's steps as `run` shows them, and the proof that nothing is left.
import type { Test } from 'tap';
import { resolveLesson } from '../../src/lesson/catalog.js';
import {
  commandLine,
  eventually,
  hostNetwork,
  processesOfLab,
  stillRunning,
  type ProcessId,
  type Sandbox,
} from './harness.js';

const { chain } = await resolveLesson('lesson-7');
/** Every step of lesson 7 and its prerequisites, in the order `run 7` takes them in a new lab. */
export const STEPS = chain.flatMap((l) => l.steps.map((s) => `${l.id} step ${s.index} "${s.title}"`));
/** The step after which the lab runs python3's web server (a background job). */
export const SERVER_STEP = STEPS.findIndex((s) => s.startsWith('lesson-7 step 1')) + 1;
export const EXIT_CODE = { SIGINT: 130, SIGTERM: 143 } as const;

/** How many steps the pretty output has started: each starts with a line "  N. Title". */
export const stepsStarted = (out: string): number => (out.match(/^ {2}\d+\. /gm) ?? []).length;

/** Starts `run 7` in a new lab, waits until step `k` has started, and returns the lab's processes then. */
export async function runUntilStep(box: Sandbox, name: string, k: number, extra: string[] = [], asUser?: number) {
  const cli = box.start(['run', '7', '--target', `lab:${name}`, ...extra], { asUser });
  await cli.until((out) => stepsStarted(out) >= k);
  const lab = processesOfLab(box.records()[name]!.initPid);
  return { cli, lab, server: lab.some((p) => commandLine(p.pid).includes('-m http.server')) };
}

/** Nothing of the sandbox is left: no record, no process anywhere, and the host network as before. */
export async function assertNothingLeft(
  t: Test,
  box: Sandbox,
  before: Record<string, string>,
  lab: readonly ProcessId[],
): Promise<void> {
  t.same(Object.keys(box.records()), [], 'no lab record is left');
  await eventually(() => box.processes().length === 0 && stillRunning(lab).length === 0);
  t.same(box.processes().map(commandLine), [], 'no process that the run started survives on the machine');
  t.same(stillRunning(lab), [], 'no process the lab had survives');
  t.same(
    hostNetwork(),
    before,
    'the host network (netns, links, addresses, routes, iptables, ip_forward) is as before',
  );
}

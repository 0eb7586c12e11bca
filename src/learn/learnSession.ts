// A learner working through one lesson by hand: the current step, judged again after every command
// they type, with what the command changed. Side effects only through the Shell it is given.
import { parseCommandLine } from '../core/commandLine.js';
import type { Snapshot } from '../snapshot/model.js';
import { diffSnapshots, type Change } from '../snapshot/diffSnapshots.js';
import { checkNeeds, evaluateChecks, type CheckResult } from '../judge/evaluateChecks.js';
import { carryOver, fullNeeds, unread } from '../snapshot/fullSnapshot.js';
import type { CheckDecl, Command, Lesson, Step } from '../lesson/lesson.js';
import { HELPER_NAMES, type PromptRequest } from './learnShell.js';
import {
  formatChanges,
  formatHint,
  formatLessonDone,
  formatRedone,
  formatStatus,
  formatStepCard,
  formatStepDone,
  formatUndone,
  formatWhere,
  observations,
  promptLabel,
} from './learnView.js';
import { readSideBySide } from '../snapshot/readSideBySide.js';
import { isProbe, lastingChecks } from '../run/resumePoint.js';
import type { Shell } from '../target/shell.js';
import type { Target } from '../target/target.js';

export interface Reevaluation {
  /** The step's lasting checks (none when there is no step). */
  results: CheckResult[];
  snapshot: Snapshot;
  changes: Change[];
}

/**
 * Could a command have changed the rules, sockets or sysctls inside netns `ns`? When it ran there, or
 * names it (`ip netns exec netns0 …`, `nsenter --net=/run/netns/netns0 …`). Links and routes are read
 * for every namespace after every command; those other parts only for the namespaces touched. Pure.
 */
export function touchedBy(command: string, ctx: string): (ns: string) => boolean {
  const named = new Set([ctx]);
  for (const c of parseCommandLine(command).commands) {
    if (c.netns?.kind === 'named') named.add(c.netns.name);
    for (const w of [...c.words, ...c.redirects.map((r) => r.target)])
      for (const part of w.text.split(/[\s/=]+/)) named.add(part);
  }
  return (ns) => named.has(ns);
}

const KEPT_PARTS = ['iptables', 'listening', 'sysctl'] as const;

/** Between two prompts (a helper, the next step) nothing new ran. */
const untouched = (): boolean => false;

/**
 * What runs after every command: one snapshot, read by the shells side by side (a netns created
 * meanwhile costs a second round trip), the step's lasting checks judged on it, and the comparison
 * with `before`. Inside a namespace the command did not touch, the rules, sockets and sysctls are taken
 * from `before`: entering a namespace costs three processes. With more than one shell the probes run
 * on the last one while the others read the snapshot; they count only if the state checks hold, and
 * are not waited for when one does not (a failing probe is slow and says nothing new then).
 */
export async function reevaluate(
  shells: readonly Shell[],
  target: Target,
  step: Step | null,
  before: Snapshot,
  touched: (ns: string) => boolean = () => true,
): Promise<Reevaluation> {
  const decls = step ? lastingChecks(step) : [];
  const probes = decls.filter(isProbe);
  const readers = shells.length > 1 && probes.length ? shells.slice(0, -1) : shells;
  // Side by side with the snapshot; `before` only tells which namespaces exist to send from.
  const probing =
    probes.length && readers !== shells ? evaluateChecks(probes, shells.at(-1)!, target, { snapshot: before }) : null;
  probing?.catch(() => undefined);

  const known = (ns: string): boolean => KEPT_PARTS.every((p) => before.spaces[ns]?.[p] !== undefined);
  const quick = new Set(before.netns.filter((ns) => !touched(ns) && known(ns)));
  const needs = [
    ...fullNeeds(before.netns, false).filter((n) => !quick.has(n.ns) || n.part === 'links' || n.part === 'routes'),
    ...checkNeeds(decls).filter((n) => n.ns !== 'outside' || target.hasOutside),
  ];
  const snapshot = await readSideBySide(readers, needs);
  const unexpected = snapshot.netns.filter((n) => !(n in snapshot.spaces));
  if (unexpected.length)
    Object.assign(
      snapshot.spaces,
      (
        await readSideBySide(
          readers,
          fullNeeds(unexpected, false).filter((n) => n.ns !== 'host'),
        )
      ).spaces,
    );
  // The parts not read again (rules, sockets, sysctls of untouched netns) come from `before`, as in run.
  const after = carryOver(before, snapshot);

  let results: CheckResult[] = [];
  if (!probing) {
    if (decls.length) results = await evaluateChecks(decls, shells[0]!, target, { snapshot: after, lazyProbes: true });
  } else {
    const state = await evaluateChecks(
      decls.filter((d) => !isProbe(d)),
      shells[0]!,
      target,
      { snapshot: after },
    );
    const probed = state.every((r) => r.status === 'passed')
      ? await probing
      : probes.map(
          (decl): CheckResult => ({ decl, status: 'skipped', message: 'not probed: a state check already fails' }),
        );
    results = decls.map((d) => [...state, ...probed].find((r) => r.decl === d)!);
  }
  return { results, snapshot: after, changes: diffSnapshots(before, after) };
}

export interface LearnInput {
  lesson: Lesson;
  /** 1-based step to start at. */
  startAt: number;
  /** Shells in the lab: the first runs probes; all of them read the snapshot after each command, side by side. */
  shells: readonly Shell[];
  target: Target;
  lab: string;
  /** The lesson that comes after this one, to suggest at the end. */
  nextLesson: string | null;
  /** The state when the learner gets the shell: "what changed" starts from here. */
  initial: Snapshot;
  /** The prerequisites, applied before: a command that undoes one of their steps is named at once. */
  before?: readonly Lesson[];
}

export interface LearnReply {
  /** For the prompt: `lesson-3 1/1 netns0`. */
  label: string;
  text: string;
}

export interface LearnSession {
  handle(req: PromptRequest): Promise<LearnReply>;
  /** The step the learner is on; null once the lesson is complete. */
  current(): Step | null;
}

const normalize = (line: string): string => line.trim().replace(/\s+/g, ' ');

/** A command as typed in a shell (`host`, `netns0`), or as a lesson has it: where it runs and what it runs. Pure. */
const commandKey = (line: string, ctx: string): string => {
  const text = normalize(line);
  const first = parseCommandLine(text).commands[0];
  const netns = first?.netns?.kind === 'named' ? first.netns.name : null;
  // Past the wrappers that only choose where it runs: `nsenter --net=/run/netns/X ping …` is `ping …` in X.
  const inner = first?.wrappers.length && first.argv[0] ? text.slice(first.argv[0].offset) : text;
  return `${netns ?? ctx}\t${inner}`;
};
const keyOf = (c: Command): string => commandKey(c.line, c.context?.netns ?? 'host');

/** A step done before (a prerequisite's, or this lesson's): a command that undoes it is named at once. */
interface Guarded {
  lesson: Lesson;
  step: Step;
  /** Its lasting state claims: judged on the snapshot every command reads anyway, so watching costs nothing. */
  decls: CheckDecl[];
  holds: boolean;
  /** Said to be undone, and not yet said to hold again. */
  undone: boolean;
}

const guard = (lesson: Lesson, step: Step, holds = false): Guarded => ({
  lesson,
  step,
  decls: lastingChecks(step).filter((d) => !isProbe(d)),
  holds,
  undone: false,
});

/** The snapshot read everything `decl` judges (what it has not read would look like a failure). Pure. */
const readIn = (snapshot: Snapshot, decl: CheckDecl): boolean =>
  checkNeeds([decl]).every(
    (n) =>
      n.part === 'netns' ||
      snapshot.spaces[n.ns] === null ||
      (n.ns in snapshot.spaces && unread(snapshot, [n]).length === 0),
  );

export function learnSession(input: LearnInput): LearnSession {
  const { lesson, shells, target } = input;
  let index = input.startAt;
  let snapshot = input.initial;
  let results: CheckResult[] | null = null;
  let typed = new Set<string>();
  let started = false;
  let ctx = 'host';
  const lastSeen = new Map<number, string>();
  const guarded: Guarded[] = [
    ...(input.before ?? []).flatMap((l) => l.steps.map((s) => guard(l, s))),
    ...lesson.steps.filter((s) => s.index < input.startAt).map((s) => guard(lesson, s)),
  ];

  const step = (): Step | null => lesson.steps[index - 1] ?? null;
  const checked = (s: Step): boolean => lastingChecks(s).length > 0;
  const runKeys = (s: Step): string[] => s.commands.filter((c) => c.role === 'run').map(keyOf);
  const typedCount = (s: Step): number => runKeys(s).filter((k) => typed.has(k)).length;
  const checksHold = (): boolean =>
    results !== null && results.length > 0 && results.every((r) => r.status === 'passed');
  /** Of a checked step, what shows it and was not typed since its checks hold. */
  const toType = (s: Step): string[] =>
    observations(s)
      .filter((c) => !typed.has(keyOf(c)))
      .map((c) => c.line);
  const isDone = (s: Step): boolean =>
    checked(s) ? checksHold() && toType(s).length === 0 : typedCount(s) === runKeys(s).length;

  /** Steps done before that the last command undid, or that hold again; the first look only learns which hold. */
  const watch = async (quiet: boolean): Promise<string[]> => {
    const watched = guarded.filter((g) => g.decls.length > 0);
    const decls = watched.flatMap((g) => g.decls.filter((d) => readIn(snapshot, d)));
    if (decls.length === 0) return [];
    const verdicts = new Map(
      (await evaluateChecks(decls, shells[0]!, target, { snapshot })).map((r): [CheckDecl, CheckResult] => [r.decl, r]),
    );
    const out: string[] = [];
    for (const g of watched) {
      const judged = g.decls.flatMap((d) => verdicts.get(d) ?? []);
      if (judged.length === 0) continue;
      const failing = judged.find((r) => r.status === 'failed');
      if (g.holds && failing && !quiet) {
        out.push(formatUndone(g.lesson, g.step, failing));
        g.undone = true;
      } else if (!failing && g.undone) {
        out.push(formatRedone(g.lesson, g.step));
        g.undone = false;
      }
      g.holds = !failing;
    }
    return out;
  };

  const judge = async (touched?: (ns: string) => boolean): Promise<Change[]> => {
    const r = await reevaluate(shells, target, step(), snapshot, touched);
    snapshot = r.snapshot;
    results = r.results;
    return r.changes;
  };

  const status = (): string => {
    const s = step();
    return s ? formatStatus({ lesson, step: s, results, typed: typedCount(s), toType: toType(s) }) : '';
  };

  /** Moves past every step that is done (or the one forced on), showing the card of the step it stops at. */
  const advance = async (force: 'next' | 'skip' | null): Promise<string[]> => {
    const out: string[] = [];
    let s = step();
    let moved = false;
    while (s && (force || isDone(s))) {
      const transient = s.checks.filter((d) => d.transient);
      // "Not yet" claims describe the moment their step is done: judged now, once, and only shown.
      const now = transient.length ? await evaluateChecks(transient, shells[0]!, target) : [];
      const skipped = force === 'skip' && !isDone(s);
      out.push(formatStepDone(s, now, skipped));
      // Done: from now on a command that undoes it is named.
      guarded.push(guard(lesson, s, !skipped && checked(s) && checksHold()));
      force = null;
      moved = true;
      index++;
      typed = new Set();
      results = null;
      s = step();
      // A step the learner already did (typing ahead) is passed at once, without its card.
      if (s && checked(s)) await judge(untouched);
    }
    if (!moved) return out;
    if (s) out.push(`\n${formatStepCard(lesson, s)}`);
    else out.push(formatLessonDone(lesson, input.nextLesson, ctx, input.lab));
    return out;
  };

  const reply = (parts: string[]): LearnReply => ({
    label: promptLabel(lesson, step(), ctx),
    text: parts.filter(Boolean).join('\n'),
  });
  /** Progress shown after the step's card gets a blank line between them. */
  const afterCard = (shown: string[]): string =>
    status() && shown.some((p) => p.includes('━━')) ? `\n${status()}` : status();

  async function onPrompt(req: PromptRequest): Promise<LearnReply> {
    const fresh = req.histNo !== '' && lastSeen.get(req.pid) !== req.histNo;
    lastSeen.set(req.pid, req.histNo);
    if (!started) {
      started = true;
      const changes = await judge();
      await watch(true);
      const s = step();
      const shown = [formatChanges(changes), s ? `\n${formatStepCard(lesson, s)}` : '', ...(await advance(null))];
      return reply([...shown, afterCard(shown)]);
    }
    // A helper answered already, in its own request.
    if (fresh && (HELPER_NAMES as readonly string[]).includes(req.command)) return reply([]);
    const changes = await judge(touchedBy(req.command, req.ctx));
    const undone = await watch(false);
    const s = step();
    // A command that only shows counts once the step's checks hold: seeing it work is the point.
    const key = commandKey(req.command, req.ctx);
    if (fresh && s && runKeys(s).includes(key) && (!checked(s) || checksHold())) typed.add(key);
    const shown = [formatChanges(changes), ...undone, ...(await advance(null))];
    return reply([...shown, afterCard(shown)]);
  }

  return {
    current: step,
    async handle(req) {
      ctx = req.ctx;
      if (req.kind === 'prompt') return onPrompt(req);
      const s = step();
      switch (req.kind) {
        case 'step':
          return reply(
            s
              ? [formatStepCard(lesson, s), `\n${status()}`]
              : [formatLessonDone(lesson, input.nextLesson, ctx, input.lab)],
          );
        case 'where':
          return reply([formatWhere(lesson, s, ctx, input.lab)]);
        case 'hint': {
          if (!s) return reply([`  ${lesson.id} is complete: nothing to fix.`]);
          const changes = await judge(untouched);
          return reply([formatChanges(changes), formatHint(s, results ?? [], toType(s))]);
        }
        case 'next': {
          if (!s) return reply([formatLessonDone(lesson, input.nextLesson, ctx, input.lab)]);
          // Once the checks hold, next goes on without the commands that only show it.
          if (checked(s) && !isDone(s)) {
            await judge(untouched);
            if (!checksHold())
              return reply([
                `  Step ${s.index} is not done yet:`,
                formatHint(s, results ?? []),
                '  (skip moves on anyway.)',
              ]);
          }
          const shown = await advance('next');
          return reply([...shown, afterCard(shown)]);
        }
        case 'skip': {
          if (!s) return reply([formatLessonDone(lesson, input.nextLesson, ctx, input.lab)]);
          const shown = await advance('skip');
          return reply([...shown, afterCard(shown)]);
        }
      }
    },
  };
}

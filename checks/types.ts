// What a check kind is and what it returns; what it judges is the Snapshot model. Pure types.
import type { Need, Snapshot } from '../src/snapshot/model.js';
import type { ArgReader } from './checkLine.js';

/** What a check observed. `ok` is the plain claim (before `absent`/`fails` turn it around). */
export interface Verdict {
  ok: boolean;
  message: string;
  /** Set when the check could not be judged here (e.g. no outside world on this target). */
  skip?: string;
}

/** A command that makes a claim true; `replaces`: it must first undo something there (a rule that wins). */
export interface Fix {
  command: string;
  replaces?: boolean;
}

/** Runs a read-only command in a namespace of the target, for active probes. */
export interface ProbeEnv {
  exec(line: string, ns: string): Promise<{ exitCode: number; output: string }>;
  /** Why this target may not send traffic to that address from that namespace, or null when it may. */
  refuseTraffic(address: string, ns: string): string | null;
  /** What in the target is still coming up (a link, a bridge port) or resolving a neighbour; null: nothing. */
  stillComingUp(): Promise<string | null>;
  /**
   * What in the target may hold an answer back (ARP answered by proxy, up to `proxy_delay`; a link whose
   * qdisc delays what it sends), read before negative probes; a path that was not read counts as one that
   * may. Empty: every answer comes at once.
   */
  readonly lateAnswers: readonly string[];
}

export interface CheckKind<A> {
  kind: string;
  /** The argument synopsis, shown in errors: `link NAME [in=NS] …`. */
  usage: string;
  /** Parse and validate the arguments; throw CheckSyntaxError with an offset. */
  parse(r: ArgReader): A;
  /** Whether the declared claim is turned around (`absent`, `fails`). */
  negated(a: A): boolean;
  title(a: A): string;
  needs(a: A): Need[];
  /** Pure judgement over a snapshot (state checks). */
  evaluate?(a: A, s: Snapshot): Verdict;
  /** Active probe (traffic checks). */
  probe?(a: A, env: ProbeEnv): Promise<Verdict>;
  /**
   * True when `later`, claimed after `earlier` in a course, says the opposite about the same thing (the
   * same rule absent, the same link down, the same probe failing): a later lesson undid it on purpose.
   */
  contradicts?(earlier: A, later: A): boolean;
  /** The interface the claim is about, when it names one: a later claim that it is gone overrides it. */
  device?(a: A): { ns: string; name: string } | null;
  /**
   * The command that makes the declared claim true, computed from what the snapshot holds (a link that
   * exists but is down is brought up, not created again); null when only the lesson's own steps will do.
   */
  fix?(a: A, s: Snapshot): Fix | null;
}

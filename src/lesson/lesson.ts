// The Lesson model: what the parser produces and every other module consumes. Pure data.
import type { CommandLine } from '../core/commandLine.js';

/** 1-based line and column in a lesson file, as vfile/unist report them. */
export interface Position {
  line: number;
  column: number;
}

/** A shell context opened by `nsenter --net=… bash` or `ip netns exec X bash`. */
export interface Context {
  /** The namespace name (netns0) the context enters. */
  netns: string;
  /** The exact line that opened it; lines inside run as `<opener> -c '<line>'`. */
  opener: string;
}

export interface Command {
  /** The line as written in the lesson (continuations joined). */
  line: string;
  /** The line taken apart once: its simple commands, their argv past wrappers, namespaces, redirections. */
  parsed: CommandLine;
  /** null: the target's host namespace. */
  context: Context | null;
  /** What the line does to the shell: run it, open a context, or close one. */
  role: 'run' | 'open-context' | 'close-context';
  /** "(if needed)" deletions and blocks fenced `bash may-fail`. */
  mayFail: boolean;
  /** Set for commands that never return (servers): run in the background, wait until the port listens. */
  background: { port: number | null } | null;
  /** True when the line only reads state (list, show, ping, curl). */
  observes: boolean;
  position: Position;
}

/** A check as declared in a lesson: a kind, its parsed arguments and the common options. */
export interface CheckDecl {
  /** Unique within the course: `lesson-6:2.1` unless given with `id=`. */
  id: string;
  kind: string;
  /** Kind-specific arguments, as parsed and validated by the kind's module in checks/. */
  args: Record<string, unknown>;
  title: string;
  points: number;
  hint: string | null;
  /** True only right after its step ("cannot reach … yet"): later steps change it on purpose. */
  transient: boolean;
  /** The check line as written, for messages. */
  source: string;
  position: Position;
}

/** change: alters state and must carry checks; observe: only reads; cleanup: only may-fail deletions. */
export type StepKind = 'change' | 'observe' | 'cleanup';

export interface Step {
  /** 1-based index within the lesson. */
  index: number;
  title: string;
  /** The step's explanation, as plain text. */
  prose: string;
  /** The same explanation paragraph by paragraph, with the line each starts on, to show it between the commands (`learn`). */
  paragraphs: { line: number; text: string }[];
  kind: StepKind;
  commands: Command[];
  checks: CheckDecl[];
  position: Position;
}

export interface Lesson {
  id: string;
  title: string;
  prerequisites: string[];
  /** The lesson's prose before its first step, as plain text (for `show` and `learn`). */
  summary: string;
  file: string;
  steps: Step[];
}

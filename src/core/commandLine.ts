// A shell line taken apart once: its simple commands, each with the program it really runs (past the
// wrappers that only choose how or where: nsenter, ip netns exec, ip -n, timeout, env, sudo, …), the network
// namespace a wrapper puts it in, and its redirections. As much of bash as lesson lines and typed commands
// use; what runs inside `$(…)` or `bash -c '…'` stays one word. Pure, and plain data (lessons are cached as JSON).

export interface Word {
  /** The word as the program receives it: quotes removed, escapes resolved; `$(…)` and `$X` as written. */
  text: string;
  /** 0-based offset into the line where the word starts, and where it ends (exclusive). */
  offset: number;
  end: number;
}

export interface Redirect {
  /** The file descriptor written before the operator (`2>`), or null. */
  fd: number | null;
  /** `<`, `>`, `>>`, `>|`, `<>`, `<<`, `<<-`, `<<<`, `<&`, `>&`, `&>` or `&>>`. */
  op: string;
  /** The file; `1` in `2>&1`; a here-document's delimiter. */
  target: Word;
  offset: number;
}

/** The network namespace a wrapper runs a command in. */
export type Netns =
  /** Under /run/netns: `ip netns exec X`, `ip -n X`, `nsenter --net=/run/netns/X`. */
  | { kind: 'named'; name: string }
  /** Another file: `nsenter --net=/proc/42/ns/net`. */
  | { kind: 'path'; path: string }
  /** A process's: `nsenter -t PID -n`. */
  | { kind: 'pid'; pid: string }
  /** A new, empty one: `unshare -n`. */
  | { kind: 'new' };

export interface Wrapper {
  /** `nsenter`, `ip netns exec`, `ip -n`, `timeout`, `env`, `sudo`, … */
  name: string;
  /** Its words, options included (`ip -n X`'s are inside the ip command, not before it). */
  words: Word[];
}

export type Operator = '|' | '|&' | '&&' | '||' | ';' | '&';

export interface SimpleCommand {
  /** Every word as written, wrappers included, redirections left out. */
  words: Word[];
  /** Outermost first. */
  wrappers: Wrapper[];
  /** `NAME=value` words for the program: bash's own before it, env's and sudo's. */
  assignments: Word[];
  /** The program and its arguments, past the wrappers (the wrapper itself when nothing follows it). */
  argv: Word[];
  /** The namespace the innermost wrapper that names one runs it in; null: wherever the line runs. */
  netns: Netns | null;
  redirects: Redirect[];
  /** The operator after it; `&` runs it (its pipeline) in the background. */
  then: Operator | null;
  /** Offsets of its first and after its last word or redirection. */
  start: number;
  end: number;
}

export interface CommandLine {
  text: string;
  commands: SimpleCommand[];
  /** Bash syntax beyond lists and pipelines of simple commands: `( … )`, `{ …; }`, `if`, `for`, `!`, `[[`. */
  compound: boolean;
}

type Token =
  | { kind: 'word'; word: Word }
  | { kind: 'op'; op: Operator | '(' | ')' | ';;'; offset: number }
  | { kind: 'redirect'; fd: number | null; op: string; offset: number };

const META = ' \t\n|&;()<>';
const REDIRECT = /^(\d*)(<<<|<<-|<<|<>|<&|<|>>|>\||>&|>)|^(&>>|&>)/;
const CONTROL = ['||', '|&', '&&', ';;', '|', '&', ';', '(', ')'] as const;

/** Index of the `)` that closes the `(` at `open`, past quotes and nested parentheses (the end when none). */
function closing(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') i++;
    else if (c === "'") i = line.indexOf("'", i + 1) < 0 ? line.length : line.indexOf("'", i + 1);
    else if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return line.length - 1;
}

/** `$(…)`, `$((…))`, `${…}` or `` `…` `` starting at i: its end (exclusive), or null when none starts there. */
function expansionEnd(line: string, i: number): number | null {
  if (line[i] === '$' && line[i + 1] === '(') return closing(line, i + 1) + 1;
  if (line[i] === '$' && line[i + 1] === '{') {
    const j = line.indexOf('}', i);
    return j < 0 ? line.length : j + 1;
  }
  if (line[i] === '`') {
    let j = i + 1;
    while (j < line.length && line[j] !== '`') j += line[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, line.length);
  }
  return null;
}

const ANSI: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b' };

/** The word starting at i. */
function readWord(line: string, i: number): Word {
  const offset = i;
  let text = '';
  while (i < line.length && !META.includes(line[i]!)) {
    const c = line[i]!;
    const expansion = expansionEnd(line, i);
    if (expansion !== null) {
      text += line.slice(i, expansion);
      i = expansion;
    } else if (c === "'") {
      const j = line.indexOf("'", i + 1);
      const end = j < 0 ? line.length : j;
      text += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '$' && line[i + 1] === "'") {
      for (i += 2; i < line.length && line[i] !== "'"; i++) {
        if (line[i] === '\\' && i + 1 < line.length) text += ANSI[line[++i]!] ?? line[i];
        else text += line[i];
      }
      i++;
    } else if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; ) {
        const inner = expansionEnd(line, i);
        if (inner !== null) {
          text += line.slice(i, inner);
          i = inner;
        } else if (line[i] === '\\' && '$`"\\\n'.includes(line[i + 1] ?? '')) {
          if (line[i + 1] !== '\n') text += line[i + 1];
          i += 2;
        } else text += line[i++];
      }
      i++;
    } else if (c === '\\') {
      if (line[i + 1] !== '\n') text += line[i + 1] ?? '';
      i += 2;
    } else {
      text += c;
      i++;
    }
  }
  return { text, offset, end: Math.min(i, line.length) };
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const heredocs: { delimiter: string; strip: boolean }[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n') {
      tokens.push({ kind: 'op', op: ';', offset: i });
      i++;
      // The body of a here-document is text, not commands.
      for (const h of heredocs.splice(0)) {
        for (;;) {
          const next = line.indexOf('\n', i);
          const body = line.slice(i, next < 0 ? line.length : next);
          i = next < 0 ? line.length : next + 1;
          if ((h.strip ? body.replace(/^\t+/, '') : body) === h.delimiter || next < 0) break;
        }
      }
      continue;
    }
    if (c === '#') {
      const next = line.indexOf('\n', i);
      i = next < 0 ? line.length : next;
      continue;
    }
    // `<(…)` and `>(…)` are words (process substitution), not redirections.
    if ((c === '<' || c === '>') && line[i + 1] === '(') {
      const end = closing(line, i + 1) + 1;
      tokens.push({ kind: 'word', word: { text: line.slice(i, end), offset: i, end } });
      i = end;
      continue;
    }
    const redirect = REDIRECT.exec(line.slice(i));
    if (redirect) {
      const op = redirect[2] ?? redirect[3]!;
      tokens.push({ kind: 'redirect', fd: redirect[1] ? Number(redirect[1]) : null, op, offset: i });
      i += redirect[0].length;
      if (op === '<<' || op === '<<-') {
        while (line[i] === ' ' || line[i] === '\t') i++;
        const delimiter = readWord(line, i);
        heredocs.push({ delimiter: delimiter.text, strip: op === '<<-' });
      }
      continue;
    }
    const control = CONTROL.find((op) => line.startsWith(op, i));
    if (control) {
      tokens.push({ kind: 'op', op: control, offset: i });
      i += control.length;
      continue;
    }
    const word = readWord(line, i);
    tokens.push({ kind: 'word', word });
    i = word.end;
  }
  return tokens;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
/** Reserved words that open or continue a compound command; the commands inside them are still listed. */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}']);
/** Compound commands whose words are not a command (`for x in …`, `case`, `[[ … ]]`): kept as they are. */
const OPAQUE = new Set(['for', 'select', 'case', 'esac', 'function', '[[', '((']);

const basename = (w: Word | undefined): string => (w ? w.text.replace(/^.*\//, '') : '');

/** The program a command runs, without its directory (`/usr/sbin/ip` → `ip`); '' when it runs none. */
export function programOf(c: SimpleCommand): string {
  return basename(c.argv[0]);
}

/** `ip [OPTIONS] OBJECT …`: options that take a value (`-n` too, though the model takes it out of argv). */
const IP_VALUED = new Set(['-b', '-batch', '-f', '-family', '-l', '-loops', '-rc', '-rcvbuf']);
const IP_NETNS = /^--?n(e(t(ns?)?)?)?$/;

/** The words of an `ip` command after `ip` and its options: the object first (`link`, `addr`, `netns`). */
export function ipArgs(argv: readonly Word[]): Word[] {
  if (basename(argv[0]) !== 'ip') return [];
  let i = 1;
  while (argv[i]?.text.startsWith('-')) i += IP_VALUED.has(argv[i]!.text) || IP_NETNS.test(argv[i]!.text) ? 2 : 1;
  return argv.slice(i);
}

/** The index of the first word past a wrapper's options (starting at 1), given the options that take a value. */
function pastOptions(w: readonly Word[], valued: ReadonlySet<string>): number {
  let i = 1;
  while (i < w.length) {
    const t = w[i]!.text;
    if (t === '--') return i + 1;
    if (!t.startsWith('-') || t === '-') break;
    i += valued.has(t) ? 2 : 1;
  }
  return i;
}

/** Files a network namespace is entered by; `nsenter --net /run/netns/X` (a separate value) is read as meant. */
const NETNS_FILE = /^\/(?:var\/)?run\/|^\/proc\//;

function netnsOfPath(path: string): Netns {
  const m = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(path);
  return m ? { kind: 'named', name: m[1]! } : { kind: 'path', path };
}

/** What a wrapper at w[0] takes: how many words, and the namespace it enters (undefined: it enters none). */
type Unwrapped = { skip: number; netns?: Netns } | null;

const NSENTER_VALUED = new Set(['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-W', '--wdns']);

function nsenter(w: readonly Word[]): Unwrapped {
  let target: string | null = null;
  let net: string | true | null = null;
  let i = 1;
  for (; i < w.length; i++) {
    const t = w[i]!.text;
    let m: RegExpExecArray | null;
    if (t === '--') {
      i++;
      break;
    }
    if (!t.startsWith('-') || t === '-') break;
    if (t === '-t' || t === '--target') target = w[++i]?.text ?? null;
    else if ((m = /^(?:--target=|-t)(.+)$/.exec(t))) target = m[1]!;
    else if (t === '-n' || t === '--net') {
      const value = w[i + 1]?.text;
      if (value && NETNS_FILE.test(value)) {
        net = value;
        i++;
      } else net = true;
    } else if ((m = /^(?:--net=|-n)(.+)$/.exec(t))) net = m[1]!;
    else if (t === '-a' || t === '--all') net ??= true;
    else if (NSENTER_VALUED.has(t)) i++;
  }
  if (typeof net === 'string') return { skip: i, netns: netnsOfPath(net) };
  if (net && target !== null) return { skip: i, netns: { kind: 'pid', pid: target } };
  return { skip: i };
}

function unshare(w: readonly Word[]): Unwrapped {
  const valued = new Set(['-S', '--setuid', '-G', '--setgid', '-R', '--root', '-w', '--wd', '--propagation']);
  for (const m of ['--map-user', '--map-group', '--map-users', '--map-groups']) valued.add(m);
  const skip = pastOptions(w, valued);
  const net = w
    .slice(1, skip)
    .some((x) => x.text === '--net' || x.text.startsWith('--net=') || /^-[a-zA-Z]*n[a-zA-Z]*$/.test(x.text));
  return net ? { skip, netns: { kind: 'new' } } : { skip };
}

const valued =
  (...options: string[]): ((w: readonly Word[]) => Unwrapped) =>
  (w) => ({ skip: pastOptions(w, new Set(options)) });

/** Commands that run the rest of their words as a command. */
const WRAPPERS: Record<string, (w: readonly Word[]) => Unwrapped> = {
  nsenter,
  unshare,
  timeout: (w) => ({ skip: pastOptions(w, new Set(['-s', '--signal', '-k', '--kill-after'])) + 1 }),
  env: (w) => {
    const skip = pastOptions(w, new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']));
    // `env -S 'CMD ARGS'` splits one word into a command: not followed here.
    return w.slice(1, skip).some((x) => /^(-S|--split-string)/.test(x.text)) ? null : { skip };
  },
  sudo: valued('-u', '--user', '-g', '--group', '-C', '--close-from', '-D', '--chdir', '-p', '--prompt', '-r'),
  doas: valued('-u', '-C'),
  nice: valued('-n', '--adjustment'),
  stdbuf: valued('-i', '--input', '-o', '--output', '-e', '--error'),
  exec: valued('-a'),
  time: valued('-o', '--output', '-f', '--format'),
  command: (w) => (w.slice(1).some((x) => x.text === '-v' || x.text === '-V') ? null : valued()(w)),
  nohup: valued(),
  setsid: valued(),
};

/** Past bash's assignments and the wrappers: what the command really runs, and where. */
function unwrap(words: Word[]): Pick<SimpleCommand, 'wrappers' | 'assignments' | 'argv' | 'netns'> {
  const wrappers: Wrapper[] = [];
  const assignments: Word[] = [];
  let netns: Netns | null = null;
  let w = words;
  for (;;) {
    let k = 0;
    while (w[k] && ASSIGNMENT.test(w[k]!.text)) k++;
    assignments.push(...w.slice(0, k));
    w = w.slice(k);
    const head = basename(w[0]);
    if (head === 'ip' && w[1]?.text === 'netns' && w[2]?.text === 'exec' && w.length > 4) {
      wrappers.push({ name: 'ip netns exec', words: w.slice(0, 4) });
      netns = { kind: 'named', name: w[3]!.text };
      w = w.slice(4);
      continue;
    }
    const wrapper = Object.hasOwn(WRAPPERS, head) ? WRAPPERS[head]!(w) : null;
    if (!wrapper || wrapper.skip >= w.length) break;
    wrappers.push({ name: head, words: w.slice(0, wrapper.skip) });
    if (wrapper.netns) netns = wrapper.netns;
    w = w.slice(wrapper.skip);
  }
  // `ip -n X …` is ip switching to X itself: the namespace is the command's, the option leaves argv.
  if (basename(w[0]) === 'ip') {
    const argv = [w[0]!];
    let i = 1;
    for (; w[i]?.text.startsWith('-'); i++) {
      const t = w[i]!.text;
      if (IP_NETNS.test(t) && w[i + 1]) {
        wrappers.push({ name: 'ip -n', words: [w[i]!, w[i + 1]!] });
        netns = { kind: 'named', name: w[++i]!.text };
      } else {
        argv.push(w[i]!);
        if (IP_VALUED.has(t) && w[i + 1]) argv.push(w[++i]!);
      }
    }
    w = [...argv, ...w.slice(i)];
  }
  return { wrappers, assignments, argv: w, netns };
}

/** Takes a shell line apart. Never throws: unclosed quotes end at the end of the line. */
export function parseCommandLine(text: string): CommandLine {
  const commands: SimpleCommand[] = [];
  let compound = false;
  let words: Word[] = [];
  let redirects: Redirect[] = [];
  let pending: { fd: number | null; op: string; offset: number } | null = null;

  const end = (then: Operator | null): void => {
    // Reserved words open compound commands; the commands inside them still count.
    while (words[0] && KEYWORDS.has(words[0].text)) {
      compound = true;
      words = words.slice(1);
    }
    if (words[0] && OPAQUE.has(words[0].text)) compound = true;
    if (words.length || redirects.length) {
      const first = Math.min(words[0]?.offset ?? Infinity, redirects[0]?.offset ?? Infinity);
      const last = Math.max(words.at(-1)?.end ?? 0, redirects.at(-1)?.target.end ?? 0);
      commands.push({ words, ...unwrap(words), redirects, then, start: first, end: last });
    }
    words = [];
    redirects = [];
  };

  for (const token of tokenize(text)) {
    if (token.kind === 'redirect') {
      pending = token;
    } else if (token.kind === 'word') {
      if (pending) {
        redirects.push({ fd: pending.fd, op: pending.op, target: token.word, offset: pending.offset });
        pending = null;
      } else words.push(token.word);
    } else {
      pending = null;
      if (token.op === '(' || token.op === ')' || token.op === ';;') {
        compound = true;
        end(';');
      } else end(token.op);
    }
  }
  end(null);
  return { text, commands, compound };
}

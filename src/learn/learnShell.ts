// The learner's bash in `learn` and how it talks to tsnet-learn: the rcfile, the script every prompt
// sources, and the request/reply lines exchanged over two FIFOs. Pure text.
//
//   prompt.sh ──"kind pid ctx n command"──► req FIFO ──► learn (judges, diffs) ──► resp FIFO ──► printed
//
// The shell opens both FIFOs read-write, so it never blocks on an open, and it stops waiting for a
// reply after a while: if tsnet-learn is gone, the shell stays usable.
import { shellQuote } from '../core/shellQuote.js';

export const HELPER_NAMES = ['step', 'hint', 'next', 'skip', 'where'] as const;
export type HelperName = (typeof HELPER_NAMES)[number];
export type RequestKind = 'prompt' | HelperName;

export interface PromptRequest {
  kind: RequestKind;
  /** The asking shell's pid (inside the lab); shells opened inside a namespace have their own. */
  pid: number;
  /** `host` or the netns the shell is in. */
  ctx: string;
  /** Its history number of the last command ('' when none yet): the same again means an empty Enter. */
  histNo: string;
  /** The last command typed, as the history has it. */
  command: string;
}

/** Ends a reply: the shell reads lines up to this one. */
export const END_OF_REPLY = '\x04';

/** How long the shell waits for a reply before giving up (the evaluation of a slow probe takes seconds). */
export const REPLY_TIMEOUT_S = 20;

export function parseRequest(line: string): PromptRequest | null {
  const [kind, pid, ctx, histNo, ...rest] = line.split('\t');
  if (!kind || !(kind === 'prompt' || (HELPER_NAMES as readonly string[]).includes(kind))) return null;
  if (!pid || !/^\d+$/.test(pid) || !ctx || histNo === undefined) return null;
  return { kind: kind as RequestKind, pid: Number(pid), ctx, histNo, command: rest.join(' ').trim() };
}

/** A reply: the prompt label on the first line, then the text to print. */
export function formatReply(label: string, text: string): string {
  return `${label || '-'}\n${text ? `${text.replace(/\n+$/, '')}\n` : ''}${END_OF_REPLY}\n`;
}

/**
 * The rcfile of the learner's shell. PROMPT_COMMAND and the directory are exported, so shells the learner
 * opens inside a namespace (`nsenter --net=… bash`) report too, and HISTFILE lives in the private directory.
 */
export function learnRcfile(dir: string): string {
  return `# tsnet-learn learn: the learner's shell. Generated, and removed when learn ends.
export TSNET_LEARN_DIR=${shellQuote(dir)}
export HISTFILE="$TSNET_LEARN_DIR/history"
HISTCONTROL=
export PROMPT_COMMAND='[ -r "$TSNET_LEARN_DIR/prompt.sh" ] && . "$TSNET_LEARN_DIR/prompt.sh"'
`;
}

/** The script sourced before every prompt: report, print the reply, set the prompt. */
export function promptScript(lab: string, color: boolean, timeoutS = REPLY_TIMEOUT_S): string {
  const [on, off] = color ? ['\\[\\e[1;36m\\]', '\\[\\e[0m\\]'] : ['', ''];
  return `# Sourced before every prompt of the learner's shell (tsnet-learn learn). Generated.
__tsnet_ask() {
  local ctx=host f h n= c= fd w line label= ended=
  for f in /run/netns/*; do [[ /proc/$$/ns/net -ef $f ]] && ctx=\${f##*/}; done
  h=$(HISTTIMEFORMAT= builtin history 1)
  if [[ $h =~ ^\\ *([0-9]+)\\*?\\ +(.*)$ ]]; then n=\${BASH_REMATCH[1]}; c=\${BASH_REMATCH[2]}; fi
  c=\${c//[$'\\t\\n']/ }
  exec {fd}<>"$TSNET_LEARN_DIR/resp" {w}<>"$TSNET_LEARN_DIR/req" || return
  printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$1" "$$" "$ctx" "$n" "\${c:0:2000}" >&$w
  exec {w}>&-
  while IFS= read -r -t ${timeoutS} -u $fd line; do
    [[ $line == $'\\x04' ]] && { ended=1; break; }
    if [[ -z $label ]]; then label=$line; else printf '%s\\n' "$line"; fi
  done
  exec {fd}<&-
  [[ -n $ended && $label != - ]] && __tsnet_label=$label
}
${HELPER_NAMES.map((h) => `${h}() { __tsnet_ask ${h}; }`).join('\n')}
if [[ -p $TSNET_LEARN_DIR/req ]]; then
  history -a
  __tsnet_ask prompt
  PS1='${on}[lab:${lab} \${__tsnet_label:-learn}]${off} \\w \\$ '
fi
`;
}

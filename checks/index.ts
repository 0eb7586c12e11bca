// The check registry: one module per kind. A new kind of check is a new file here and one line below.
import { addr } from './addr.js';
import { ArgReader, CheckSyntaxError, tokenizeCheckLine } from './checkLine.js';
import { http } from './http.js';
import { link } from './link.js';
import { listening } from './listening.js';
import { netns } from './netns.js';
import { ping } from './ping.js';
import { route } from './route.js';
import { rule } from './rule.js';
import { sysctl } from './sysctl.js';
import type { CheckKind } from './types.js';

// Each kind has its own argument type; the registry only passes them back to the same kind.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: each kind has its own argument type; the registry holds them all.
export const checkKinds: Record<string, CheckKind<any>> = {
  netns,
  link,
  addr,
  route,
  sysctl,
  rule,
  listening,
  ping,
  http,
};

export interface ParsedCheckLine {
  kind: string;
  args: Record<string, unknown>;
  title: string;
  id: string | null;
  points: number;
  hint: string | null;
  transient: boolean;
}

/** Parses one check line; throws CheckSyntaxError with an offset into the line. */
export function parseCheckLine(line: string): ParsedCheckLine | null {
  const tokens = tokenizeCheckLine(line);
  const first = tokens[0];
  if (!first) return null;
  const kind = checkKinds[first.text];
  if (!kind) {
    throw new CheckSyntaxError(
      `Unexpected check kind \`${first.text}\`, expected one of ${Object.keys(checkKinds).join(', ')}`,
      first.offset,
    );
  }
  // "Missing argument" points just after the last token, not past a trailing comment.
  const last = tokens.at(-1)!;
  const r = new ArgReader(tokens.slice(1), last.offset + last.text.length);
  const id = r.option('id');
  if (id && !/^[A-Za-z0-9_.:/-]+$/.test(id.text))
    throw new CheckSyntaxError(`Unexpected id \`${id.text}\`, expected letters, digits and . : / _ -`, id.offset);
  const title = r.option('title');
  const hint = r.option('hint');
  const points = r.option('points');
  const transient = r.flag('transient');
  if (points && !/^\d+$/.test(points.text))
    throw new CheckSyntaxError(`Unexpected points \`${points.text}\`, expected a whole number`, points.offset);
  let args: Record<string, unknown>;
  try {
    args = kind.parse(r) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof CheckSyntaxError && e.message.startsWith('Unexpected end of line')) {
      throw new CheckSyntaxError(`${e.message} (usage: ${kind.usage})`, e.offset);
    }
    throw e;
  }
  return {
    kind: first.text,
    args,
    title: title?.text ?? kind.title(args),
    id: id?.text ?? null,
    points: points ? Number(points.text) : 1,
    hint: hint?.text ?? null,
    transient,
  };
}

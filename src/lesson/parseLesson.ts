// Markdown → Lesson. Pure: source text in, a Lesson and positioned messages out. Nothing runs.
import type { Code, Heading, Root, RootContent } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { parseDocument } from 'yaml';
import { CheckSyntaxError } from '../../checks/checkLine.js';
import { parseCommandLine } from '../core/commandLine.js';
import { parseCheckLine } from '../../checks/index.js';
import { classifyLine } from './classifyCommand.js';
import { commandProblems, type OwnedFirewall } from './commandProblems.js';
import type { CheckDecl, Command, Context, Lesson, Position, Step } from './lesson.js';
import { type LessonMessage, lessonMessage } from './message.js';

export interface ParseResult {
  lesson: Lesson | null;
  messages: LessonMessage[];
}

const COMMAND_LANGS = new Set(['bash', 'sh', 'shell']);

function plainText(node: { type: string; value?: string; children?: unknown[] }): string {
  if (typeof node.value === 'string' && node.type !== 'code' && node.type !== 'yaml') return node.value;
  return (node.children ?? []).map((c) => plainText(c as typeof node)).join('');
}

/** Parses one lesson file. `file` is only used in messages. */
export function parseLesson(source: string, file: string): ParseResult {
  const messages: LessonMessage[] = [];
  const lines = source.split('\n');
  const error = (position: Position, reason: string, rule: string): void => {
    messages.push(lessonMessage(file, position, reason, rule, 'error'));
  };
  const warn = (position: Position, reason: string, rule: string): void => {
    messages.push(lessonMessage(file, position, reason, rule, 'warning'));
  };

  const tree = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).parse(source) as Root;

  // Frontmatter.
  let id = '';
  let title = '';
  let prerequisites: string[] = [];
  const yamlNode = tree.children[0]?.type === 'yaml' ? tree.children[0] : null;
  if (!yamlNode) {
    error(
      { line: 1, column: 1 },
      'Unexpected start of lesson, expected frontmatter (`---` with id, title, prerequisites)',
      'frontmatter',
    );
  } else {
    const doc = parseDocument(yamlNode.value);
    const base = (yamlNode.position?.start.line ?? 1) + 1;
    for (const e of doc.errors) {
      const lp = e.linePos?.[0];
      // The library counts lines from the frontmatter's start: the position carries the file's line.
      const text = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      error({ line: base + (lp ? lp.line - 1 : 0), column: lp?.col ?? 1 }, `Unexpected YAML: ${text}`, 'frontmatter');
    }
    // Unreadable YAML says nothing about its keys: no further messages about them.
    const data = (doc.errors.length ? null : doc.toJS()) as Record<string, unknown> | null;
    const keyPos = (key: string): Position => {
      const i = yamlNode.value.split('\n').findIndex((l) => l.startsWith(`${key}:`));
      return { line: i >= 0 ? base + i : base - 1, column: 1 };
    };
    if (data && typeof data === 'object') {
      if (typeof data.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(data.id)) {
        error(
          keyPos('id'),
          data.id === undefined
            ? 'Unexpected missing id, expected `id: …`, a lowercase id such as lesson-3'
            : `Unexpected id ${JSON.stringify(data.id)}, expected a lowercase id such as lesson-3`,
          'frontmatter',
        );
      } else id = data.id;
      if (typeof data.title !== 'string' || !data.title.trim())
        error(keyPos('title'), 'Unexpected missing title, expected `title: …`', 'frontmatter');
      else title = data.title.trim();
      const pre = data.prerequisites ?? [];
      if (!Array.isArray(pre) || pre.some((p) => typeof p !== 'string')) {
        error(
          keyPos('prerequisites'),
          'Unexpected prerequisites, expected a list of lesson ids such as [lesson-2]',
          'frontmatter',
        );
      } else prerequisites = pre as string[];
      for (const key of Object.keys(data)) {
        if (!['id', 'title', 'prerequisites'].includes(key))
          warn(
            keyPos(key),
            `Unexpected frontmatter key \`${key}\`, expected id, title or prerequisites`,
            'frontmatter',
          );
      }
    } else if (!doc.errors.length) {
      error(
        { line: base, column: 1 },
        'Unexpected frontmatter, expected `id`, `title` and `prerequisites`',
        'frontmatter',
      );
    }
  }

  // Walk headings, paragraphs and code in document order (code may sit inside list items).
  const steps: Step[] = [];
  const summary: string[] = [];
  let current: Step | null = null;
  let context: Context | null = null;
  let mayFailStep = false;
  /** Where the open context began, and whether anything ran in it yet. */
  let contextAt: { position: Position; used: boolean } | null = null;
  /** The context the last step ended in, for a message when `exit` comes a step too late. */
  let endedContext: { netns: string; opener: string; position: Position } | null = null;
  const ownedFirewall: OwnedFirewall = new Set();
  const brokenChecks = new Set<Step>();
  const seenIds = new Map<string, Position>();

  const endStep = (): void => {
    if (!current) return;
    const runs = current.commands.filter((c) => c.role === 'run');
    current.kind =
      runs.length > 0 && runs.every((c) => c.mayFail)
        ? 'cleanup'
        : runs.every((c) => c.observes)
          ? 'observe'
          : 'change';
    // A step whose check lines are broken has been told so already.
    if (current.kind === 'change' && current.checks.length === 0 && !brokenChecks.has(current)) {
      warn(
        current.position,
        `Unexpected step without checks, expected a \`check\` block: "${current.title}" changes state`,
        'step-checks',
      );
    }
    const open = context as Context | null;
    if (open && contextAt) {
      // A context ends with its step: commands meant for it in the next step would run on the host.
      if (!contextAt.used) {
        error(
          contextAt.position,
          `Unexpected end of step right after \`${open.opener}\`, expected the commands for ${open.netns} in the same step (a context ends with its step)`,
          'context',
        );
      }
      endedContext = { netns: open.netns, opener: open.opener, position: contextAt.position };
    }
    context = null;
    contextAt = null;
  };

  visit(tree, (node, _index, parent) => {
    const n = node as RootContent;
    if (n.type === 'heading') {
      const h = n as Heading;
      const pos = { line: h.position?.start.line ?? 1, column: h.position?.start.column ?? 1 };
      if (h.depth === 2) {
        endStep();
        const text = plainText(h).trim();
        current = {
          index: steps.length + 1,
          title: text,
          prose: '',
          paragraphs: [],
          kind: 'change',
          commands: [],
          checks: [],
          position: pos,
        };
        mayFailStep = /\(if needed\)/i.test(text);
        steps.push(current);
      } else if (h.depth === 1 && !title) {
        title = plainText(h).trim();
      }
      return 'skip';
    }
    if (n.type === 'paragraph' || n.type === 'blockquote') {
      const text = plainText(n).trim();
      if (current) {
        current.prose += (current.prose ? '\n\n' : '') + text;
        current.paragraphs.push({
          line: n.position?.start.line ?? 0,
          text: parent?.type === 'listItem' ? `- ${text}` : text,
        });
      } else summary.push(text);
      return 'skip';
    }
    if (n.type !== 'code') return undefined;
    const code = n as Code;
    const start = code.position?.start ?? { line: 1, column: 1 };
    const lang = (code.lang ?? '').toLowerCase();
    const meta = code.meta ?? '';
    const fenceLine = lines[start.line - 1] ?? '';
    const fence = /^\s*(`{3,}|~{3,})/.exec(fenceLine)?.[1];
    if (fence) {
      const endLine = lines[(code.position?.end.line ?? start.line) - 1] ?? '';
      const closed = (code.position?.end.line ?? 0) > start.line && endLine.trim().startsWith(fence);
      if (!closed) {
        error(
          { line: start.line, column: start.column },
          `Unexpected end of file, expected a closing fence (${fence}) for this block`,
          'fence',
        );
        return 'skip';
      }
    }
    if (!COMMAND_LANGS.has(lang) && lang !== 'check') return 'skip';
    if (!current) {
      error(
        { line: start.line, column: start.column },
        `Unexpected \`${lang}\` block before the first step, expected it under a \`##\` step heading`,
        'step',
      );
      return 'skip';
    }
    const step: Step = current;
    // Content lines begin on the line after the opening fence; indented code has no fence.
    const firstLine = fence ? start.line + 1 : start.line;
    const raw = code.value.split('\n');
    const posOf = (i: number, offsetInValue = -1): Position => {
      const srcLine = lines[firstLine + i - 1] ?? '';
      const valueLine = raw[i] ?? '';
      const indent = Math.max(
        0,
        srcLine.length - srcLine.trimStart().length - (valueLine.length - valueLine.trimStart().length),
      );
      const col =
        offsetInValue >= 0
          ? indent + offsetInValue + 1
          : indent + (valueLine.length - valueLine.trimStart().length) + 1;
      return { line: firstLine + i, column: col };
    };

    // A fence inside the block means the block above it was never closed: it swallowed what follows.
    const swallowed = raw.findIndex((l) => /^\s*(`{3,}|~{3,})/.test(l));
    if (swallowed >= 0) {
      const opener = raw[swallowed]!.trim();
      error(
        posOf(swallowed),
        `Unexpected fence ${opener} inside the ${lang} block opened at ${start.line}:${start.column}, expected that block to be closed first with ${fence ?? '```'} on a line of its own`,
        'fence',
      );
      brokenChecks.add(step);
      return 'skip';
    }

    if (lang === 'check') {
      raw.forEach((text, i) => {
        try {
          const parsed = parseCheckLine(text);
          if (!parsed) return;
          const checkId = parsed.id ?? `${id || 'lesson'}:${step.index}.${step.checks.length + 1}`;
          const position = posOf(i);
          const dup = seenIds.get(checkId);
          if (dup)
            error(
              position,
              `Unexpected duplicate check id \`${checkId}\`, expected a unique id (first used at ${dup.line}:${dup.column})`,
              'check-id',
            );
          seenIds.set(checkId, position);
          const decl: CheckDecl = {
            id: checkId,
            kind: parsed.kind,
            args: parsed.args,
            title: parsed.title,
            points: parsed.points,
            hint: parsed.hint,
            transient: parsed.transient,
            source: text.trim(),
            position,
          };
          step.checks.push(decl);
        } catch (e) {
          if (!(e instanceof CheckSyntaxError)) throw e;
          error(posOf(i, e.offset), e.message, 'check');
          brokenChecks.add(step);
        }
      });
      return 'skip';
    }

    const mayFail = mayFailStep || /\bmay-fail\b/.test(meta);
    for (let i = 0; i < raw.length; i++) {
      let text = raw[i]!.trim();
      const at = i;
      // Where each joined part of a continued line starts, to position problems inside it.
      const parts = [{ start: 0, i, lead: raw[i]!.length - raw[i]!.trimStart().length }];
      while (text.endsWith('\\') && i + 1 < raw.length) {
        i++;
        const head = text.slice(0, -1).trimEnd();
        parts.push({ start: head.length + 1, i, lead: raw[i]!.length - raw[i]!.trimStart().length });
        text = `${head} ${raw[i]!.trim()}`;
      }
      if (!text || text.startsWith('#')) continue;
      const position = posOf(at);
      const parsed = parseCommandLine(text);
      const { problems, owns } = commandProblems(parsed, ownedFirewall, context !== null);
      for (const o of owns) ownedFirewall.add(o);
      for (const p of problems) {
        const part = parts.filter((q) => q.start <= p.offset).at(-1)!;
        error(posOf(part.i, part.lead + p.offset - part.start), p.reason, p.rule);
      }
      if (problems.length) continue;
      const cls = classifyLine(parsed);
      if (cls.role === 'close-context') {
        if (!context) {
          error(
            position,
            endedContext
              ? `Unexpected \`exit\`: the context of ${endedContext.netns} opened at ${endedContext.position.line}:${endedContext.position.column} ended with its step, expected \`exit\` in the same step as its \`${endedContext.opener}\``
              : 'Unexpected `exit`, expected an open context (`nsenter --net=… bash`) to leave',
            'context',
          );
          continue;
        }
        step.commands.push({
          line: text,
          parsed,
          context,
          role: 'close-context',
          mayFail,
          background: null,
          observes: true,
          position,
        });
        context = null;
        contextAt = null;
        continue;
      }
      if (cls.role === 'open-context') {
        if (context) {
          error(
            position,
            `Unexpected \`${text}\` inside the context of ${context.netns}, expected \`exit\` first`,
            'context',
          );
          continue;
        }
        context = { netns: cls.netns!, opener: text };
        contextAt = { position, used: false };
        endedContext = null;
        step.commands.push({
          line: text,
          parsed,
          context,
          role: 'open-context',
          mayFail,
          background: null,
          observes: true,
          position,
        });
        continue;
      }
      if (contextAt) contextAt.used = true;
      const command: Command = {
        line: text,
        parsed,
        context,
        role: 'run',
        mayFail,
        background: cls.background,
        observes: cls.observes,
        position,
      };
      step.commands.push(command);
    }
    return 'skip';
  });
  endStep();

  if (steps.length === 0 && messages.every((m) => m.ruleId !== 'fence')) {
    error({ line: 1, column: 1 }, 'Unexpected lesson without steps, expected at least one `##` step', 'step');
  }
  messages.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const failed = messages.some((m) => m.fatal);
  return {
    lesson: failed ? null : { id, title, prerequisites, summary: summary.join('\n\n'), file, steps },
    messages,
  };
}

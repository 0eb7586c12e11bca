// Positioned authoring messages are vfile's own (VFileMessage: file, line, column, reason, ruleId, fatal),
// printed vfile-reporter style: `file:line:col  error  reason  rule`. vfile costs ~20 ms to load: modules
// on the way of every run (lint, catalog) import this one only when there is something to say.
import { VFile } from 'vfile';
import type { Position } from './lesson.js';

/** A vfile message: `fatal` is true for an error, false for a warning; `ruleId` is a short rule such as `context`. */
export type LessonMessage = VFile['messages'][number];

export type Severity = 'error' | 'warning';

/** A message about `file` at `place`, worded "Unexpected X, expected Y". */
export function lessonMessage(
  file: string,
  place: Position,
  reason: string,
  rule: string,
  severity: Severity,
): LessonMessage {
  const m = new VFile(file ? { path: file } : undefined).message(reason, {
    place: { line: place.line, column: place.column },
    ruleId: rule,
    source: 'tsnet-learn',
  });
  m.fatal = severity === 'error';
  return m;
}

/** The same message as an error: nothing runs while a lesson has problems, and lint fails on a warning too. */
export function asError(m: LessonMessage): LessonMessage {
  if (m.fatal) return m;
  return lessonMessage(m.file ?? '', { line: m.line ?? 1, column: m.column ?? 1 }, m.reason, m.ruleId ?? '', 'error');
}

export function formatMessage(m: LessonMessage): string {
  return `${m.file ?? ''}:${m.line ?? 1}:${m.column ?? 1}  ${m.fatal ? 'error' : 'warning'}  ${m.reason}  ${m.ruleId ?? ''}`;
}

export function formatMessages(messages: readonly LessonMessage[]): string {
  const sorted = [...messages].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
  const errors = sorted.filter((m) => m.fatal).length;
  const warnings = sorted.length - errors;
  const tally = [
    errors ? `${errors} error${errors > 1 ? 's' : ''}` : '',
    warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return [...sorted.map(formatMessage), '', tally].join('\n');
}

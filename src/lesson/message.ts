// Positioned authoring messages, vfile-reporter style: `file:line:col  text  rule`.
import type { Position } from './lesson.js';

export interface LessonMessage {
  file: string;
  position: Position;
  /** "Unexpected X, expected Y" wording. */
  reason: string;
  /** Short rule id, e.g. `check-kind`, `frontmatter`, `context`. */
  rule: string;
  severity: 'error' | 'warning';
}

export function formatMessage(m: LessonMessage): string {
  return `${m.file}:${m.position.line}:${m.position.column}  ${m.severity}  ${m.reason}  ${m.rule}`;
}

export function formatMessages(messages: readonly LessonMessage[]): string {
  const sorted = [...messages].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.position.line - b.position.line || a.position.column - b.position.column,
  );
  const errors = sorted.filter((m) => m.severity === 'error').length;
  const warnings = sorted.length - errors;
  const tally = [
    errors ? `${errors} error${errors > 1 ? 's' : ''}` : '',
    warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return [...sorted.map(formatMessage), '', tally].join('\n');
}

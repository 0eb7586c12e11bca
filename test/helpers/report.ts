// Every report a test reads goes through here: parsed, and held to the published schema
// (schema/report.schema.json). A report that breaks it fails the test that read it, saying where.
import { readFileSync } from 'node:fs';
import type { ReportCheck, ReportDocument, ReportStep } from '../../src/report/reportDocument.js';
import { type Schema, validate } from './jsonSchema.js';

export const REPORT_SCHEMA = JSON.parse(
  readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'),
) as Schema;

/** The value as a report document, or an Error listing what breaks the schema. */
export function validReport(value: unknown): ReportDocument {
  const errors = validate(REPORT_SCHEMA, value);
  if (errors.length > 0)
    throw new Error(`the report breaks schema/report.schema.json:\n  ${errors.slice(0, 20).join('\n  ')}`);
  return value as ReportDocument;
}

/** A CLI's `--format json` output (its stderr, if any, is told when it is no report at all). */
export function parseReport(r: { stdout: string; stderr?: string }): ReportDocument {
  let value: unknown;
  try {
    value = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not a JSON report: ${JSON.stringify(r.stdout.slice(0, 300))}\n${r.stderr ?? ''}`);
  }
  return validReport(value);
}

/** Every check of the report, lesson after lesson. */
export const checksOf = (doc: ReportDocument): ReportCheck[] => doc.lessons.flatMap((l) => l.checks);

/** Every step of a run, lesson after lesson, each with its lesson. */
export const stepsOf = (doc: ReportDocument): (ReportStep & { lesson: string })[] =>
  doc.lessons.flatMap((l) => (l.steps ?? []).map((s) => ({ ...s, lesson: l.id })));

// `--format json`: the whole run report as one JSON document.
import type { RunReport } from '../run/runReport.js';

export function jsonReport(r: RunReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

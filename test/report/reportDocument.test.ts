import t from 'tap';
import { TOOL_VERSION } from '../../src/core/tool.js';
import {
  jsonReport,
  ms,
  type ReportCheck,
  type ReportDocument,
  score,
  summarize,
} from '../../src/report/reportDocument.js';
import { REPORT_SCHEMA, validReport } from '../helpers/report.js';
import { validate } from '../helpers/jsonSchema.js';

const check = (status: ReportCheck['status'], points: number): ReportCheck => ({
  id: `c-${status}-${points}`,
  lesson: 'lesson-1',
  step: 1,
  kind: 'netns',
  title: 'namespace netns0 exists',
  status,
  points,
  earned: status === 'passed' ? points : 0,
  message: status === 'skipped' ? 'no outside world' : 'ok',
  hint: null,
  durationMs: 0,
});

const checkDoc = (): ReportDocument => ({
  tool: 'tsnet-learn',
  version: TOOL_VERSION,
  schemaVersion: 1,
  command: 'check',
  lesson: 'lesson-1',
  target: 'lab:x',
  passed: false,
  durationMs: 10,
  summary: { earned: 2, possible: 9, passed: 1, failed: 1, skipped: 1, skipReasons: ['no outside world'] },
  rootCause: { lesson: 'lesson-1', check: 'c-failed-3', message: 'gone', fix: 'ip netns add netns0' },
  lessons: [
    {
      id: 'lesson-1',
      title: 'Namespaces',
      role: 'lesson',
      status: 'failed',
      earned: 2,
      possible: 9,
      durationMs: 0,
      failure: 'namespace netns0 exists: gone',
      checks: [check('passed', 2), check('failed', 3), check('skipped', 4)],
    },
  ],
});

t.test('points and counts: a skipped check is never earned nor possible in a run, and says why', async (t) => {
  const checks = [check('passed', 2), check('failed', 3), check('skipped', 4)];
  t.same(score(checks), { earned: 2, possible: 5 });
  t.same(summarize(checkDoc().lessons), {
    earned: 2,
    possible: 5,
    passed: 1,
    failed: 1,
    skipped: 1,
    skipReasons: ['no outside world'],
  });
  t.same(
    summarize([{ ...checkDoc().lessons[0]!, checks: [check('skipped', 1), { ...check('skipped', 2) }] }]).skipReasons,
    ['no outside world'],
    'each reason once',
  );
  t.same(summarize(checkDoc().lessons, { earned: 2, possible: 9 }).possible, 9, "a grade's own points are kept");
  t.equal(ms(12.5), 13);
  t.equal(ms(-1), 0);
  t.equal(ms(undefined), 0);
});

t.test('the JSON is the document, as the schema has it', async (t) => {
  const text = jsonReport(checkDoc());
  t.ok(text.endsWith('}\n'));
  t.same(validReport(JSON.parse(text)), checkDoc());
});

/** What the schema must refuse, each a small change to a valid report. */
const BROKEN: [string, (d: ReportDocument & Record<string, unknown>) => void, RegExp][] = [
  [
    'the old status words',
    (d) => ((d.lessons[0]!.checks[0] as { status: string }).status = 'pass'),
    /status: must be one of/,
  ],
  ['a skipped check counted as earned', (d) => (d.lessons[0]!.checks[2]!.earned = 4), /checks\/2\/earned: must be 0/],
  ['a failed check counted as earned', (d) => (d.lessons[0]!.checks[1]!.earned = 3), /checks\/1\/earned: must be 0/],
  ['steps in a check report', (d) => (d.lessons[0]!.steps = []), /lessons\/0: must not match/],
  ['a run report without steps', (d) => (d.command = 'run'), /lessons\/0: must have "steps"/],
  ['a test report without its ablation', (d) => (d.command = 'test'), /must have "ablation"/],
  ['an ablation in a check report', (d) => (d.ablation = null), /must not match/],
  ['a field the schema does not know', (d) => (d.checks = []), /\/checks: is not allowed here/],
  ['a duration in fractions', (d) => (d.durationMs = 1.5), /durationMs: must be integer/],
  ['another schema version', (d) => ((d as { schemaVersion: number }).schemaVersion = 2), /schemaVersion: must be 1/],
  [
    'a root cause without its fix',
    (d) => delete (d.rootCause as Partial<ReportDocument['rootCause']>)!.fix,
    /matches none/,
  ],
];

for (const [what, breakIt, error] of BROKEN)
  t.test(`the schema refuses ${what}`, async (t) => {
    t.same(validate(REPORT_SCHEMA, checkDoc()), [], 'the report before the change is valid');
    const d = checkDoc() as ReportDocument & Record<string, unknown>;
    breakIt(d);
    t.match(validate(REPORT_SCHEMA, d).join('\n'), error);
    t.throws(() => validReport(d), /breaks schema\/report\.schema\.json/);
  });

// The course regression-tests itself through the CLI: lint, every lesson in a fresh lab, and ablation
// proving that every check can fail (transient "not yet" claims must be false after a later step).
import t from 'tap';
import { parseReport } from '../helpers/report.js';
import { sandbox } from './harness.js';

t.test('lint finds the bundled lessons well formed', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['lint']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /7 lesson files well formed/);
});

t.test('test --ablate: every lesson passes, every step is verified and every check can fail', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['test', '--ablate', '--jobs', '2', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const report = parseReport(r);
  t.same(
    report.lessons.map((l) => [l.id, l.status]),
    [1, 2, 3, 4, 5, 6, 7].map((n) => [`lesson-${n}`, 'passed']),
  );
  t.same(report.ablation?.findings, [], 'no check passes whichever step is left out, no step goes unverified');
  t.ok(report.ablation!.durationMs > 0 && report.ablation!.durationMs < report.durationMs);
  t.equal(report.summary.failed, 0);
  const list = await box.run(['lab', 'list']);
  t.match(list.stdout, /No labs/, 'every lab of the run was destroyed');
});

t.test('a lesson whose check contradicts its commands makes test exit 1, naming the check', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['test', 'test/fixtures/lessons/wrong-claim/lesson.md', '--format', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = parseReport(r);
  t.match(report.lessons[0]!.failure, /step 1: 1 check failed/);
  t.match(
    report.lessons[0]!.checks.filter((c) => c.status === 'failed'),
    [{ id: 'claims-netns9', title: 'namespace netns9 exists', hint: /claims a namespace/ }],
  );
  t.equal(report.ablation, null, 'no ablation asked for');
});

t.test('a check that cannot fail makes test --ablate exit 1, naming it', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['test', 'test/fixtures/lessons/cannot-fail/lesson.md', '--ablate', '--format', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = parseReport(r);
  t.same(
    report.lessons.map((l) => l.status),
    ['passed'],
    'the lesson itself passes',
  );
  t.same(
    report.ablation?.findings.map((f) => [f.kind, f.id]),
    [['check-cannot-fail', 'always-true']],
  );
});

t.test('a transient claim that no later step makes false makes test --ablate exit 1, naming it', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const lesson = 'test/fixtures/lessons/transient-tautology/lesson.md';
  const r = await box.run(['test', lesson, '--ablate', '--format', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = parseReport(r);
  t.same(
    report.lessons.map((l) => l.status),
    ['passed'],
    'the lesson itself passes',
  );
  t.same(
    report.ablation?.findings.map((f) => [f.kind, f.id, f.transient]),
    [['check-cannot-fail', 'lo-always', true]],
    'only the tautology: "lo starts down" is made false by step 2',
  );
  const pretty = await box.run(['test', lesson, '--ablate']);
  t.match(pretty.stdout, /✖ ablation: this transient claim is still true after every later step .*lo-always/);
});

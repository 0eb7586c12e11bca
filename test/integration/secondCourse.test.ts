// A second course, courses/relay, runs as the shipped one does: lint, list, every lesson in a fresh lab with
// ablation; a lesson finds its prerequisites in its own folder first; grading a lesson that undoes what its
// prerequisites built.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseReport } from '../helpers/report.js';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { sandbox, type Sandbox } from './harness.js';

const COURSE = 'courses/relay';
const UNDO = `${COURSE}/relay-4.md`;
const RULE = '-d 10.61.1.2 -p tcp --dport 8080 -j DNAT --to-destination 10.61.2.10:8000';

/** Runs a bash line inside a lab of the sandbox, as a learner typing in `lab shell` would. */
function inLab(box: Sandbox, lab: string, line: string): void {
  const pid = box.records()[lab]!.initPid;
  const r = spawnSync('nsenter', ['-t', String(pid), '--net', '--mount', '--', 'bash', '-c', line], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${line}: ${r.stderr}`);
}

t.test('lint finds the course well formed, and a lesson alone finds its prerequisites in its folder', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const [all, one] = await Promise.all([box.run(['lint', COURSE]), box.run(['lint', `${COURSE}/relay-3.md`])]);
  t.equal(all.code, 0, all.stderr);
  t.match(all.stdout, /^4 lesson files well formed/);
  t.equal(one.code, 0, one.stderr);
  t.match(one.stdout, /^1 lesson file well formed/);
});

t.test('list shows the lessons of the course in order, with what each needs', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['list', COURSE, '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const lessons = JSON.parse(r.stdout) as { id: string; prerequisites: string[] }[];
  t.same(
    lessons.map((l) => [l.id, l.prerequisites]),
    [
      ['relay-1', []],
      ['relay-2', ['relay-1']],
      ['relay-3', ['relay-2']],
      ['relay-4', ['relay-3']],
    ],
  );
  const pretty = await box.run(['list', COURSE]);
  t.match(pretty.stdout, /relay-4\s+Take the vault offline again/);
  t.notMatch(pretty.stdout, /lesson-1/, 'the bundled lessons are not part of it');
});

t.test('test --ablate: every lesson passes, every step is verified and every check can fail', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['test', COURSE, '--ablate', '--jobs', '2', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const report = parseReport(r);
  t.same(
    report.lessons.map((l) => [l.id, l.status]),
    [1, 2, 3, 4].map((n) => [`relay-${n}`, 'passed']),
  );
  t.same(
    report.ablation?.findings,
    [],
    'no check passes whichever step is left out, every transient claim is made false',
  );
  const list = await box.run(['lab', 'list']);
  t.match(list.stdout, /No labs/, 'every lab of the run was destroyed');
});

t.test('a lesson finds its prerequisites in its own folder first, then in the bundled course', async (t) => {
  const box = sandbox();
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-course-'));
  t.teardown(() => (box.cleanup(), rmSync(dir, { recursive: true, force: true })));
  const lesson = (id: string, title: string, prerequisites: string, ns: string): string =>
    `---\nid: ${id}\ntitle: ${title}\nprerequisites: [${prerequisites}]\n---\n\n## Make ${ns}\n\n` +
    `\`\`\`bash\nip netns add ${ns}\n\`\`\`\n\n\`\`\`check\nnetns ${ns}\n\`\`\`\n`;
  // lesson-1 here stands in for the bundled lesson-1; lesson-5 is only in the bundled course.
  writeFileSync(join(dir, 'lesson-1.md'), lesson('lesson-1', 'My own first lesson', '', 'own0'));
  writeFileSync(join(dir, 'mine.md'), lesson('mine', 'Mine', 'lesson-1, lesson-5', 'mine0'));
  const [lintDir, lintOne, show] = await Promise.all([
    box.run(['lint', dir]),
    box.run(['lint', join(dir, 'mine.md')]),
    box.run(['show', join(dir, 'mine.md')]),
  ]);
  t.equal(lintDir.code, 0, lintDir.stderr);
  t.equal(lintOne.code, 0, lintOne.stderr);
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, /prerequisites: lesson-1, lesson-5/);
  const r = await box.run(['run', join(dir, 'mine.md'), '--target', 'lab:own', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const report = parseReport(r);
  t.same(
    report.lessons.map((l) => [l.id, l.title, l.status]),
    [
      ['lesson-1', 'My own first lesson', 'passed'],
      ['lesson-5', 'Connect the namespaces with a bridge', 'passed'],
      ['mine', 'Mine', 'passed'],
    ],
  );
});

t.test('a lesson that undoes what its prerequisites built passes check on the network it leaves', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const run = await box.run(['run', UNDO, '--target', 'lab:relay']);
  t.equal(run.code, 0, run.stderr);
  const check = async (): Promise<{ code: number; report: ReportDocument }> => {
    const r = await box.run(['check', UNDO, '--target', 'lab:relay', '--format', 'json']);
    return { code: r.code, report: parseReport(r) };
  };

  const done = await check();
  t.equal(done.code, 0, 'check passes');
  t.equal(done.report.summary.earned, done.report.summary.possible);
  const relay3 = done.report.lessons.find((l) => l.id === 'relay-3')!.checks.map((c) => c.id);
  t.notOk(relay3.includes('relay-3:3.1'), 'relay-3 rule, deleted by relay-4 on purpose, is not demanded');
  t.ok(relay3.includes('relay-3:2.1'), 'what relay-4 leaves alone (the host address on lan-a) still is');

  const again = await box.run(['run', UNDO, '--target', 'lab:relay']);
  t.equal(again.code, 0, again.stderr);
  t.match(again.stdout, /relay-4 is already complete/, 'a second run finds it done, rebuilding nothing');

  inLab(box, 'relay', `iptables -t nat -A OUTPUT ${RULE}`);
  const ruleBack = await check();
  t.equal(ruleBack.code, 1, 'the rule is back: check fails');
  t.equal(ruleBack.report.rootCause?.check, 'relay-4:1.1', 'naming the rule that must go');
  // The fix deletes the rule as it is there (iptables-save's spelling of it), and it works: applied,
  // the rule is named no more.
  const fix = ruleBack.report.rootCause?.fix ?? '';
  t.match(
    fix,
    /^iptables -t nat -D OUTPUT -d 10\.61\.1\.2(\/32)? -p tcp .*--dport 8080 -j DNAT --to-destination 10\.61\.2\.10:8000$/,
  );

  inLab(box, 'relay', `${fix}; ip link set relay-b up`);
  const linkUp = await check();
  t.equal(linkUp.code, 1, 'the router leg is up again: check fails');
  t.equal(linkUp.report.rootCause?.check, 'relay-4:2.1', 'naming the link that must be down');
});

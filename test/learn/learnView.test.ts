import t from 'tap';
import { loadCatalog } from '../../src/lesson/catalog.js';
import type { CheckResult } from '../../src/judge/evaluateChecks.js';
import type { Change } from '../../src/snapshot/diffSnapshots.js';
import {
  firstFailing,
  formatChanges,
  formatHint,
  formatLessonDone,
  formatStatus,
  formatStepCard,
  promptLabel,
} from '../../src/learn/learnView.js';
import '../helpers/noColors.js';

const catalog = await loadCatalog();
const lesson3 = catalog.byId.get('lesson-3')!;
const lesson5 = catalog.byId.get('lesson-5')!;
const step3 = lesson3.steps[0]!;
const lasting3 = step3.checks.filter((d) => !d.transient);

const results = (statuses: ('passed' | 'failed' | 'skipped')[]): CheckResult[] =>
  statuses.map((status, i) => ({
    decl: lasting3[i]!,
    status,
    message:
      status === 'failed' ? `message ${i}` : status === 'skipped' ? 'not probed: a state check already fails' : 'ok',
  }));

t.test(
  "the step card puts the explanation and the commands in the lesson's order, each command with where it runs",
  async (t) => {
    const lines = formatStepCard(lesson3, step3).split('\n');
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    t.match(lines[0], /lesson-3 · step 1 of 1 · Configure `?netns0`? from the inside/);
    t.ok(
      at(/starts a shell whose network namespace/) < at(/\$ nsenter --net=\/run\/netns\/netns0 bash/),
      'the explanation of nsenter comes before it',
    );
    t.ok(
      at(/\$ nsenter/) < at(/First the loopback device/) &&
        at(/First the loopback device/) < at(/\[netns0\] \$ ip link set lo up/),
    );
    t.match(lines[at(/\$ nsenter/)], /opens a shell inside netns0/);
    t.notMatch(lines[at(/\$ nsenter/)], /\[netns0\]/, 'the opener itself is typed on the host');
    t.ok(
      at(/\[netns0\] \$ ip link set ceth0 up/) + 1 === at(/\[netns0\] \$ ip addr add 172\.18\.0\.10\/16 dev ceth0/),
      'commands of one block stay together',
    );
    t.ok(at(/Done when:/) > at(/type exit now/), '"done when" comes after all the prose');
    t.equal(
      lines.filter((l) => /^ {4}· /.test(l)).length,
      step3.checks.length + 1,
      'every check is listed, and the ping that shows it works',
    );
    t.ok(at(/^ {4}· and you have typed: ping -c 2 172\.18\.0\.11$/) > at(/Done when:/));
    t.ok(at(/Right after this step, and only then:/) > at(/Done when:/), 'the transient claim is listed apart');
  },
);

t.test('a step that only cleans up says so and how to go on', async (t) => {
  t.match(
    formatStepCard(lesson5, lesson5.steps[0]!),
    /may fail: nothing to delete is fine[\s\S]*This step only cleans up: type its commands, or next to go on\./,
  );
});

t.test('a server command suggests running it in the background', async (t) => {
  const lesson7 = catalog.byId.get('lesson-7')!;
  t.match(
    formatStepCard(lesson7, lesson7.steps[0]!),
    /python3 -m http\.server --bind 172\.18\.0\.10 5000 +# keeps running: add ' &'/,
  );
});

t.test('the status line counts the checks that hold and names the first that fails, with its message', async (t) => {
  t.equal(
    formatStatus({
      lesson: lesson3,
      step: step3,
      results: results(['passed', 'passed', 'failed', 'skipped', 'skipped']),
      typed: 0,
    }),
    `✗ step 1 of 1 · 2 of 5 checks hold · failing: ${lasting3[2]!.title} — message 2 (hint)`,
  );
});

t.test('a probe not sent because a state check fails is named only when nothing failed outright', async (t) => {
  t.equal(firstFailing(results(['passed', 'passed', 'passed', 'skipped', 'failed']))?.decl, lasting3[4]);
  t.equal(firstFailing(results(['passed', 'passed', 'passed', 'skipped', 'skipped']))?.decl, lasting3[3]);
  t.match(
    formatStatus({
      lesson: lesson3,
      step: step3,
      results: results(['passed', 'passed', 'passed', 'skipped', 'skipped']),
      typed: 0,
    }),
    /failing: netns0 reaches the host's end, veth0$/,
  );
});

t.test('a done step says done; a step without checks counts the commands typed', async (t) => {
  t.equal(
    formatStatus({
      lesson: lesson3,
      step: step3,
      results: results(['passed', 'passed', 'passed', 'passed', 'passed']),
      typed: 0,
    }),
    '✓ step 1 of 1 done',
  );
  t.equal(
    formatStatus({ lesson: lesson5, step: lesson5.steps[0]!, results: [], typed: 1 }),
    '○ step 1 of 5 · 1 of 4 commands typed · next goes on',
  );
});

t.test('hint gives the fix of every failing check and names the probes waiting for them', async (t) => {
  const text = formatHint(step3, results(['passed', 'passed', 'failed', 'skipped', 'skipped']));
  t.match(text, `✗ ${lasting3[2]!.title} — message 2\n    hint: inside netns0: ip addr add 172.18.0.10/16 dev ceth0`);
  t.match(text, /Judged once those hold: netns0 reaches the host's end, veth0; the host reaches netns0/);
  t.equal(
    formatHint(step3, results(['passed', 'passed', 'passed', 'passed', 'passed'])),
    '  Nothing fails: step 1 is done.',
  );
});

t.test('what changed is a short list', async (t) => {
  const change = (i: number): Change => ({ op: 'added', kind: 'link', ns: 'host', subject: `veth${i} (veth)` });
  t.equal(formatChanges([]), '');
  t.equal(formatChanges([change(0)]), '  what changed:\n    + link veth0 (veth) (the host)');
  const long = formatChanges(Array.from({ length: 15 }, (_, i) => change(i))).split('\n');
  t.equal(long.length, 1 + 12 + 1);
  t.equal(long.at(-1), '    … and 3 more');
});

t.test('the end of a lesson says what next, and how to get back to the host from inside a namespace', async (t) => {
  const text = formatLessonDone(lesson3, 'lesson-4', 'netns0', 'mine');
  t.match(text, /lesson-3 complete/);
  t.match(text, /still inside netns0: type exit/);
  t.match(text, /lab destroy mine/);
  t.match(text, /Next: tsnet-learn learn lesson-4 --target lab:mine/);
  t.notMatch(formatLessonDone(lesson3, null, 'host', 'default'), /type exit|Next:/);
});

t.test('the prompt label shows the lesson, the step and the namespace', async (t) => {
  t.equal(promptLabel(lesson5, lesson5.steps[3]!, 'host'), 'lesson-5 4/5');
  t.equal(promptLabel(lesson3, step3, 'netns0'), 'lesson-3 1/1 netns0');
  t.equal(promptLabel(lesson3, null, 'host'), 'lesson-3 done');
});

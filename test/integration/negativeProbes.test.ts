// A "cannot reach" claim is judged on the path once it is up, with a wait a slow first reply cannot beat:
// a false one fails every time, in fresh labs, right after the links come up; a true one still passes.
// Twice: where a router answers ARP by proxy, late (1 s windows), and where nobody does (0.1 s windows, once ping has sent two echoes).
import t from 'tap';
import { checksOf, parseReport } from '../helpers/report.js';
import { sandbox } from './harness.js';

const RUNS = 20;
const AT_ONCE = 4;
const FIXTURES = {
  'a router answering ARP by proxy, late': 'test/fixtures/lessons/false-negative/lesson.md',
  'a router with a gateway route, nobody answering by proxy': 'test/fixtures/lessons/false-negative-routed/lesson.md',
};

for (const [shape, lesson] of Object.entries(FIXTURES))
  t.test(`false "cannot reach" claims fail ${RUNS} runs out of ${RUNS}, each in a fresh lab: ${shape}`, async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const verdicts: Record<string, string>[] = [];
    for (let first = 0; first < RUNS; first += AT_ONCE) {
      const batch = Array.from({ length: Math.min(AT_ONCE, RUNS - first) }, async (_, i) => {
        const name = `fresh-${first + i}`;
        const r = await box.run(['run', lesson, '--target', `lab:${name}`, '--format', 'json']);
        t.equal(r.code, 1, `run ${first + i + 1} fails: its claims are false`);
        const report = parseReport(r);
        await box.run(['lab', 'destroy', name]);
        return Object.fromEntries(checksOf(report).map((c) => [c.id, `${c.status}: ${c.message}`]));
      });
      verdicts.push(...(await Promise.all(batch)));
    }
    t.equal(verdicts.length, RUNS);
    for (const [i, v] of verdicts.entries()) {
      t.match(v['gateway-silent'], /^failed: .*replies/, `run ${i + 1}: red reaches its gateway across a fresh bridge`);
      t.match(v['blue-silent'], /^failed: .*replies/, `run ${i + 1}: red reaches blue through the router`);
      t.match(v['nobody-there'], /^passed: no reply/, `run ${i + 1}: the true claim still holds`);
    }
  });

import t from 'tap';
import { classReport, firstFix, percentOf } from '../../src/class/classReport.js';
import { smallClass } from '../helpers/classResults.js';

t.test('the class counts passed, failed and ungradable students, in roster order', async (t) => {
  const r = smallClass();
  t.equal(r.students, 3);
  t.equal(r.passed, 1);
  t.equal(r.failed, 1);
  t.equal(r.ungradable, 1);
  t.strictSame(
    r.results.map((s) => s.student),
    ['alice', '=1+1 <b>bob</b>, "the"', 'erin'],
  );
});

t.test('a student who could not be graded scores 0 of what the graded ones could score', async (t) => {
  const erin = smallClass().results[2]!;
  t.equal(erin.earned, 0);
  t.equal(erin.possible, 2, 'the most a graded student could score');
  t.equal(erin.percent, 0);
  t.equal(classReport('lesson-7', [erin], 27).results[0]!.possible, 27, "nobody graded: the lesson's points");
});

t.test('the class mean counts every student, the ungraded as 0', async (t) => {
  t.equal(smallClass().meanPercent, 50, '(100 + 50 + 0) / 3');
  t.equal(classReport('x', [], 1).meanPercent, 0);
});

t.test('percentOf rounds to one decimal and survives 0 possible points', async (t) => {
  t.equal(percentOf(2, 3), 66.7);
  t.equal(percentOf(0, 0), 0);
});

t.test('the first thing to fix is the root cause, or why grading was impossible', async (t) => {
  const [alice, bob, erin] = smallClass().results;
  t.strictSame(firstFix(alice!), { cause: '', fix: '' });
  t.strictSame(firstFix(bob!), {
    cause: 'lesson-7 step 2: check lesson-7:2.1: missing',
    fix: 'fix lesson-7:2.1 <now>',
  });
  t.strictSame(firstFix(erin!), { cause: 'cannot reach 127.0.0.1: Connection refused', fix: 'is it on?' });
});

import t from 'tap';
import { asError, formatMessages, lessonMessage } from '../../src/lesson/message.js';

t.test('a lesson message is a vfile message: file, place, reason, rule and whether it is fatal', async (t) => {
  const m = lessonMessage('lessons/l.md', { line: 4, column: 7 }, 'Unexpected `x`, expected `y`', 'check', 'error');
  t.match(m, { file: 'lessons/l.md', line: 4, column: 7, ruleId: 'check', source: 'tsnet-learn', fatal: true });
  t.equal(m.name, 'lessons/l.md:4:7', 'named by its place, as vfile names it');
  t.equal(lessonMessage('l.md', { line: 1, column: 1 }, 'r', 'step', 'warning').fatal, false);
});

t.test('messages print as file:line:col  severity  reason  rule, in file order, with a tally', async (t) => {
  const text = formatMessages([
    lessonMessage('b.md', { line: 2, column: 1 }, 'Unexpected b', 'frontmatter', 'error'),
    lessonMessage('a.md', { line: 9, column: 3 }, 'Unexpected late', 'check', 'warning'),
    lessonMessage('a.md', { line: 3, column: 5 }, 'Unexpected early', 'context', 'error'),
  ]);
  t.equal(
    text,
    [
      'a.md:3:5  error  Unexpected early  context',
      'a.md:9:3  warning  Unexpected late  check',
      'b.md:2:1  error  Unexpected b  frontmatter',
      '',
      '2 errors, 1 warning',
    ].join('\n'),
  );
});

t.test('a warning turned into an error keeps its place and its words', async (t) => {
  const warning = lessonMessage(
    'l.md',
    { line: 7, column: 1 },
    'Unexpected step without checks',
    'step-checks',
    'warning',
  );
  const error = asError(warning);
  t.match(error, { file: 'l.md', line: 7, column: 1, reason: warning.reason, ruleId: 'step-checks', fatal: true });
  t.equal(warning.fatal, false, 'the warning itself is left as it was');
  t.equal(asError(error), error);
});

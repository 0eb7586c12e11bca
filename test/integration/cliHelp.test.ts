// Every command explains itself with examples; `tsnet-learn` alone shows the lessons and the learner's progress.
import t from 'tap';
import { sandbox } from './harness.js';

t.test('every command and subcommand has --help with examples', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const commands = [
    [],
    ['run'],
    ['check'],
    ['grade'],
    ['learn'],
    ['graph'],
    ['test'],
    ['lint'],
    ['list'],
    ['show'],
    ['lab'],
    ['lab', 'create'],
    ['lab', 'shell'],
    ['lab', 'destroy'],
    ['lab', 'list'],
  ];
  await Promise.all(
    commands.map(async (c) => {
      const r = await box.run([...c, '--help']);
      t.equal(r.code, 0, `${c.join(' ') || 'tsnet-learn'} --help exits 0`);
      t.match(r.stdout, /\nExamples:\n {2}tsnet-learn /, `${c.join(' ') || 'tsnet-learn'} --help shows examples`);
    }),
  );
});

t.test('without arguments and without a lab: the lessons and how to start', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run([]);
  t.equal(r.code, 0);
  t.match(r.stdout, /lesson-7 +Publish a container port/);
  t.match(r.stdout, /No lab yet\. Start with: tsnet-learn learn lesson-1/);
  t.notMatch(r.stdout, /IN LAB/);
});

t.test('without arguments and with the lab "default": how far the learner got in each lesson', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  t.equal((await box.run(['run', '3', '--format', 'json'])).code, 0);
  const r = await box.run([]);
  t.equal(r.code, 0, r.stderr);
  const row = (id: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
  t.match(row('lesson-1'), / done$/);
  t.match(row('lesson-2'), / done$/);
  t.match(row('lesson-3'), / done$/);
  t.match(row('lesson-4'), / not started$/);
  t.match(row('lesson-7'), / not started$/);
  t.match(r.stdout, /Continue with: tsnet-learn learn lesson-4/);
});

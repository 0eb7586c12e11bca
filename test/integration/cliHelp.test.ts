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
    ['lab', 'exec'],
    ['lab', 'prune'],
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
  t.match(r.stdout, /Built in the lab now: lesson-1, lesson-2, lesson-3 /);
  t.match(r.stdout, /Next lesson: tsnet-learn learn lesson-4/);
});

t.test('after run lesson-7 the overview agrees with check: 5 to 7 done, 2 to 4 superseded by lesson 5', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  t.equal((await box.run(['run', 'lesson-7', '--format', 'json'])).code, 0);
  const r = await box.run([]);
  t.equal(r.code, 0, r.stderr);
  const row = (id: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
  for (const id of ['lesson-2', 'lesson-3', 'lesson-4']) t.match(row(id), / superseded by lesson-5$/, id);
  for (const id of ['lesson-5', 'lesson-6', 'lesson-7']) t.match(row(id), / done$/, id);
  t.match(r.stdout, /Built in the lab now: lesson-1, lesson-5, lesson-6, lesson-7 /);
  t.match(r.stdout, /Superseded: lesson-2, lesson-3, lesson-4; a later lesson that is done starts over without them/);
  t.match(r.stdout, /lesson-7, the last lesson, is done/);
  // What check says of the same lab.
  for (const [n, passes] of [
    [3, false],
    [7, true],
  ] as const) {
    const graded = await box.run(['check', String(n), '--format', 'json']);
    t.equal(graded.code, passes ? 0 : 1, `check ${n} ${passes ? 'passes' : 'fails'}, as the overview says`);
  }
});

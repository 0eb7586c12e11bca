import t from 'tap';
import type { CheckDecl } from '../../src/lesson/lesson.js';
import { aboutWhatExists, TransientSchedule, transientClaims } from '../../src/run/transientClaims.js';
import type { Snapshot } from '../../src/snapshot/model.js';
import { declOf, lessonOfSteps, stepOf } from '../helpers/lessonOf.js';

const decl = (source: string, id: string, transient = true): CheckDecl => declOf(source, id, transient);

const _step = stepOf;
const lesson = lessonOfSteps;

const a = lesson(
  'a',
  [decl('netns x', 'a1', false), decl('link lo in=x down', 'a2')],
  [decl('ping 10.9.1.5 from=x fails', 'a3')],
);
const b = lesson('b', [decl('link lo in=x up', 'b1', false)]);

t.test('the transient claims of a course, with the lesson and step that make each', async (t) => {
  t.same(
    transientClaims([a, b]).map((c) => [c.lesson.id, c.step.index, c.decl.id]),
    [
      ['a', 1, 'a2'],
      ['a', 2, 'a3'],
    ],
  );
});

t.test('a claim is judged after every later step, never after its own, until it is false', async (t) => {
  const schedule = new TransientSchedule(transientClaims([a, b]));
  t.same(schedule.due(), [], 'nothing before the first step');
  t.ok(schedule.after(a, a.steps[0]!, []), 'a claim is still to be shown');
  t.same(
    schedule.due().map((d) => d.id),
    ['a2'],
    'after step 1: the claim of step 1, not yet that of step 2',
  );
  t.ok(schedule.after(a, a.steps[1]!, []), 'a2 held after step 2');
  t.same(
    schedule.due().map((d) => d.id),
    ['a2', 'a3'],
  );
  t.notOk(schedule.after(b, b.steps[0]!, schedule.due()), 'both false after lesson b: nothing is left');
  t.same(
    [...schedule.falseAfter],
    [
      ['a2', 'b:1'],
      ['a3', 'b:1'],
    ],
  );
});

t.test('a claim never false stays without a step, and keeps the run going to the end', async (t) => {
  const schedule = new TransientSchedule(transientClaims([a]));
  schedule.after(a, a.steps[0]!, []);
  t.ok(schedule.after(a, a.steps[1]!, [a.steps[0]!.checks[1]!]));
  t.same(
    schedule.due().map((d) => d.id),
    ['a3'],
  );
  t.equal(schedule.falseAfter.get('a3'), undefined);
});

t.test('a claim about a namespace that is gone is not shown false by that', async (t) => {
  const snapshot = (spaces: Snapshot['spaces']): Snapshot => ({ netns: [], spaces });
  const claim = decl('link lo in=x', 'c');
  t.notOk(aboutWhatExists(claim, snapshot({ x: null })));
  t.ok(aboutWhatExists(claim, snapshot({ x: {} })));
  t.ok(aboutWhatExists(decl('ping 10.9.1.5 fails', 'p'), snapshot({})), 'a claim about the host');
});

import t from 'tap';
import { courseOrder, prerequisiteChain } from '../../src/lesson/chain.js';
import type { Lesson } from '../../src/lesson/lesson.js';

const lesson = (id: string, prerequisites: string[] = []): Lesson => ({
  id,
  title: id,
  prerequisites,
  summary: '',
  file: `lessons/${id}.md`,
  steps: [],
});
const course = (...lessons: Lesson[]): Map<string, Lesson> => new Map(lessons.map((l) => [l.id, l]));

function ids(byId: Map<string, Lesson>, target: string): string[] | string {
  const r = prerequisiteChain(byId, byId.get(target)!);
  return r.ok ? r.chain.map((l) => l.id) : r.problem;
}

t.test('a lesson without prerequisites is its own chain', async (t) => {
  t.strictSame(ids(course(lesson('lesson-1')), 'lesson-1'), ['lesson-1']);
});

t.test('prerequisites come first, in dependency order, ending with the target', async (t) => {
  const byId = course(lesson('lesson-1'), lesson('lesson-2', ['lesson-1']), lesson('lesson-3', ['lesson-2']));
  t.strictSame(ids(byId, 'lesson-3'), ['lesson-1', 'lesson-2', 'lesson-3']);
  t.strictSame(ids(byId, 'lesson-2'), ['lesson-1', 'lesson-2']);
});

t.test('a shared prerequisite appears once, before the first lesson that needs it', async (t) => {
  const byId = course(
    lesson('lesson-1'),
    lesson('lesson-2', ['lesson-1']),
    lesson('lesson-3', ['lesson-1']),
    lesson('lesson-4', ['lesson-2', 'lesson-3', 'lesson-1']),
  );
  t.strictSame(ids(byId, 'lesson-4'), ['lesson-1', 'lesson-2', 'lesson-3', 'lesson-4']);
});

t.test('the declared order of prerequisites is kept', async (t) => {
  const byId = course(lesson('a'), lesson('b'), lesson('c', ['b', 'a']));
  t.strictSame(ids(byId, 'c'), ['b', 'a', 'c']);
});

t.test('lessons that are not prerequisites of the target are left out', async (t) => {
  const byId = course(lesson('lesson-1'), lesson('lesson-2', ['lesson-1']), lesson('lesson-3'));
  t.strictSame(ids(byId, 'lesson-2'), ['lesson-1', 'lesson-2']);
});

t.test('an unknown prerequisite names the lesson that needs it', async (t) => {
  const byId = course(
    lesson('lesson-1'),
    lesson('lesson-2', ['lesson-1', 'lesson-9']),
    lesson('lesson-3', ['lesson-2']),
  );
  t.strictSame(prerequisiteChain(byId, byId.get('lesson-3')!), {
    ok: false,
    problem: 'lesson-2 needs lesson-9, which is not a known lesson',
  });
});

t.test('a cycle is reported with the lessons that form it, back to the first', async (t) => {
  const byId = course(lesson('a', ['b']), lesson('b', ['c']), lesson('c', ['a']));
  t.strictSame(prerequisiteChain(byId, byId.get('a')!), { ok: false, problem: 'prerequisite cycle: a → b → c → a' });
});

t.test('a cycle below the target names only the lessons in the cycle', async (t) => {
  const byId = course(lesson('top', ['x']), lesson('x', ['y']), lesson('y', ['x']));
  t.strictSame(ids(byId, 'top'), 'prerequisite cycle: x → y → x');
});

t.test('a lesson that needs itself is a cycle of one', async (t) => {
  const byId = course(lesson('lesson-1', ['lesson-1']));
  t.strictSame(ids(byId, 'lesson-1'), 'prerequisite cycle: lesson-1 → lesson-1');
});

t.test('the chain holds the lesson objects themselves', async (t) => {
  const byId = course(lesson('lesson-1'), lesson('lesson-2', ['lesson-1']));
  const r = prerequisiteChain(byId, byId.get('lesson-2')!);
  t.ok(r.ok);
  if (r.ok) t.equal(r.chain[0], byId.get('lesson-1'));
});

t.test('the course in order: each lesson after the prerequisites it needs, each once', async (t) => {
  const byId = course(
    lesson('lesson-1'),
    lesson('lesson-2', ['lesson-1']),
    lesson('lesson-3'),
    lesson('extra-1', ['lesson-2']),
  );
  const order = (...names: string[]): string[] =>
    courseOrder(
      byId,
      names.map((n) => byId.get(n)!),
    ).map((l) => l.id);
  t.strictSame(order('lesson-1', 'lesson-2', 'lesson-3'), ['lesson-1', 'lesson-2', 'lesson-3']);
  t.strictSame(order('extra-1'), ['lesson-1', 'lesson-2', 'extra-1'], 'a prerequisite from elsewhere comes first');
  t.strictSame(order('lesson-3', 'extra-1'), ['lesson-3', 'lesson-1', 'lesson-2', 'extra-1']);
});

t.test('a lesson whose prerequisites cannot be ordered is left out of the course order', async (t) => {
  const byId = course(lesson('a', ['b']), lesson('b', ['a']), lesson('c', ['nowhere']), lesson('d'));
  t.strictSame(
    courseOrder(byId, [...byId.values()]).map((l) => l.id),
    ['d'],
  );
});

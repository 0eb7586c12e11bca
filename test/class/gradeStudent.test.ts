import t from 'tap';
import { remoteTools } from '../../src/class/gradeStudent.js';
import { gradedChecks, gradeScope } from '../../src/judge/grade.js';
import { resolveLesson } from '../../src/lesson/catalog.js';

const decls = async (lesson: string, only = false) =>
  gradedChecks((await resolveLesson(lesson)).chain, only).flatMap((g) => g.decls.map((d) => d.decl));
const reads = async (lesson: string) => gradeScope((await resolveLesson(lesson)).chain, {}).extraNeeds;

t.test("the tools a student's machine needs are those its checks use", async (t) => {
  t.strictSame(remoteTools(await decls('lesson-7'), await reads('lesson-7')).sort(), [
    'curl',
    'ip',
    'iptables-save',
    'nsenter',
    'ping',
  ]);
});

t.test('a lesson without probes needs neither ping nor curl; without netns, no nsenter', async (t) => {
  const lesson1 = await decls('lesson-1');
  const tools = remoteTools(lesson1, await reads('lesson-1'));
  t.ok(tools.includes('ip'));
  t.ok(tools.includes('iptables-save'), 'the diagnosis reads the rules');
  t.equal(
    tools.includes('ping'),
    lesson1.some((d) => d.kind === 'ping'),
  );
  t.equal(
    tools.includes('curl'),
    lesson1.some((d) => d.kind === 'http'),
  );
});

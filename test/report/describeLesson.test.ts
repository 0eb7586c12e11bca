import t from 'tap';
import { loadCatalog, resolveLesson } from '../../src/lesson/catalog.js';
import { formatShow, showJson } from '../../src/report/describeLesson.js';

const catalog = loadCatalog();

t.test('show --format json has what show prints: steps, where each command runs and as what, the checks', async (t) => {
  const { lesson, chain } = await resolveLesson('lesson-4', catalog);
  const shown = showJson(lesson, chain) as {
    applies: string[];
    steps: {
      title: string;
      commands: { line: string; context: string; role: string; runsAs: string | null }[];
      checks: { id: string }[];
    }[];
  };
  t.strictSame(shown.applies, ['lesson-1', 'lesson-2', 'lesson-3']);
  const inside = shown.steps.at(-1)!;
  const opener = inside.commands.find((c) => c.role === 'open-context')!;
  t.match(opener, { context: 'netns1', runsAs: null }, 'opening a context runs nothing by itself');
  const within = inside.commands.find((c) => c.role === 'run' && c.context === 'netns1')!;
  t.equal(within.runsAs, `${opener.line} -c '${within.line}'`, 'a line inside a context runs through its opener');
  const pretty = formatShow(lesson, chain);
  for (const step of shown.steps) {
    t.ok(pretty.includes(step.title), step.title);
    for (const c of step.checks) t.ok(pretty.includes(c.id), c.id);
  }
});

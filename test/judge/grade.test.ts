import t from 'tap';
import { parseCheckLine } from '../../checks/index.js';
import { gradedChecks, substitute } from '../../src/judge/grade.js';
import type { CheckDecl, Lesson } from '../../src/lesson/lesson.js';

const decl = (source: string, id: string, transient = false): CheckDecl => {
  const p = parseCheckLine(source)!;
  return {
    id,
    kind: p.kind,
    args: p.args,
    title: p.title,
    points: p.points,
    hint: p.hint,
    transient,
    source,
    position: { line: 1, column: 1 },
  };
};

const lesson = (id: string, checks: CheckDecl[]): Lesson => ({
  id,
  title: id,
  prerequisites: [],
  summary: '',
  file: `${id}.md`,
  steps: [
    {
      index: 1,
      title: 's',
      prose: '',
      paragraphs: [],
      kind: 'change',
      commands: [],
      checks,
      position: { line: 1, column: 1 },
    },
  ],
});

t.test('host_ip replaces the tutorial address in a check and its title', async (t) => {
  const d = decl('http http://172.16.0.2:5000/ html', 'x');
  const s = substitute(d, { host_ip: '192.0.2.7' });
  t.equal(s.source, 'http http://192.0.2.7:5000/ html');
  t.match(s.title, /192\.0\.2\.7/);
  t.equal((s.args as { host: string }).host, '192.0.2.7');
  t.equal(substitute(d, {}), d, 'nothing to substitute: the same check');
  const rule = substitute(
    decl('rule nat PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000', 'r'),
    { host_ip: '192.0.2.7' },
  );
  t.same((rule.args as { spec: string[] }).spec.slice(0, 2), ['-d', '192.0.2.7']);
  t.equal(
    substitute(decl('ping 172.16.0.20', 'p'), { host_ip: '192.0.2.7' }).source,
    'ping 172.16.0.20',
    'a longer address is left alone',
  );
});

t.test('grading leaves transient checks out and --only keeps the last lesson', async (t) => {
  const chain = [
    lesson('a', [decl('netns x', 'a1'), decl('ping 1.2.3.4 fails', 'a2', true)]),
    lesson('b', [decl('netns y', 'b1')]),
  ];
  t.same(
    gradedChecks(chain, false).map((g) => [g.lesson.id, g.decls.map((d) => d.decl.id)]),
    [
      ['a', ['a1']],
      ['b', ['b1']],
    ],
  );
  t.same(
    gradedChecks(chain, true).map((g) => g.lesson.id),
    ['b'],
  );
});

t.test('grading leaves out a claim a later lesson contradicts, and keeps the later claim', async (t) => {
  const chain = [
    lesson('publish', [
      decl('rule nat OUTPUT -d 10.9.0.2 -p tcp --dport 80 -j DNAT --to-destination 10.9.1.5:8000', 'p1'),
      decl('netns web', 'p2'),
    ]),
    lesson('unpublish', [
      decl(
        'rule nat OUTPUT -d 10.9.0.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.9.1.5:8000 absent',
        'u1',
      ),
    ]),
  ];
  t.same(
    gradedChecks(chain, false).map((g) => [g.lesson.id, g.decls.map((d) => d.decl.id)]),
    [
      ['publish', ['p2']],
      ['unpublish', ['u1']],
    ],
  );
});

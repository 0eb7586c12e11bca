import t from 'tap';
import { contradicts, supersededClaims, withoutSuperseded } from '../../src/judge/supersede.js';
import type { CheckDecl } from '../../src/lesson/lesson.js';
import { declOf, lessonOfSteps, stepOf } from '../helpers/lessonOf.js';

const decl = (source: string, id = source, transient = false): CheckDecl => declOf(source, id, transient);

const _step = stepOf;
const lesson = lessonOfSteps;

/** Whether the second claim, made later, contradicts the first. */
const undoes = (earlier: string, later: string): boolean => contradicts(decl(earlier), decl(later));

t.test('the same rule, spelled either way, claimed absent later contradicts it; another rule does not', async (t) => {
  const rule = 'rule nat OUTPUT -d 10.9.0.2 -p tcp --dport 80 -j DNAT --to-destination 10.9.1.5:8000';
  t.ok(
    undoes(
      rule,
      'rule nat OUTPUT -d 10.9.0.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.9.1.5:8000 absent',
    ),
  );
  t.notOk(undoes(rule, 'rule nat OUTPUT -d 10.9.0.2 -p tcp --dport 81 -j DNAT --to-destination 10.9.1.5:8000 absent'));
  t.notOk(
    undoes(rule, 'rule nat PREROUTING -d 10.9.0.2 -p tcp --dport 80 -j DNAT --to-destination 10.9.1.5:8000 absent'),
  );
  t.notOk(undoes(rule, `${rule} in=edge absent`), 'the same rule in another namespace');
  t.notOk(undoes(rule, rule), 'claiming it again is no contradiction');
  t.ok(undoes(`${rule} absent`, rule), 'a rule claimed absent, then added');
});

t.test('a link later claimed down, gone, or on another bridge contradicts it; up again does not', async (t) => {
  t.ok(undoes('link leg-b master=lan-b up', 'link leg-b down'));
  t.ok(undoes('link leg-b master=lan-b up', 'link leg-b absent'));
  t.ok(undoes('link leg-b master=lan-b', 'link leg-b master=lan-c'));
  t.ok(undoes('link leg-b type=veth', 'link leg-b type=dummy'));
  t.notOk(undoes('link leg-b master=lan-b up', 'link leg-b up'));
  t.notOk(undoes('link leg-b master=lan-b', 'link leg-b down'), 'the earlier claim said nothing about its state');
  t.notOk(undoes('link leg-b up', 'link leg-b down in=edge'), 'a link of that name in another namespace');
});

t.test('the same probe later claimed to fail contradicts it; from elsewhere or to elsewhere it does not', async (t) => {
  t.ok(undoes('ping 10.9.1.5 from=desk', 'ping 10.9.1.5 from=desk fails'));
  t.ok(undoes('ping 10.9.1.5 from=desk fails', 'ping 10.9.1.5 from=desk'));
  t.notOk(undoes('ping 10.9.1.5 from=desk', 'ping 10.9.1.5 fails'));
  t.notOk(undoes('ping 10.9.1.5 from=desk', 'ping 10.9.1.6 from=desk fails'));
  t.ok(undoes('http http://10.9.0.2:80/ html', 'http http://10.9.0.2:80/ fails'));
  t.ok(undoes('http http://10.9.0.2:80/', 'http http://10.9.0.2:80/ status=404'));
  t.notOk(undoes('http http://10.9.0.2:80/', 'http http://10.9.0.2:8080/ fails'));
});

t.test('a setting later claimed with another value contradicts it', async (t) => {
  t.ok(undoes('sysctl net.ipv4.ip_forward=1 in=relay', 'sysctl net.ipv4.ip_forward=0 in=relay'));
  t.notOk(undoes('sysctl net.ipv4.ip_forward=1 in=relay', 'sysctl net.ipv4.ip_forward=0'));
  t.ok(undoes('route default via=10.9.0.1 in=desk', 'route default in=desk absent'));
  t.notOk(undoes('route default via=10.9.0.1 in=desk', 'route default via=10.9.0.9 in=desk absent'));
  t.ok(undoes('addr 10.9.0.2/24 dev=lan-a', 'addr 10.9.0.2/24 dev=lan-a absent'));
  t.ok(undoes('netns desk', 'netns desk absent'));
});

t.test('a namespace or a link that is gone takes the claims about what was in it or on it', async (t) => {
  t.ok(undoes('route default via=10.9.0.1 in=desk', 'netns desk absent'));
  t.ok(undoes('ping 10.9.1.5 from=desk', 'netns desk absent'));
  t.notOk(undoes('ping 10.9.1.5', 'netns desk absent'), 'a probe from the host');
  t.ok(undoes('addr 10.9.0.2/24 dev=leg-a in=relay', 'link leg-a in=relay absent'));
  t.ok(undoes('route 10.9.2.0/24 dev=leg-a in=relay', 'link leg-a in=relay absent'));
  t.notOk(undoes('addr 10.9.0.2/24 dev=leg-a in=relay', 'link leg-a in=relay down'), 'a link down keeps its address');
  t.notOk(undoes('addr 10.9.0.2/24 dev=leg-a', 'link leg-a in=relay absent'), 'a link of that name elsewhere');
});

t.test('a later lesson supersedes a prerequisite; a later step supersedes an earlier one of its lesson', async (t) => {
  const chain = [
    lesson('build', [decl('link leg-b up', 'b1'), decl('ping 10.9.1.5 from=desk', 'b2')], [decl('netns desk', 'b3')]),
    lesson(
      'undo',
      [decl('link leg-b down', 'u1')],
      [decl('ping 10.9.1.5 from=desk fails', 'u2'), decl('netns desk absent', 'u3')],
    ),
  ];
  const s = supersededClaims(chain);
  t.same([...s.keys()].sort(), ['b1', 'b2', 'b3']);
  t.match(s.get('b1'), { lesson: 'build', byLesson: 'undo', by: { id: 'u1' } });
  t.match(s.get('b2'), { by: { id: 'u3' } }, 'the last claim that contradicts it is named');
  t.same(supersededClaims(chain.slice(0, 1)), new Map(), 'alone, a lesson is whole');
  const within = [lesson('twice', [decl('link leg-b up', 't1')], [decl('link leg-b down', 't2')])];
  t.match(supersededClaims(within).get('t1'), { lesson: 'twice', byLesson: 'twice' });
});

t.test('claims of the same step, and transient claims, supersede nothing and stay', async (t) => {
  const sameStep = [lesson('a', [decl('link leg-b up', 'a1'), decl('link leg-b down', 'a2')])];
  t.same(supersededClaims(sameStep), new Map());
  const transient = [
    lesson('a', [decl('ping 10.9.1.5 from=desk fails', 'a1', true), decl('link leg-b up', 'a2')]),
    lesson('b', [decl('ping 10.9.1.5 from=desk', 'b1'), decl('link leg-b down', 'b2', true)]),
  ];
  t.same(supersededClaims(transient), new Map());
});

t.test('a lesson without its superseded claims keeps its steps and everything else', async (t) => {
  const build = lesson('build', [decl('link leg-b up', 'b1'), decl('netns desk', 'b2')], [decl('netns vault', 'b3')]);
  const s = supersededClaims([build, lesson('undo', [decl('link leg-b down', 'u1')])]);
  const left = withoutSuperseded(build, s);
  t.same(
    left.steps.map((st) => st.checks.map((d) => d.id)),
    [['b2'], ['b3']],
  );
  t.equal(withoutSuperseded(build, new Map()), build, 'nothing superseded: the lesson itself');
});

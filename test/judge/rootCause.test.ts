import t from 'tap';
import { parseCheckLine } from '../../checks/index.js';
import type { CommandClaim } from '../../src/lesson/commandClaims.js';
import type { Cause } from '../../src/judge/diagnose.js';
import {
  chooseRootCause,
  gradePassed,
  type BrokenClaim,
  type GradedCheck,
  type Placed,
} from '../../src/judge/rootCause.js';

const check = (id: string, status: GradedCheck['status'], hint: string | null = null): GradedCheck => ({
  id,
  lesson: id.split(':')[0]!,
  step: Number(id.split(':')[1]!.split('.')[0]),
  title: `check ${id}`,
  status,
  message: `saw ${id}`,
  hint,
  points: 1,
  earned: status === 'pass' ? 1 : 0,
});
/** Lesson a is first in the chain, b second: order = lesson index * 1000 + step. */
const at = (id: string): number => (id.startsWith('b') ? 1000 : 0) + Number(id.split(':')[1]!.split('.')[0]);
const state = (id: string, status: GradedCheck['status'] = 'fail', hint: string | null = null): Placed => ({
  check: check(id, status, hint),
  order: at(id),
  probe: false,
});
const probe = (id: string, status: GradedCheck['status'] = 'fail'): Placed => ({
  check: check(id, status, 'iptables -t nat -A POSTROUTING -j MASQUERADE'),
  order: at(id),
  probe: true,
});
const claim = (lesson: string, step: number, line: string, source: string): BrokenClaim => {
  const p = parseCheckLine(source)!;
  const c: CommandClaim = {
    lesson,
    step,
    line,
    ns: 'netns0',
    decl: {
      id: 'x',
      kind: p.kind,
      args: p.args,
      title: p.title,
      points: 0,
      hint: null,
      transient: false,
      source,
      position: { line: 0, column: 0 },
    },
  };
  return { claim: c, order: (lesson === 'b' ? 1000 : 0) + step, message: 'ceth0 is down', fix: 'ip link set ceth0 up' };
};
const firewall: Cause = {
  blocking: false,
  cause: 'the FORWARD policy is DROP',
  fix: 'iptables -I FORWARD -i br-web -j ACCEPT',
};
const notHere: Cause = { blocking: true, cause: '192.0.2.7 is not an address of this machine', fix: '--var host_ip=…' };
const choose = (checks: Placed[], claims: BrokenClaim[] = [], causes: Cause[] = [], blockingFrom = -1) =>
  chooseRootCause({ checks, claims, causes, blockingFrom });

t.test('nothing failing and nothing blocking: no root cause, whatever diagnosis says', async (t) => {
  t.equal(choose([state('a:1.1', 'pass'), probe('a:2.1', 'pass')], [], [firewall]), null);
});

t.test('the earliest step wins, whatever kind of check fails later', async (t) => {
  const r = choose([state('a:1.1', 'pass'), probe('a:2.1'), state('a:3.1'), state('b:1.1')]);
  t.equal(r?.check?.id, 'a:2.1');
});

t.test("within a step: the lesson's state checks, then its commands' claims, then its probes", async (t) => {
  const claims = [claim('a', 5, 'ip link set ceth0 up', 'link ceth0 in=netns0 up')];
  t.equal(choose([probe('a:5.2'), state('a:5.1', 'fail', 'ip addr add …')], claims)?.fix, 'ip addr add …');
  const byClaim = choose([state('a:5.1', 'pass'), probe('a:5.2')], claims);
  t.equal(byClaim?.fix, 'ip link set ceth0 up', 'a link down explains the ping that fails after it');
  t.equal(byClaim?.check?.id, 'a:5.2', 'the first failing check is still the one it explains');
  t.match(byClaim?.cause, /ceth0 exists in netns netns0: up: ceth0 is down \(a, step 5 did `ip link set ceth0 up`\)/);
  t.equal(choose([state('a:5.1', 'pass'), probe('a:5.2')])?.check?.id, 'a:5.2', 'no claim broken: the probe itself');
});

t.test(
  "a claim of an earlier step explains a later lesson's failing state check (a route gone with its link)",
  async (t) => {
    const r = choose(
      [state('a:5.1', 'pass'), state('b:3.1')],
      [claim('a', 5, 'ip link set ceth0 up', 'link ceth0 in=netns0 up')],
    );
    t.equal(r?.fix, 'ip link set ceth0 up');
    t.equal(r?.check?.id, 'b:3.1');
    const later = choose([state('a:5.1'), probe('b:3.1')], [claim('b', 3, 'ip link set x up', 'link x up')]);
    t.equal(later?.check?.id, 'a:5.1', 'a claim after the first failure waits for it');
    t.equal(later?.cause, 'check a:5.1: saw a:5.1');
  },
);

t.test('a failing probe whose path holds is explained by diagnosis, else names itself with its hint', async (t) => {
  t.match(choose([state('a:1.1', 'pass'), probe('a:2.1')], [], [firewall]), {
    check: { id: 'a:2.1' },
    cause: 'the FORWARD policy is DROP',
    fix: 'iptables -I FORWARD -i br-web -j ACCEPT',
  });
  t.match(
    choose([state('a:1.1', 'fail', 'ip link set br0 up'), probe('a:2.1')], [], [firewall]),
    {
      check: { id: 'a:1.1' },
      fix: 'ip link set br0 up',
    },
    'a broken piece of the lesson comes before what diagnosis says about the probes',
  );
  t.match(choose([probe('a:2.1')]), {
    cause: 'check a:2.1: saw a:2.1',
    fix: 'iptables -t nat -A POSTROUTING -j MASQUERADE',
  });
});

t.test(
  'a blocking cause matters from the first check that needs it: before that, what is missing comes first',
  async (t) => {
    const checks = [state('a:2.1'), state('b:2.1')];
    t.equal(choose(checks, [], [notHere], at('b:2.1'))?.check?.id, 'a:2.1');
    t.equal(choose(checks, [], [notHere], at('b:2.1'))?.cause, 'check a:2.1: saw a:2.1');
    const after = choose([state('a:2.1', 'pass'), state('b:2.1')], [], [notHere], at('b:2.1'));
    t.match(after, { check: { id: 'b:2.1' }, cause: /192\.0\.2\.7 is not an address/, fix: '--var host_ip=…' });
    t.match(choose([state('a:2.1', 'pass')], [], [notHere], at('b:2.1')), { check: null, cause: /not an address/ });
  },
);

t.test('passed only when every check was judged and holds, and nothing blocks', async (t) => {
  const pass = [check('a:1.1', 'pass'), check('a:1.2', 'pass')];
  t.equal(gradePassed(pass, [firewall]), true, 'a diagnosis that explains nothing failing does not fail the grade');
  t.equal(gradePassed([...pass, check('a:2.1', 'fail')], []), false);
  t.equal(gradePassed([...pass, check('a:2.1', 'error')], []), false);
  t.equal(gradePassed([...pass, check('a:2.1', 'skip')], []), false, 'a skipped check is never earned');
  t.equal(gradePassed(pass, [notHere]), false);
  t.equal(gradePassed([], []), true);
});

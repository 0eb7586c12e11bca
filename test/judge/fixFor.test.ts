import t from 'tap';
import { parseCheckLine } from '../../checks/index.js';
import { fixFor, hintFits } from '../../src/judge/fixFor.js';
import { claimsOf } from '../../src/lesson/commandClaims.js';
import type { CheckDecl } from '../../src/lesson/lesson.js';
import { snapshotOf } from '../helpers/snapshot.js';

const decl = (source: string): CheckDecl => {
  const p = parseCheckLine(source)!;
  return {
    id: 'x',
    kind: p.kind,
    args: p.args,
    title: p.title,
    points: 1,
    hint: p.hint,
    transient: false,
    source,
    position: { line: 1, column: 1 },
  };
};

t.test('a hint that creates what is there does not fit; one that sets what is not yet so does', async (t) => {
  const br0Down = snapshotOf('lesson-7-br0-down');
  t.equal(hintFits('ip link add br0 type bridge; ip link set br0 up', br0Down), false, 'File exists');
  t.equal(hintFits('ip link set br0 up', br0Down), true);
  t.equal(
    hintFits('iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE', br0Down),
    false,
    'the rule is there: -A would add a second copy',
  );
  t.equal(hintFits('inside netns0: ip addr add 172.18.0.10/16 dev ceth0', snapshotOf('nothing-built')), true);
  t.equal(hintFits('inside netns0: ip addr add 172.18.0.10/16 dev ceth0', br0Down), false);
  t.equal(hintFits('ip link set veth0 up', snapshotOf('after-lesson-7')), false, 'everything it does is done');
  t.equal(hintFits('see lesson 6', br0Down), true, 'a hint no claim can be read from is taken as it is');
});

t.test("the fix is the lesson's hint when it fits, else computed from what is there", async (t) => {
  const br0Down = snapshotOf('lesson-7-br0-down');
  t.equal(
    fixFor(decl('link br0 type=bridge up hint="ip link add br0 type bridge; ip link set br0 up"'), br0Down),
    'ip link set br0 up',
  );
  t.equal(
    fixFor(
      decl('link br0 type=bridge up hint="ip link add br0 type bridge; ip link set br0 up"'),
      snapshotOf('nothing-built'),
    ),
    'ip link add br0 type bridge; ip link set br0 up',
    'missing: the hint creates it',
  );
  t.equal(
    fixFor(decl('route 172.18.0.0/16 dev=br0'), snapshotOf('lesson-7-ceth0-down')),
    null,
    'nothing broken, nothing to fix',
  );
  t.equal(
    fixFor(
      decl(
        'http http://203.0.113.1/ from=netns0 hint="iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE"',
      ),
      br0Down,
    ),
    null,
    'a probe whose hint is done already gets none',
  );
});

t.test('a DNAT rule to the wrong port is replaced, not joined by a second one that would never match', async (t) => {
  const s = snapshotOf('after-lesson-7');
  const nat = s.spaces.host!.iptables!.nat!;
  nat.rules = nat.rules.map((r) =>
    r.chain === 'PREROUTING' ? { ...r, args: r.args.map((a) => a.replace('172.18.0.10:5000', '172.18.0.10:5001')) } : r,
  );
  const spec = '-d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000';
  t.equal(
    fixFor(decl(`rule nat PREROUTING ${spec} hint="iptables -t nat -A PREROUTING ${spec}"`), s),
    `iptables -t nat -D PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5001; iptables -t nat -A PREROUTING ${spec}`,
  );
});

t.test('a claim of a command is fixed inside its namespace, computed or by the command itself', async (t) => {
  const [up] = claimsOf([
    {
      lesson: 'l',
      step: 1,
      command: { line: 'ip link set ceth0 up', context: { netns: 'netns0', opener: '' }, background: null },
    },
  ]);
  t.equal(
    fixFor(up!.decl, snapshotOf('lesson-7-ceth0-down'), up),
    'nsenter --net=/run/netns/netns0 ip link set ceth0 up',
  );
  const [server] = claimsOf([
    {
      lesson: 'l',
      step: 1,
      command: {
        line: 'python3 -m http.server 5000',
        context: { netns: 'netns0', opener: '' },
        background: { port: 5000 },
      },
    },
  ]);
  t.equal(
    fixFor(server!.decl, snapshotOf('nothing-built'), server),
    'nsenter --net=/run/netns/netns0 python3 -m http.server 5000',
  );
});

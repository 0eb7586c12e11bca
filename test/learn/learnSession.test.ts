import t from 'tap';
import { loadCatalog } from '../../src/lesson/catalog.js';
import { learnSession, reevaluate, touchedBy } from '../../src/learn/learnSession.js';
import type { PromptRequest } from '../../src/learn/learnShell.js';
import { recordedLab, recordedShell } from '../helpers/recordedShell.js';
import { snapshotOf, snapshotText } from '../helpers/snapshot.js';
import type { Snapshot } from '../../src/snapshot/model.js';
import type { Lesson } from '../../src/lesson/lesson.js';
import '../helpers/noColors.js';

const catalog = await loadCatalog();
const lesson5 = catalog.byId.get('lesson-5')!;

let histNo = 0;
const typed = (command: string, ctx = 'host'): PromptRequest => ({
  kind: 'prompt',
  pid: 100,
  ctx,
  histNo: String(++histNo),
  command,
});
const enter = (): PromptRequest => ({ kind: 'prompt', pid: 100, ctx: 'host', histNo: String(histNo), command: '' });
const ask = (kind: PromptRequest['kind']): PromptRequest => ({
  kind,
  pid: 100,
  ctx: 'host',
  histNo: String(histNo),
  command: '',
});

/** A session of `lesson` (lesson 5 unless told) at step `startAt`, in a lab played back from `captured`. */
function start(
  captured: 'lesson-5-half' | 'after-lesson-7',
  startAt: number,
  options: { lesson?: Lesson; before?: Lesson[]; nextLesson?: string | null } = {},
) {
  const shell = recordedShell(snapshotText(captured));
  const session = learnSession({
    lesson: options.lesson ?? lesson5,
    startAt,
    before: options.before,
    shells: [shell],
    target: recordedLab,
    lab: 'default',
    nextLesson: options.nextLesson === undefined ? 'lesson-6' : options.nextLesson,
    initial: snapshotOf(captured),
  });
  return { shell, session };
}

t.test('the first prompt shows the step to resume at and what still fails; nothing has changed yet', async (t) => {
  const { session } = start('lesson-5-half', 4);
  const r = await session.handle(enter());
  t.equal(r.label, 'lesson-5 4/5');
  t.match(r.text, /━━ lesson-5 · step 4 of 5 · Plug the host ends into the bridge ━━/);
  t.match(r.text, /✗ step 4 of 5 · 0 of 4 checks hold · failing: veth0 exists in the host: up, on br0 — /);
  t.notMatch(r.text, /what changed/);
});

t.test(
  'when a command makes the step hold: what it changed, the step done, its "right now" claims, and the next one',
  async (t) => {
    const { shell, session } = start('lesson-5-half', 4);
    await session.handle(enter());
    // The learner types the rest of the lesson in one go (a script, say): every later step already holds.
    shell.snapshot = snapshotText('after-lesson-7');
    const r = await session.handle(typed('bash build-the-rest.sh'));
    t.match(
      r.text,
      /what changed:\n {4}\+ link br0|what changed:\n[\s\S]*\+ link veth0 \(veth\): up, master br0 \(the host\)/,
    );
    t.match(r.text, /✓ step 4 done: Plug the host ends into the bridge\n✓ step 5 done: Configure both namespaces/);
    // After lesson 7 the host does reach the containers: the "not yet" claim of step 5 no longer holds, and says so.
    t.match(r.text, /✗ right now: the host cannot reach the containers yet/);
    t.match(r.text, /★ lesson-5 complete: Connect the namespaces with a bridge[\s\S]*Next: tsnet-learn learn lesson-6/);
    t.equal(r.label, 'lesson-5 done');
    t.equal(session.current(), null);
    // Afterwards an empty Enter says nothing: nothing changed, and the lesson is done.
    t.equal((await session.handle(enter())).text, '');
  },
);

t.test(
  'a wrong address: the failing check names what is there; hint gives the fix; next refuses; skip goes on',
  async (t) => {
    const wrong = snapshotText('after-lesson-7').replace('"local":"172.18.0.20"', '"local":"172.18.0.200"');
    const { shell, session } = start('after-lesson-7', 5, { nextLesson: null });
    shell.snapshot = wrong;
    const first = await session.handle(typed('ip addr add 172.18.0.200/16 dev ceth1', 'netns1'));
    t.match(
      first.text,
      /- address 172\.18\.0\.20\/16 on ceth1 \(netns netns1\)\n {4}\+ address 172\.18\.0\.200\/16 on ceth1 \(netns netns1\)/,
    );
    t.match(
      first.text,
      /✗ step 5 of 5 · 1 of 4 checks hold · failing: ceth1 in netns netns1 has 172\.18\.0\.20\/16 — ceth1 has 172\.18\.0\.200\/16 \(hint\)/,
    );
    t.equal(first.label, 'lesson-5 5/5 netns1');
    const hint = await session.handle(ask('hint'));
    t.match(hint.text, /hint: inside netns1: ip addr add 172\.18\.0\.20\/16 dev ceth1/);
    t.match(
      hint.text,
      /Judged once those hold: netns0 reaches netns1 through the bridge; netns1 reaches netns0 through the bridge/,
    );
    t.equal(
      (await session.handle(typed('hint'))).text,
      '',
      'the prompt after a helper adds nothing: the helper answered',
    );
    const next = await session.handle(ask('next'));
    t.match(next.text, /Step 5 is not done yet:[\s\S]*skip moves on anyway/);
    t.not(session.current(), null);
    const skip = await session.handle(ask('skip'));
    t.match(skip.text, /↷ step 5 skipped: Configure both namespaces[\s\S]*★ lesson-5 complete/);
  },
);

t.test(
  'a step without checks is done once its commands were typed; checked steps already done are passed at once',
  async (t) => {
    const { session } = start('lesson-5-half', 1);
    const first = await session.handle(enter());
    t.match(
      first.text,
      /step 1 of 5 · Delete the old namespaces and veth pairs \(if needed\)[\s\S]*This step only cleans up/,
    );
    t.match(first.text, /○ step 1 of 5 · 0 of 4 commands typed · next goes on/);
    t.match((await session.handle(typed('ip netns delete netns0'))).text, /○ step 1 of 5 · 1 of 4 commands typed/);
    t.match((await session.handle(enter())).text, /1 of 4 commands typed/, 'an empty Enter counts nothing');
    t.match((await session.handle(typed('ls /tmp'))).text, /1 of 4 commands typed/, 'another command counts nothing');
    await session.handle(typed('ip netns  delete   netns1'));
    await session.handle(typed('ip link delete veth0'));
    const last = await session.handle(typed('ip link delete veth1'));
    // (The recorded lab does not change: netns0, netns1 and br0 are still there, so steps 2 and 3 hold.)
    t.match(last.text, /✓ step 1 done[\s\S]*✓ step 2 done[\s\S]*✓ step 3 done[\s\S]*━━ lesson-5 · step 4 of 5/);
    t.equal(session.current()?.index, 4);
  },
);

t.test('next goes on after a step that only looks or cleans up', async (t) => {
  const { session } = start('lesson-5-half', 1);
  await session.handle(enter());
  const r = await session.handle(ask('next'));
  t.match(r.text, /✓ step 1 done/);
  t.equal(session.current()?.index, 4);
});

t.test('step and where show the step again and where the shell is', async (t) => {
  const { session } = start('lesson-5-half', 4);
  await session.handle(enter());
  t.match((await session.handle(ask('step'))).text, /step 4 of 5 · Plug the host ends[\s\S]*✗ step 4 of 5/);
  const where = await session.handle({ ...ask('where'), ctx: 'netns0' });
  t.match(
    where.text,
    /lab default · lesson-5 "Connect the namespaces with a bridge" · step 4 of 5[\s\S]*this shell is inside netns0/,
  );
});

t.test('re-evaluation reads the checks and everything else in one round trip', async (t) => {
  const shell = recordedShell(snapshotText('after-lesson-7'));
  const before = snapshotOf('after-lesson-7');
  const r = await reevaluate([shell], recordedLab, lesson5.steps[2]!, before);
  t.equal(shell.lines.length, 1);
  t.strictSame(r.changes, []);
  t.strictSame(
    r.results.map((x) => x.status),
    ['passed'],
  );
});

t.test('a namespace created meanwhile is read in a second round trip and shows up as new', async (t) => {
  const shell = recordedShell(snapshotText('lesson-5-half'));
  const empty: Snapshot = { netns: [], spaces: { host: snapshotOf('lesson-5-half').spaces.host! } };
  const r = await reevaluate([shell], recordedLab, null, empty);
  t.equal(shell.lines.length, 2);
  t.match(shell.lines[1], /@@tsnet.*netns0|netns0[\s\S]*@@tsnet/);
  t.ok(r.snapshot.spaces.netns0, 'netns0 was read');
  t.strictSame(r.changes.map((c) => `${c.op} ${c.kind} ${c.subject}`).sort(), [
    'added netns netns0',
    'added netns netns1',
  ]);
});

t.test('which namespaces a command touched: where it ran, and the ones it names', async (t) => {
  const touched = (command: string, ctx = 'host'): string[] => ['netns0', 'netns1'].filter(touchedBy(command, ctx));
  t.strictSame(touched('iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE'), []);
  t.strictSame(touched('ip link set lo up', 'netns0'), ['netns0']);
  t.strictSame(touched('nsenter --net=/run/netns/netns1 ip route add default via 172.18.0.1'), ['netns1']);
  t.strictSame(touched('ip netns exec netns0 iptables -L'), ['netns0']);
  t.strictSame(touched('ip -n netns1 addr'), ['netns1']);
  t.strictSame(touched('echo netns00'), [], 'a longer name is another namespace');
  t.strictSame(touched(`ip netns exec 'netns1' iptables -F && echo ok`), ['netns1'], 'quotes and lists');
});

t.test(
  'after a command on the host, the namespaces are read without entering them; their rules and sockets carry over',
  async (t) => {
    const shell = recordedShell(snapshotText('after-lesson-7'));
    const before = snapshotOf('after-lesson-7');
    const r = await reevaluate([shell], recordedLab, null, before, touchedBy('iptables -t nat -S', 'host'));
    t.notMatch(shell.lines.join('\n'), /nsenter --net=\/run\/netns\//, 'no nsenter into netns0 or netns1');
    t.match(shell.lines.join('\n'), /ip -n netns0 /);
    t.strictSame(
      r.snapshot.spaces.netns0?.listening,
      before.spaces.netns0?.listening,
      "netns0's server is still known",
    );
    t.strictSame(r.changes, []);
    const inside = recordedShell(snapshotText('after-lesson-7'));
    await reevaluate([inside], recordedLab, null, before, touchedBy('iptables -S', 'netns1'));
    t.match(
      inside.lines.join('\n'),
      /nsenter --net=\/run\/netns\/netns1 /,
      'the namespace the command ran in is read in full',
    );
    t.notMatch(inside.lines.join('\n'), /nsenter --net=\/run\/netns\/netns0 /);
  },
);

t.test(
  'with several shells the probes run on the last one while the others read; a failing state check does not wait for them',
  async (t) => {
    const lesson7 = catalog.byId.get('lesson-7')!;
    // Lesson 7 step 1 wants a server listening in netns0; before lesson 7 nothing listens there.
    const reader = recordedShell(snapshotText('after-lesson-4'));
    const hanging = recordedShell(snapshotText('after-lesson-4'));
    hanging.execAll = () => new Promise(() => undefined);
    const started = Date.now();
    const r = await reevaluate([reader, hanging], recordedLab, lesson7.steps[0]!, snapshotOf('after-lesson-4'));
    t.ok(Date.now() - started < 5000, 'it did not wait for the probe');
    t.strictSame(
      r.results.map((x) => x.status),
      ['failed', 'skipped'],
    );
    t.match(r.results[1]!.message, /not probed: a state check already fails/);
    t.ok(
      reader.lines.every((l) => l.includes('@@tsnet')),
      'the reader only read',
    );

    const done = [recordedShell(snapshotText('after-lesson-7')), recordedShell(snapshotText('after-lesson-7'))];
    const ok = await reevaluate(done, recordedLab, lesson7.steps[0]!, snapshotOf('after-lesson-7'));
    t.strictSame(
      ok.results.map((x) => x.status),
      ['passed', 'passed'],
    );
    t.match(done[1]!.lines.join('\n'), /curl/, 'the probe ran on the last shell');
    t.notMatch(done[0]!.lines.join('\n'), /curl/);
  },
);

const lesson3 = catalog.byId.get('lesson-3')!;
const lesson6 = catalog.byId.get('lesson-6')!;
const lesson7 = catalog.byId.get('lesson-7')!;

t.test(
  "a step is done once its checks hold and the learner has typed the commands that show it: lesson 3's ping",
  async (t) => {
    // After lesson 7 every check of lesson 3 holds (netns0 is configured), so only the ping is missing.
    const { shell, session } = start('after-lesson-7', 1, { lesson: lesson3, nextLesson: 'lesson-4' });
    const first = await session.handle(enter());
    t.match(first.text, /Done when:[\s\S]*and you have typed: ping -c 2 172\.18\.0\.11/);
    t.match(first.text, /✓ step 1 of 1 · 5 of 5 checks hold · now type: ping -c 2 172\.18\.0\.11 \(next goes on\)/);
    t.notMatch(first.text, /complete/, 'not complete before the payoff');
    t.not(session.current(), null);
    // On the host it is not the lesson's ping, which runs inside netns0.
    t.notMatch((await session.handle(typed('ping -c 2 172.18.0.11'))).text, /complete/);
    const done = await session.handle(typed('ping  -c 2 172.18.0.11', 'netns0'));
    t.match(done.text, /✓ step 1 done: Configure netns0 from the inside[\s\S]*★ lesson-3 complete/);
    t.equal(session.current(), null);
    // Finished steps are guarded from then on.
    shell.snapshot = snapshotText('after-lesson-7').replace('"local":"172.18.0.10"', '"local":"172.18.0.100"');
    t.match(
      (await session.handle(typed('ip addr flush dev ceth0', 'netns0'))).text,
      /⚠ that undid lesson-3 step 1 "Configure netns0 from the inside": ceth0 in netns netns0 has 172\.18\.0\.10\/16/,
    );
  },
);

t.test('the ping typed before the checks hold does not count: the point is to see it work', async (t) => {
  const { shell, session } = start('after-lesson-7', 1, { lesson: lesson3, nextLesson: 'lesson-4' });
  await session.handle(enter());
  // ceth0 has a wrong address while the learner pings: the ping shows nothing worth seeing yet.
  const broken = snapshotText('after-lesson-7').replace('"local":"172.18.0.10"', '"local":"172.18.0.100"');
  shell.snapshot = broken;
  t.match((await session.handle(typed('ping -c 2 172.18.0.11', 'netns0'))).text, /✗ step 1 of 1/);
  shell.snapshot = snapshotText('after-lesson-7');
  const fixed = await session.handle(typed('ip addr add 172.18.0.10/16 dev ceth0', 'netns0'));
  t.match(fixed.text, /now type: ping -c 2 172\.18\.0\.11/);
  t.notMatch(fixed.text, /complete/);
  t.match((await session.handle(ask('next'))).text, /✓ step 1 done[\s\S]*★ lesson-3 complete/, 'next goes on');
});

t.test('an observe step is done only once its command is typed: lesson 7 ends with the curl', async (t) => {
  const { session } = start('after-lesson-7', 3, { lesson: lesson7, nextLesson: null });
  t.notMatch((await session.handle(enter())).text, /complete/);
  t.match((await session.handle(typed('curl 172.16.0.2:5000'))).text, /✓ step 3 done[\s\S]*★ lesson-7 complete/);
});

t.test(
  'a command that breaks a step done before, in this lesson or a prerequisite, is named at once; and its repair',
  async (t) => {
    const { shell, session } = start('after-lesson-7', 4, {
      lesson: lesson6,
      before: [lesson5],
      nextLesson: 'lesson-7',
    });
    await session.handle(enter());
    shell.snapshot = snapshotText('after-lesson-7').replace(
      '"ifname":"veth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","master":"br0",',
      '"ifname":"veth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue",',
    );
    const broke = await session.handle(typed('ip link set veth0 nomaster'));
    t.match(
      broke.text,
      /⚠ that undid lesson-5 step 4 "Plug the host ends into the bridge": veth0 exists in the host: up, on br0 — [^\n]+\n {4}hint: ip link set veth0 master br0/,
    );
    t.notMatch(broke.text, /undid lesson-6/, 'step 1 to 3 of lesson 6 still hold');
    t.match(
      (await session.handle(typed('ip link show'))).text,
      /^(?![\s\S]*undid)/,
      'said once, not after every command',
    );
    shell.snapshot = snapshotText('after-lesson-7');
    const repaired = await session.handle(typed('ip link set veth0 master br0'));
    t.match(repaired.text, /✓ lesson-5 step 4 holds again: Plug the host ends into the bridge/);
  },
);

t.test('the steps of this lesson before the one it starts at are guarded too', async (t) => {
  const { shell, session } = start('after-lesson-7', 4, { lesson: lesson6, before: [lesson5], nextLesson: 'lesson-7' });
  await session.handle(enter());
  shell.snapshot = snapshotText('after-lesson-7').replace(
    /"local":"172\.18\.0\.1","prefixlen":16/,
    '"local":"172.18.0.1","prefixlen":24',
  );
  const r = await session.handle(typed('ip addr del 172.18.0.1/16 dev br0; ip addr add 172.18.0.1/24 dev br0'));
  t.match(r.text, /⚠ that undid lesson-6 step 1 "Give the bridge an address"/);
});

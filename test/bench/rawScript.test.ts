import t from 'tap';
import { probeLines, rawChecks, rawScript } from '../../bench/rawScript.js';
import { resolveLesson } from '../../src/lesson/catalog.js';

t.test('the raw floor sends the probes the checks send, from their namespaces', async (t) => {
  const { chain } = await resolveLesson('lesson-7');
  const publish = chain.at(-1)!.steps[1]!;
  const lines = await probeLines(publish.checks);
  t.strictSame(lines.length, 2, 'two http checks, two curls');
  t.match(lines[0]!, /^curl .*http:\/\/172\.16\.0\.2:5000\//);
  t.match(lines[1]!, /^nsenter --net=\/run\/tsnet\/outside curl .*http:\/\/172\.16\.0\.2:5000\//);
});

t.test('after a step it reads what the checks read, then waits for its own probes only', async (t) => {
  const { chain } = await resolveLesson('lesson-7');
  const script = await rawChecks(chain.at(-1)!.steps[1]!.checks);
  t.match(script, /iptables-save/, 'the rules the checks judge');
  t.match(
    script,
    /wait \$p0 \|\| :\nwait \$p1 \|\| :$/,
    'each probe waited for by its pid: the server in the background is not',
  );
  t.equal(await rawChecks([]), '');
});

t.test('the raw script with checks is the raw script plus those reads and probes', async (t) => {
  const { chain } = await resolveLesson('lesson-6');
  const plain = await rawScript(chain);
  const checked = await rawScript(chain, { checks: true });
  for (const line of plain.split('\n')) t.ok(checked.includes(line), line);
  t.notMatch(plain, /ping -c 1/);
  t.match(
    checked,
    /timeout -s INT 0\.1 ping -c 1 -i 0\.05 -w 1 203\.0\.113\.1/,
    'the "no answer yet" probe, with its wait (nobody answers ARP by proxy in the lab)',
  );
  t.notMatch(checked, /-i 0\.2 -w 1 203\.0\.113\.1/, 'and only its first window, as silence on a lab ends there');
});

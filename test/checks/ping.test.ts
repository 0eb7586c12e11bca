import { readFileSync } from 'node:fs';
import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { playback, probe } from '../helpers/probeEnv.js';
import { syntaxError } from '../helpers/snapshot.js';

/** A real ping run (tests/fixtures/ping): the output without the transcript's `$ …` line, and its exit code. */
function recorded(name: string): { exitCode: number; output: string } {
  const lines = readFileSync(new URL(`../fixtures/ping/${name}`, import.meta.url), 'utf8').split('\n');
  const exit = lines.map((l) => /^\[exit (-?\d+)\]$/.exec(l)).find(Boolean);
  return { exitCode: Number(exit?.[1] ?? 0), output: lines.filter((l) => !/^(\$ |\[exit )/.test(l)).join('\n') };
}

t.test('a reply on the first try passes after one ping from the namespace', async (t) => {
  const env = playback([recorded('ping-success.txt')]);
  t.strictSame(await probe('ping 172.18.0.10 from=netns1', env), {
    ok: true,
    message: '2/2 replies, avg 0.33 ms',
    passes: true,
  });
  t.strictSame(env.calls, [{ line: 'ping -c 1 -W 0.5 172.18.0.10', ns: 'netns1' }]);
  t.strictSame(env.asked, ['172.18.0.10 from netns1']);
});

t.test('a lost first packet is retried once, and the second reply passes', async (t) => {
  const env = playback([recorded('ping-100-loss.txt'), recorded('ping-success.txt')]);
  t.strictSame(await probe('ping 172.18.0.10', env), { ok: true, message: '2/2 replies, avg 0.33 ms', passes: true });
  t.equal(env.calls.length, 2);
  t.strictSame(env.calls[1], { line: 'ping -c 1 -W 0.5 172.18.0.10', ns: 'host' });
});

t.test('no reply on either try fails with the loss', async (t) => {
  const env = playback([recorded('ping-100-loss.txt'), recorded('ping-100-loss.txt')]);
  t.strictSame(await probe('ping 172.18.0.10', env), {
    ok: false,
    message: 'no reply: 100% packet loss',
    passes: false,
  });
  t.equal(env.calls.length, 2);
});

t.test('an unanswered ARP (host unreachable) is retried too, and says so', async (t) => {
  const env = playback([recorded('ping-host-unreach-icmp.txt'), recorded('ping-host-unreach-icmp.txt')]);
  t.strictSame(await probe('ping 172.16.0.99', env), {
    ok: false,
    message: 'no reply: Destination Host Unreachable (from 10.0.0.1)',
    passes: false,
  });
  t.equal(env.calls.length, 2);
});

t.test('an unreachable network is not retried', async (t) => {
  const env = playback([recorded('ping-net-unreachable.txt')]);
  t.strictSame(await probe('ping 10.0.0.2 from=outside', env), {
    ok: false,
    message: 'Network is unreachable',
    passes: false,
  });
  t.equal(env.calls.length, 1);
});

/** Who answers ARP by proxy, as the settle read says it of test/fixtures/lessons/false-negative. */
const PROXY = ['lan in router: proxy ARP on'];

t.test('where nobody answers ARP by proxy, fails passes after 0.1 s of silence, an echo every 50 ms', async (t) => {
  const env = playback([recorded('ping-100-loss.txt')]);
  t.strictSame(await probe('ping 172.18.0.10 from=outside fails', env), {
    ok: false,
    message: 'no reply: 100% packet loss',
    passes: true,
  });
  t.strictSame(
    env.calls,
    [{ line: 'timeout -s INT 0.1 ping -c 1 -i 0.05 -w 1 172.18.0.10', ns: 'outside' }],
    'one ping, ended by SIGINT (its own deadline counts whole seconds), and nothing more asked',
  );
});

t.test(
  'a short window in which ping sent one echo only (no CPU for it) is listened to again, the long way',
  async (t) => {
    const starved = recorded('ping-100-loss.txt');
    starved.output = starved.output.replace('2 packets transmitted', '1 packets transmitted');
    t.not(starved.output, recorded('ping-100-loss.txt').output);
    const env = playback([starved, recorded('ping-success.txt')]);
    t.equal((await probe('ping 10.20.1.1 from=red fails', env)).passes, false, 'the reply heard then fails the claim');
    t.strictSame(
      env.calls.map((c) => c.line),
      ['timeout -s INT 0.1 ping -c 1 -i 0.05 -w 1 10.20.1.1', 'ping -c 1 -i 0.2 -w 1 10.20.1.1'],
    );
  },
);

t.test('where a proxy answers ARP, silence is listened for 1 s, over the longest proxy delay', async (t) => {
  const env = playback([recorded('ping-100-loss.txt')], null, [], PROXY);
  t.equal((await probe('ping 172.18.0.10 from=outside fails', env)).passes, true);
  const pings = env.calls.filter((c) => c.line.startsWith('ping'));
  t.equal(pings.length, 1, 'one ping, which itself repeats the echo');
  const m = /^ping -c 1 -i (\d*\.?\d+) -w (\d+) 172\.18\.0\.10$/.exec(pings[0]!.line);
  t.ok(m, pings[0]!.line);
  t.ok(Number(m?.[2]) >= 1, 'waits at least 1 s for a reply, over the 0.8 s a proxy may wait');
  t.ok(Number(m?.[1]) <= 0.2, 'sends an echo at least every 0.2 s meanwhile, so one lost echo is no verdict');
  t.strictSame(env.calls.at(-1), { line: 'still coming up?', ns: '' }, 'and then asks whether anything still resolves');
});

t.test(
  'silence while a neighbour is still being resolved by a proxy waits one more window; a reply then fails the claim',
  async (t) => {
    const env = playback(
      [recorded('ping-100-loss.txt'), recorded('ping-success.txt')],
      null,
      ['10.20.2.2 on eth0 in red: neighbour still resolving'],
      PROXY,
    );
    t.equal((await probe('ping 10.20.2.2 from=red fails', env)).passes, false);
    t.equal(env.calls.filter((c) => c.line.startsWith('ping')).length, 2);
  },
);

t.test('silence through two windows, two ARP requests unanswered, is silence', async (t) => {
  const env = playback(
    [recorded('ping-100-loss.txt'), recorded('ping-100-loss.txt')],
    null,
    ['x: neighbour still resolving', 'x: neighbour still resolving'],
    PROXY,
  );
  t.equal((await probe('ping 10.20.1.99 from=red fails', env)).passes, true);
  t.equal(env.calls.filter((c) => c.line.startsWith('ping')).length, 2, 'no third window');
});

t.test('an ICMP error ends a negative probe at once: it is an answer', async (t) => {
  const env = playback([recorded('ping-net-unreachable.txt')], null, ['x: neighbour still resolving'], PROXY);
  t.equal((await probe('ping 203.0.113.1 from=netns0 fails', env)).passes, true);
  t.strictSame(
    env.calls.map((c) => c.line),
    ['ping -c 1 -i 0.2 -w 1 203.0.113.1'],
  );
});

t.test('a reply late in the window fails the negative claim', async (t) => {
  const env = playback([recorded('ping-partial-loss.txt')]);
  t.equal((await probe('ping 10.20.2.2 from=red fails', env)).passes, false);
});

t.test('fails does not pass when a reply comes back', async (t) => {
  const env = playback([recorded('ping-success.txt')]);
  t.strictSame(await probe('ping 172.18.0.10 fails', env), {
    ok: true,
    message: '2/2 replies, avg 0.33 ms',
    passes: false,
  });
});

t.test('a refused destination is skipped without sending anything', async (t) => {
  const why = '8.8.8.8 is not an address of this machine or its containers; not sending traffic there';
  const env = playback([], why);
  t.strictSame(await probe('ping 8.8.8.8', env), { ok: false, message: why, skip: why, passes: false });
  t.strictSame(env.calls, []);
  t.strictSame(env.asked, ['8.8.8.8 from host']);
});

t.test('the title and needs follow from= and fails', async (t) => {
  t.equal(parseCheckLine('ping 172.18.0.1 from=netns0')!.title, 'netns netns0 can ping 172.18.0.1');
  t.equal(parseCheckLine('ping 172.18.0.10 from=outside fails')!.title, 'the outside world cannot ping 172.18.0.10');
  t.strictSame(checkKinds.ping!.needs(parseCheckLine('ping 172.18.0.1 from=netns0')!.args), [
    { ns: 'netns0', part: 'links' },
  ]);
});

t.test('a host name, a missing address or a leftover word is a syntax error', async (t) => {
  t.strictSame(syntaxError('ping netns0'), { message: 'Unexpected `netns0`, expected an IPv4 address', offset: 5 });
  t.strictSame(syntaxError('ping from=netns0'), {
    message: 'Unexpected end of line, expected an IPv4 address (usage: ping ADDR [from=NS] [fails])',
    offset: 16,
  });
  t.strictSame(syntaxError('ping 172.18.0.1 twice'), {
    message: 'Unexpected `twice`, expected from= or fails',
    offset: 16,
  });
});

import { createHash } from 'node:crypto';
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describePing, parsePingOutput, type PingSummary } from '../../checks/pingOutput.js';

// Copies of ../shared/samples/ping (real iputils output, with the transcript's `$ command` and `[exit N]` lines).
const fixtures = new URL('../fixtures/ping/', import.meta.url);
const shared = new URL('../../../shared/samples/ping/', import.meta.url);
const sample = (name: string): string => readFileSync(new URL(name, fixtures), 'utf8');

const noSummary = {
  host: null,
  address: null,
  transmitted: null,
  received: null,
  errors: 0,
  lossPercent: null,
  rttMs: null,
  reached: false,
};

/** A run that printed its statistics: transmitted, received and loss as printed; reached when a reply came. */
function counted(
  host: string,
  [transmitted, received, lossPercent]: [number, number, number],
  rest: Partial<Pick<PingSummary, 'errors' | 'rttMs' | 'problem' | 'errorLine'>> = {},
): PingSummary {
  return {
    host,
    address: host,
    transmitted,
    received,
    errors: 0,
    lossPercent,
    rttMs: null,
    reached: received > 0,
    problem: null,
    errorLine: null,
    ...rest,
  };
}

const expected: Record<string, { summary: PingSummary; text: string }> = {
  'ping-success.txt': {
    summary: counted('10.0.0.3', [2, 2, 0], { rttMs: { min: 0.092, avg: 0.328, max: 0.565, mdev: 0.236 } }),
    text: '2/2 replies, avg 0.33 ms',
  },
  'ping-success-q.txt': {
    summary: counted('10.0.0.3', [2, 2, 0], { rttMs: { min: 0.082, avg: 0.122, max: 0.162, mdev: 0.04 } }),
    text: '2/2 replies, avg 0.12 ms',
  },
  'ping-loopback.txt': {
    summary: counted('127.0.0.1', [2, 2, 0], { rttMs: { min: 0.014, avg: 0.028, max: 0.042, mdev: 0.014 } }),
    text: '2/2 replies, avg 0.03 ms',
  },
  'ping-partial-loss.txt': {
    summary: counted('10.0.0.3', [4, 2, 50], {
      rttMs: { min: 0.087, avg: 0.118, max: 0.149, mdev: 0.031 },
      problem: 'partial-loss',
    }),
    text: '2/4 replies (50% loss)',
  },
  'ping-100-loss.txt': {
    summary: counted('10.0.0.3', [2, 0, 100], { problem: 'no-reply' }),
    text: 'no reply: 100% packet loss',
  },
  // ARP gives up after ~3 s, later than `-c 2 -W 1` ends: a missing on-link host looks like plain loss.
  'ping-host-unreach-arp-W1.txt': {
    summary: counted('10.0.0.99', [2, 0, 100], { problem: 'no-reply' }),
    text: 'no reply: 100% packet loss',
  },
  'ping-host-unreach-arp-c5.txt': {
    summary: counted('10.0.0.99', [5, 0, 100], {
      errors: 2,
      problem: 'host-unreachable',
      errorLine: 'From 10.0.0.2 icmp_seq=1 Destination Host Unreachable',
    }),
    text: 'no reply: Destination Host Unreachable (from 10.0.0.2)',
  },
  'ping-host-unreach-icmp.txt': {
    summary: counted('172.16.0.99', [2, 0, 100], {
      errors: 2,
      problem: 'host-unreachable',
      errorLine: 'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable',
    }),
    text: 'no reply: Destination Host Unreachable (from 10.0.0.1)',
  },
  'ping-net-unreachable.txt': {
    summary: { ...noSummary, problem: 'network-unreachable', errorLine: 'ping: connect: Network is unreachable' },
    text: 'Network is unreachable',
  },
  'ping-unknown-host-files.txt': {
    summary: {
      ...noSummary,
      problem: 'unknown-host',
      errorLine: 'ping: no-such-host.invalid: Name or service not known',
    },
    text: 'cannot resolve no-such-host.invalid: Name or service not known',
  },
  'ping-unknown-host-dns.txt': {
    summary: {
      ...noSummary,
      problem: 'unknown-host',
      errorLine: 'ping: no-such-host.invalid: Temporary failure in name resolution',
    },
    text: 'cannot resolve no-such-host.invalid: Temporary failure in name resolution',
  },
  'ping-unknown-host-dns-real-resolvconf.txt': {
    summary: {
      ...noSummary,
      problem: 'unknown-host',
      errorLine: 'ping: no-such-host.invalid: Temporary failure in name resolution',
    },
    text: 'cannot resolve no-such-host.invalid: Temporary failure in name resolution',
  },
};

t.test('every captured sample has an expectation below', async (t) => {
  t.strictSame(readdirSync(fixtures).sort(), Object.keys(expected).sort());
});

// The checksums of the shared samples, taken when they were copied: a clone without ../shared still
// proves its fixtures are those samples, unchanged; beside ../shared, the samples are held to them too.
const sums = new Map(
  readFileSync(new URL('../fixtures/ping.sha256', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => [l.slice(66), l.slice(0, 64)] as const),
);
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

t.test('the fixtures are unchanged copies of the shared samples', async (t) => {
  t.strictSame([...sums.keys()].sort(), readdirSync(fixtures).sort());
  for (const [name, sum] of sums) t.equal(sha256(sample(name)), sum, `${name} is the sample as captured`);
  if (existsSync(shared))
    for (const name of readdirSync(shared))
      t.equal(
        sha256(readFileSync(new URL(name, shared), 'utf8')),
        sums.get(name),
        `../shared/samples/ping/${name} is what was copied`,
      );
});

for (const [name, { summary, text }] of Object.entries(expected)) {
  t.test(`${name} parses to its counts, problem and first error line`, async (t) => {
    const parsed = parsePingOutput(sample(name));
    t.strictSame(parsed, summary);
    t.equal(describePing(parsed), text);
  });
}

t.test('stderr merged before stdout still yields the summary and the error', async (t) => {
  const out = [
    'ping: sendmsg: Network is unreachable',
    'PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.',
    '64 bytes from 10.0.0.3: icmp_seq=2 ttl=64 time=0.050 ms',
    '--- 10.0.0.3 ping statistics ---',
    '2 packets transmitted, 1 received, 50% packet loss, time 1001ms',
  ].join('\r\n');
  const s = parsePingOutput(out);
  t.match(s, {
    host: '10.0.0.3',
    transmitted: 2,
    received: 1,
    errors: 0,
    lossPercent: 50,
    problem: 'network-unreachable',
  });
  t.equal(s.errorLine, 'ping: sendmsg: Network is unreachable');
});
t.test('a router answering Destination Net Unreachable is network-unreachable', async (t) => {
  const out = [
    'PING 203.0.113.1 (203.0.113.1) 56(84) bytes of data.',
    'From 172.16.0.1 icmp_seq=1 Destination Net Unreachable',
    '--- 203.0.113.1 ping statistics ---',
    '1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms',
  ].join('\n');
  const s = parsePingOutput(out);
  t.equal(s.problem, 'network-unreachable');
  t.equal(describePing(s), 'no reply: Destination Net Unreachable (from 172.16.0.1)');
});

/** Output in the shapes real ping prints, for what the captured samples do not show: fields, then the text. */
const MADE_UP: [title: string, output: string, fields: Partial<PingSummary>, text: string][] = [
  [
    'a missing on-link host reported by ARP is host-unreachable even with replies lost only partly',
    [
      'PING 10.0.0.99 (10.0.0.99) 56(84) bytes of data.',
      '64 bytes from 10.0.0.99: icmp_seq=1 ttl=64 time=0.090 ms',
      'From 10.0.0.2 icmp_seq=3 Destination Host Unreachable',
      '',
      '--- 10.0.0.99 ping statistics ---',
      '4 packets transmitted, 1 received, +1 errors, 75% packet loss, time 3050ms',
      'rtt min/avg/max/mdev = 0.090/0.090/0.090/0.000 ms',
      'pipe 2',
    ].join('\n'),
    { transmitted: 4, received: 1, errors: 1, lossPercent: 75, reached: true, problem: 'host-unreachable' },
    '1/4 replies (75% loss), Destination Host Unreachable (from 10.0.0.2)',
  ],
  [
    'a host name is kept apart from its address and warnings are not errors',
    [
      'ping: Warning: source address might be selected on device other than: eth0',
      'PING localhost (127.0.0.1) 56(84) bytes of data.',
      '64 bytes from localhost (127.0.0.1): icmp_seq=1 ttl=64 time=0.020 ms',
      '',
      '--- localhost ping statistics ---',
      '1 packets transmitted, 1 received, 0% packet loss, time 0ms',
      'rtt min/avg/max/mdev = 0.020/0.020/0.020/0.000 ms',
    ].join('\n'),
    { host: 'localhost', address: '127.0.0.1', reached: true, problem: null, errorLine: null },
    '1/1 replies, avg 0.02 ms',
  ],
  [
    'replies without a summary (ping interrupted) still count as reached',
    'PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.\n64 bytes from 10.0.0.3: icmp_seq=1 ttl=64 time=0.1 ms\n',
    { transmitted: null, reached: true, problem: null },
    'replies received',
  ],
  [
    'an interrupted run with replies and an ICMP error is partial loss, with the error as reason',
    [
      'PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.',
      '64 bytes from 10.0.0.3: icmp_seq=1 ttl=64 time=0.1 ms',
      'From 10.0.0.1 icmp_seq=2 Time to live exceeded',
    ].join('\n'),
    { reached: true, problem: 'partial-loss', errorLine: 'From 10.0.0.1 icmp_seq=2 Time to live exceeded' },
    'some replies, Time to live exceeded (from 10.0.0.1)',
  ],
  [
    'an error line ping has no category for still explains a total loss',
    [
      'PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.',
      'From 10.0.0.1 icmp_seq=1 Time to live exceeded',
      '--- 10.0.0.3 ping statistics ---',
      '1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms',
    ].join('\n'),
    { errors: 1, problem: 'no-reply' },
    'no reply: Time to live exceeded (from 10.0.0.1)',
  ],
  [
    'duplicates in the summary do not hide the error count, and a missing rtt line is tolerated',
    [
      'PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.',
      '--- 10.0.0.3 ping statistics ---',
      '2 packets transmitted, 2 received, +1 duplicates, +3 errors, 0% packet loss, time 1001ms',
    ].join('\n'),
    { transmitted: 2, received: 2, errors: 3, lossPercent: 0, rttMs: null, problem: null },
    '2/2 replies',
  ],
  ['empty output is no reply, not success', '', { reached: false, problem: 'no-reply', errorLine: null }, 'no reply'],
  [
    'an unclassified error before sending is no-reply and is quoted',
    'ping: socket: Operation not permitted\n',
    { problem: 'no-reply', errorLine: 'ping: socket: Operation not permitted' },
    'Operation not permitted',
  ],
];

for (const [title, output, fields, text] of MADE_UP) {
  t.test(title, async (t) => {
    const s = parsePingOutput(output);
    t.match(s, fields);
    t.equal(describePing(s), text);
  });
}

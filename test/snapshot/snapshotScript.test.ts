import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { Need } from '../../src/snapshot/model.js';
import { groupNeeds, nsPath, parseSnapshotOutput, snapshotScript } from '../../src/snapshot/snapshotScript.js';
import { fixtureNeeds, snapshotText } from '../helpers/snapshot.js';

const count = (text: string, word: string): number => text.split(word).length - 1;

/** `bash -n`: parses the script without running anything. */
function bashSyntaxError(script: string): string | null {
  const r = spawnSync('bash', ['-n', '-c', script], { encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr;
}

t.test('nsPath: the host is entered by nothing, the outside world and netns names by a path', async (t) => {
  t.equal(nsPath('host'), null);
  t.equal(nsPath('outside'), '/run/tsnet/outside');
  t.equal(nsPath('netns0'), '/run/netns/netns0');
});

t.test('groupNeeds merges the needs of a namespace and collects sysctl keys', async (t) => {
  const { netns, spaces } = groupNeeds([
    { ns: 'netns0', part: 'links' },
    { ns: 'netns0', part: 'sysctl', key: 'net.ipv4.ip_forward' },
    { ns: 'netns0', part: 'sysctl', key: 'net.ipv4.conf.all.rp_filter' },
    { ns: 'netns0', part: 'links' },
    { ns: 'host', part: 'routes' },
  ]);
  t.equal(netns, false);
  t.strictSame([...spaces.keys()], ['netns0', 'host']);
  t.strictSame([...spaces.get('netns0')!.parts], ['links', 'sysctl']);
  t.strictSame([...spaces.get('netns0')!.sysctls], ['net.ipv4.ip_forward', 'net.ipv4.conf.all.rp_filter']);
  t.equal(groupNeeds([{ ns: 'host', part: 'netns' }]).netns, true);
  t.equal(groupNeeds([{ ns: 'host', part: 'netns' }]).spaces.size, 0);
});

t.test('the script enters each namespace other than the host once, however many parts it reads there', async (t) => {
  const script = snapshotScript(fixtureNeeds);
  t.equal(count(script, 'nsenter '), 4, 'netns0, netns1, outside, nosuch');
  for (const ns of ['netns0', 'netns1', 'nosuch']) {
    t.equal(count(script, `[ -e /run/netns/${ns} ] && nsenter --net=/run/netns/${ns} bash -c `), 1, ns);
  }
  t.equal(count(script, '[ -e /run/tsnet/outside ] && nsenter --net=/run/tsnet/outside bash -c '), 1);
  t.equal(bashSyntaxError(script), null);
});

t.test(
  'a namespace is tested for existence once and reports present once, also for links and routes only',
  async (t) => {
    const script = snapshotScript([
      { ns: 'netns1', part: 'links' },
      { ns: 'netns1', part: 'routes' },
    ]);
    t.equal(count(script, '[ -e /run/netns/netns1 ]'), 1);
    t.equal(count(script, ' present netns1'), 1);
    t.equal(count(script, 'addr show'), 1);
    t.equal(count(script, 'route show table main'), 1);
  },
);

t.test('the host is read without nsenter', async (t) => {
  const script = snapshotScript([
    { ns: 'host', part: 'links' },
    { ns: 'host', part: 'sysctl', key: 'net.ipv4.ip_forward' },
    { ns: 'host', part: 'iptables' },
  ]);
  t.equal(count(script, 'nsenter'), 0);
  t.match(script, /^printf '\\n@@tsnet %s %s\\n' present host$/m);
  t.match(script, /^ip -d -j -b - <<'__TSNET_IP'\naddr show\n__TSNET_IP$/m);
  t.match(script, /^iptables-save 2>\/dev\/null$/m);
});

t.test('links and routes of a namespace come from one ip process in batch mode', async (t) => {
  const script = snapshotScript([
    { ns: 'netns0', part: 'links' },
    { ns: 'netns0', part: 'routes' },
  ]);
  t.equal(count(script, 'ip -n netns0 '), 1);
  t.match(script, "ip -n netns0 -d -j -b - <<'__TSNET_IP'\naddr show\nroute show table main\n__TSNET_IP");
});

t.test('the batch output is split into links and routes, one JSON line each', async (t) => {
  const needs: Need[] = [
    { ns: 'host', part: 'links' },
    { ns: 'host', part: 'routes' },
  ];
  const out =
    '\n@@tsnet present host\n@@tsnet ip=links,routes host\n[{"ifname":"lo","flags":["UP"]}]\n[{"dst":"default","gateway":"172.16.0.1","dev":"eth0"}]\n';
  const s = parseSnapshotOutput(out, needs);
  t.strictSame(
    s.spaces.host?.links?.map((l) => l.name),
    ['lo'],
  );
  t.strictSame(s.spaces.host?.routes, [{ dst: 'default', gateway: '172.16.0.1', dev: 'eth0' }]);
});

t.test('a sysctl is read with the read builtin, not a process per key', async (t) => {
  const script = snapshotScript([
    { ns: 'host', part: 'sysctl', key: 'net.ipv4.ip_forward' },
    { ns: 'host', part: 'sysctl', key: 'net.ipv4.conf.all.forwarding' },
  ]);
  t.match(
    script,
    'if read -r v 2>/dev/null < /proc/sys/net/ipv4/ip_forward; then printf \'%s=%s\\n\' net.ipv4.ip_forward "$v"; fi',
  );
  t.match(script, 'if read -r v 2>/dev/null < /proc/sys/net/ipv4/conf/all/forwarding;');
  const commands = script.split('\n').filter((l) => !l.startsWith('printf '));
  t.equal(commands.length, 2);
  for (const c of commands) t.match(c, /^if read -r v 2>\/dev\/null < \/proc\/sys\//);
});

t.test('no section is read for parts nobody needs', async (t) => {
  const script = snapshotScript([{ ns: 'host', part: 'routes' }]);
  t.match(script, 'route show table main');
  for (const absent of [
    'netns list',
    'addr show',
    'iptables-save',
    '/proc/net/',
    '/proc/sys/',
    'links',
    'sysctl',
    'iptables',
    'listening',
  ]) {
    if (absent === 'links' || absent === 'listening') {
      t.notMatch(script, new RegExp(`${absent} `), `no ${absent}`);
      continue;
    }
    t.notMatch(script, absent, `no ${absent}`);
  }
  t.equal(snapshotScript([]), '');
});

t.test('the netns list is read only when a netns check needs it', async (t) => {
  t.match(snapshotScript([{ ns: 'host', part: 'netns' }]), 'ip -j netns list');
  t.notMatch(snapshotScript([{ ns: 'host', part: 'links' }]), 'netns list');
});

t.test('the listening part concatenates the four /proc/net tables, each after its @proto line', async (t) => {
  const script = snapshotScript([{ ns: 'host', part: 'listening' }]);
  for (const p of ['tcp', 'tcp6', 'udp', 'udp6'])
    t.match(script, `echo '@proto ${p}'; [ -r /proc/net/${p} ] && printf '%s\\n' "$(</proc/net/${p})"`);
  t.notMatch(script, /\bcat\b/, 'bash reads the tables itself: no process per table');
});

t.test('the script is valid bash for every combination of parts', async (t) => {
  const parts = ['links', 'routes', 'sysctl', 'iptables', 'listening'] as const;
  for (const ns of ['host', 'netns0', 'outside']) {
    for (const part of parts) {
      const needs: Need[] = [part === 'sysctl' ? { ns, part, key: 'net.ipv4.ip_forward' } : { ns, part }];
      t.equal(bashSyntaxError(snapshotScript(needs)), null, `${part} in ${ns}`);
    }
    t.equal(
      bashSyntaxError(
        snapshotScript([
          { ns, part: 'links' },
          { ns, part: 'routes' },
        ]),
      ),
      null,
      `links and routes in ${ns}`,
    );
  }
});

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

t.test(
  'run by bash, the script reads a sysctl and skips a namespace that does not exist',
  { skip: !existsSync(IP_FORWARD) && `${IP_FORWARD} is not readable here` },
  async (t) => {
    const key = 'net.ipv4.ip_forward';
    const file = IP_FORWARD;
    const needs: Need[] = [
      { ns: 'host', part: 'sysctl', key },
      { ns: 'host', part: 'sysctl', key: 'net.ipv4.no_such_setting' },
      { ns: 'tsnet-test-missing', part: 'sysctl', key },
    ];
    const r = spawnSync('bash', ['--noprofile', '--norc', '-c', snapshotScript(needs)], { encoding: 'utf8' });
    const s = parseSnapshotOutput(r.stdout, needs);
    t.strictSame(s.spaces.host, { sysctl: { [key]: readFileSync(file, 'utf8').trim() } });
    t.equal(s.spaces['tsnet-test-missing'], null);
  },
);

// `read -r v < FILE 2>/dev/null`: bash opens FILE before it redirects stderr, so the error is printed.
t.test('a sysctl that does not exist is skipped silently', async (t) => {
  const r = spawnSync(
    'bash',
    ['--noprofile', '--norc', '-c', snapshotScript([{ ns: 'host', part: 'sysctl', key: 'net.ipv4.no_such_setting' }])],
    { encoding: 'utf8' },
  );
  t.equal(r.stderr, '');
});

t.test('parseSnapshotOutput: a namespace that never said present is null', async (t) => {
  const s = parseSnapshotOutput(snapshotText('after-lesson-4'), fixtureNeeds);
  t.equal(s.spaces.nosuch, null);
  t.strictSame(Object.keys(s.spaces).sort(), ['host', 'netns0', 'netns1', 'nosuch', 'outside']);
});

t.test('parseSnapshotOutput: present namespaces have every part that was read', async (t) => {
  const s = parseSnapshotOutput(snapshotText('after-lesson-7'), fixtureNeeds);
  t.strictSame(s.netns, ['netns1', 'netns0']);
  for (const ns of ['host', 'netns0', 'netns1', 'outside']) {
    const space = s.spaces[ns];
    t.ok(space, ns);
    t.strictSame(Object.keys(space!).sort(), ['iptables', 'links', 'listening', 'routes', 'sysctl'], ns);
    t.strictSame(space!.sysctl, { 'net.ipv4.ip_forward': ns === 'host' ? '1' : '0' }, ns);
  }
  t.strictSame(Object.keys(s.spaces.host!.iptables!), ['nat']);
  t.strictSame(s.spaces.netns0!.iptables, {}, 'no table loaded');
  t.strictSame(s.spaces.netns0!.listening, [{ proto: 'tcp', address: '172.18.0.10', port: 5000 }]);
  t.equal(s.spaces.host!.links!.length, 5);
  t.equal(s.spaces.netns1!.routes!.length, 2);
});

t.test(
  'parseSnapshotOutput: present alone gives an empty state; text before the first marker is ignored',
  async (t) => {
    const needs: Need[] = [{ ns: 'netns0', part: 'links' }];
    t.strictSame(parseSnapshotOutput('noise\n@@tsnet present netns0\n', needs), { netns: [], spaces: { netns0: {} } });
    t.strictSame(parseSnapshotOutput('', needs), { netns: [], spaces: { netns0: null } });
  },
);

t.test('parseSnapshotOutput: sysctl lines are split at the first = and trimmed', async (t) => {
  const needs: Need[] = [{ ns: 'host', part: 'sysctl', key: 'net.ipv4.ip_local_port_range' }];
  const s = parseSnapshotOutput(
    '\n@@tsnet present host\n\n@@tsnet sysctl host\nnet.ipv4.ip_local_port_range=32768\t60999\nnot a value\n',
    needs,
  );
  t.strictSame(s.spaces.host!.sysctl, { 'net.ipv4.ip_local_port_range': '32768\t60999' });
});

// `graph` on a live lab after lesson 7: a well-formed SVG that shows the tutorial's network, DOT, a summary
// on a terminal, and nothing in the lab changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CLI, cliEnv, sandbox } from './harness.js';

const box = sandbox();
t.teardown(() => box.cleanup());

/** Runs bash inside the lab, as `tsnet-learn lab shell` would (the tests run as root: no user namespace). */
function inLab(script: string): string {
  const { initPid } = JSON.parse(readFileSync(join(box.stateDir, 'labs', 'g.json'), 'utf8')) as { initPid: number };
  const r = spawnSync('nsenter', ['-t', String(initPid), '--net', '--mount', '--pid', '--', 'bash', '-c', script], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`in the lab: ${script}: ${r.stderr}`);
  return r.stdout;
}

/**
 * Everything graph could have changed: links, addresses, routes and rules of every namespace, files
 * under /run, processes. The kernel's own IPv6 duplicate-address detection ends by itself in the
 * meantime, so its "tentative" flag is not a change.
 */
function labState(): string {
  return inLab(
    [
      'ip -o link; ip -o addr | sed "s/ tentative//"; ip route',
      'for n in $(ip netns list | cut -d" " -f1); do echo "== $n"; ip -n $n -o link; ip -n $n -o addr | sed "s/ tentative//"; ip -n $n route; done',
      'iptables-save | grep -v "^#" | sed "s/\\[[0-9:]*\\]//"',
      'cat /proc/sys/net/ipv4/ip_forward; ls -laR /run',
      'ps -eo pid,comm --no-headers | grep -v -E " (ps|bash|grep)$"',
    ].join('; '),
  );
}

/** The text a viewer shows: every <text> element of the SVG, read by Python's XML parser (which also proves it well-formed). */
function svgText(svg: string): { ok: boolean; text: string; error: string } {
  const r = spawnSync(
    'python3',
    [
      '-c',
      'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.buffer.read()); print("\\n".join("".join(c.data for c in e.childNodes if c.nodeType == c.TEXT_NODE) for e in d.getElementsByTagName("text")))',
    ],
    { input: svg, encoding: 'utf8' },
  );
  return { ok: r.status === 0, text: r.stdout, error: r.stderr };
}

t.before(async () => {
  const r = await box.run(['run', 'lesson-7', '--target', 'lab:g']);
  if (r.code !== 0) throw new Error(`lesson 7 did not pass in the lab: ${r.stdout}${r.stderr}`);
});

t.test('graph -o x.svg draws the finished lesson 7 and changes nothing in the lab', async (t) => {
  const before = labState();
  t.match(
    before,
    /== netns0[\s\S]*172\.18\.0\.10\/16[\s\S]*MASQUERADE[\s\S]*python3/,
    'the comparison sees the netns, the rules and the server',
  );
  const out = join(box.stateDir, 'x.svg');
  const r = await box.run(['graph', '--target', 'lab:g', '-o', out]);
  t.equal(r.code, 0, r.stderr);
  t.match(
    r.stdout,
    /Wrote the network of lab:g to .*x\.svg \(4 namespaces, 3 veth pairs, 1 bridge, 1 published port\)/,
  );
  const svg = svgText(readFileSync(out, 'utf8'));
  t.ok(svg.ok, `Python's XML parser reads it ${svg.error}`);
  for (const s of [
    'br0',
    'veth0',
    'veth1',
    'ceth0',
    'ceth1',
    'netns0',
    'netns1',
    '172.18.0.10',
    '172.18.0.20',
    '172.16.0.2',
    '5000',
    'MASQUERADE',
    'default via 172.18.0.1',
  ]) {
    t.ok(svg.text.includes(s), `the picture shows ${s}`);
  }
  t.match(
    svg.text,
    /tcp 172\.16\.0\.2:5000\n.*→ 172\.18\.0\.10:5000/,
    'the published port, from the host address to the container',
  );
  t.match(svg.text, /listening\ntcp 172\.18\.0\.10:5000/, 'the socket it reaches');
  t.equal(labState(), before, 'links, addresses, routes, rules, files and processes are as they were');
});

t.test('graph -o x.dot writes Graphviz source; piped without -o it prints SVG', async (t) => {
  const out = join(box.stateDir, 'x.dot');
  const r = await box.run(['graph', '--target', 'lab:g', '-o', out]);
  t.equal(r.code, 0, r.stderr);
  const dot = readFileSync(out, 'utf8');
  t.match(dot, /^digraph network \{/);
  t.ok(dot.includes('"if:host:veth0" -> "if:netns0:ceth0"'), 'a veth pair across namespaces');
  const piped = await box.run(['graph', '--target', 'lab:g']);
  t.equal(piped.code, 0);
  t.match(piped.stdout, /^<\?xml/);
  t.ok(svgText(piped.stdout).ok);
});

t.test('on a terminal it prints a summary and how to get the picture', async (t) => {
  const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} graph --target lab:g`, '/dev/null'], {
    env: cliEnv(box.stateDir),
    encoding: 'utf8',
  });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /lab:g\r?\nhost {2}ip_forward=1/);
  t.match(r.stdout, /veth0 \(veth\) {2}up {2}↔ netns0\/ceth0 {2}port of br0/);
  t.match(r.stdout, /A picture: tsnet-learn graph --target lab:g -o network\.svg/);
});

t.test('the picture follows the live state: a link set down shows DOWN', async (t) => {
  inLab('ip link set veth1 down');
  const r = await box.run(['graph', '--target', 'lab:g', '--format', 'dot']);
  t.equal(r.code, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes('"if:host:veth1" [')) ?? '';
  t.match(line, /fillcolor="#ffebee".*DOWN/);
  const ceth1 = r.stdout.split('\n').find((l) => l.includes('"if:netns1:ceth1" [')) ?? '';
  t.match(ceth1, /no carrier/, 'and its peer has no carrier');
});

t.test('a missing lab is a clear error (exit 2) and writes nothing', async (t) => {
  const out = join(box.stateDir, 'none.svg');
  const r = await box.run(['graph', '--target', 'lab:nosuch', '-o', out]);
  t.equal(r.code, 2);
  t.match(r.stderr, /No lab named "nosuch"\.\nCreate it with: tsnet-learn lab create nosuch/);
  t.notOk(existsSync(out));
  const bad = await box.run(['graph', '--target', 'lab:g', '-o', join(box.stateDir, 'x.png')]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /Cannot tell the format of .*x\.png/);
  t.notOk(existsSync(join(box.stateDir, 'x.png')));
});

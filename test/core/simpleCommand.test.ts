import t from 'tap';
import { simpleCommand } from '../../src/core/simpleCommand.js';

t.test('one command, wrapped or not, redirected or not, may replace the shell', async (t) => {
  for (const line of [
    'ping -c 1 -W 0.5 172.18.0.10',
    'nsenter --net=/run/netns/netns0 curl -s http://172.18.0.1/ 2>&1',
    "nsenter --net=/run/netns/netns0 bash -c 'ip a | grep inet; ip r'",
    "curl -w '%{http_code}|x' -o /dev/null http://127.0.0.1:5000/",
    'python3 -m http.server --bind 172.18.0.10 5000',
  ])
    t.equal(simpleCommand(line), true, line);
});

t.test('lists, pipelines, background jobs, compound commands and shell builtins stay in the shell', async (t) => {
  for (const line of [
    'ip a && ip r',
    'ip a || true',
    'ip a; ip r',
    'iptables-save | grep MASQUERADE',
    'sleep 100 &',
    '(ip a)',
    'if true; then ip a; fi',
    'cd /tmp',
    'export A=1',
    'set -e',
    'exit 1',
    'A=1 ip a',
    '',
  ])
    t.equal(simpleCommand(line), false, line);
});

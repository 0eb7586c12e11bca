import t from 'tap';
import {
  formatSshDestination,
  parseSshConfig,
  parseSshDestination,
  parseSshOption,
  sshArgv,
  sshConfigArgv,
  type SshOptions,
} from '../../src/target/sshDestination.js';

const OPTIONS: SshOptions = { configFile: null, options: [], sudo: false, connectTimeoutS: 10 };

t.test('ssh://[user@]host[:port] names a machine, its login and its port', async (t) => {
  t.strictSame(parseSshDestination('ssh://192.0.2.11'), { form: 'url', user: null, host: '192.0.2.11', port: null });
  t.strictSame(parseSshDestination('ssh://student@vm-7.class.example:2222/'), {
    form: 'url',
    user: 'student',
    host: 'vm-7.class.example',
    port: 2222,
  });
  t.strictSame(parseSshDestination('ssh://root@[2001:db8::7]:22'), {
    form: 'url',
    user: 'root',
    host: '2001:db8::7',
    port: 22,
  });
  t.equal(formatSshDestination(parseSshDestination('ssh://root@[2001:db8::7]:22')), 'ssh://root@[2001:db8::7]:22');
});

t.test("ssh:ALIAS names a Host of ssh's config", async (t) => {
  t.strictSame(parseSshDestination('ssh:alice'), { form: 'alias', alias: 'alice' });
  t.equal(formatSshDestination({ form: 'alias', alias: 'alice' }), 'ssh:alice');
});

t.test('anything that could reach a shell or become an ssh option is refused', async (t) => {
  for (const text of [
    'ssh://x;touch /tmp/pwned',
    'ssh://x$(touch /tmp/pwned)',
    'ssh://`id`@host',
    'ssh://-oProxyCommand=touch@host',
    'ssh://-oProxyCommand=touch',
    'ssh:-F/etc/passwd',
    'ssh:alice bob',
    "ssh:al'ice",
    'ssh://a b',
    'ssh://host:0',
    'ssh://host:70000',
    'ssh://host:22:22',
    'ssh://300.1.2.3',
    'ssh://',
    'ssh:',
    'ssh://[::1;id]',
    'ssh://host\nProxyCommand=id',
  ]) {
    t.throws(() => parseSshDestination(text), { message: /^Invalid ssh target/ }, JSON.stringify(text));
  }
});

t.test('sshArgv: BatchMode first (it cannot be overridden), then the teacher options, then the defaults', async (t) => {
  const argv = sshArgv(parseSshDestination('ssh://student@192.0.2.11:2222'), {
    ...OPTIONS,
    configFile: 'class.conf',
    options: ['ConnectTimeout=3', 'StrictHostKeyChecking=accept-new'],
    sudo: true,
  });
  t.strictSame(argv.slice(0, 4), ['ssh', '-T', '-o', 'BatchMode=yes']);
  t.ok(argv.indexOf('ConnectTimeout=3') < argv.indexOf('ConnectTimeout=10'), "the teacher's option wins (first)");
  t.strictSame(argv.slice(argv.indexOf('-F'), argv.indexOf('-F') + 2), ['-F', 'class.conf']);
  const at = argv.indexOf('--');
  t.strictSame(argv.slice(at - 4, at + 2), ['-p', '2222', '-l', 'student', '--', '192.0.2.11']);
  t.strictSame(argv.slice(at + 2), [
    'umask 077;',
    'exec',
    'sudo',
    '-n',
    '--',
    'env',
    'LC_ALL=C',
    'LANG=C',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  ]);
  t.notOk(sshArgv(parseSshDestination('ssh:alice'), OPTIONS).includes('sudo'), 'no sudo unless asked');
});

t.test('sshConfigArgv asks ssh -G about the same destination with the same options', async (t) => {
  const d = parseSshDestination('ssh:alice');
  const argv = sshConfigArgv(d, { ...OPTIONS, configFile: 'c' });
  t.strictSame(argv.slice(0, 2), ['ssh', '-G']);
  t.strictSame(argv.slice(-2), ['--', 'alice']);
  t.ok(argv.includes('-F'));
});

t.test('--ssh-option is KEY=VALUE; BatchMode and line breaks are refused', async (t) => {
  t.equal(parseSshOption('StrictHostKeyChecking=accept-new'), 'StrictHostKeyChecking=accept-new');
  t.equal(parseSshOption('ProxyJump=gw.example'), 'ProxyJump=gw.example');
  t.throws(() => parseSshOption('BatchMode=no'), /BatchMode cannot be changed/);
  t.throws(() => parseSshOption('batchmode=no'), /BatchMode cannot be changed/);
  for (const bad of ['', 'NoValue', '=x', 'Key=', 'Key=a\nProxyCommand=id', '-F=x'])
    t.throws(() => parseSshOption(bad), /Invalid --ssh-option/, JSON.stringify(bad));
});

t.test('parseSshConfig reads what ssh -G resolved: HostName, User, Port, and whether a proxy is used', async (t) => {
  t.strictSame(parseSshConfig('host alice\nuser root\nhostname 172.16.0.2\nport 22\nproxycommand nsenter -t 1 sh\n'), {
    hostname: '172.16.0.2',
    user: 'root',
    port: 22,
    proxied: true,
  });
  t.strictSame(parseSshConfig('user bob\nhostname 10.1.2.3\nport 2222\nproxyusefdpass no\n'), {
    hostname: '10.1.2.3',
    user: 'bob',
    port: 2222,
    proxied: false,
  });
  t.equal(parseSshConfig('hostname h\nproxyjump gw\n').proxied, true);
});

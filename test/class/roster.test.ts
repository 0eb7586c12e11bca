import t from 'tap';
import { UserError } from '../../src/core/errors.js';
import { parseRoster, rosterFormat, splitCsvLine } from '../../src/class/roster.js';

function problems(file: string, text: string): string {
  try {
    parseRoster(file, text);
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error('no problem found');
}

t.test('a CSV roster: a header student,target, then a student per line', async (t) => {
  const r = parseRoster(
    'class.csv',
    '# lesson 7, group B\nstudent,target\nalice,ssh://root@192.0.2.11\n\n"Bob, Jr.",ssh:bob-vm\ncarol,lab:carol\n',
  );
  t.strictSame(
    r.entries.map((e) => [e.student, e.target, e.line]),
    [
      ['alice', 'ssh://root@192.0.2.11', 3],
      ['Bob, Jr.', 'ssh:bob-vm', 5],
      ['carol', 'lab:carol', 6],
    ],
  );
  t.strictSame(r.warnings, []);
});

t.test('CSV columns host_ip and sudo are optional, in any order; unknown columns are ignored', async (t) => {
  const r = parseRoster(
    'c.csv',
    'email,sudo,target,host_ip,student\na@x,yes,ssh://s@192.0.2.11,192.0.2.99,alice\n,,ssh:b,,bob\n',
  );
  t.match(r.entries[0], { student: 'alice', hostIp: '192.0.2.99', sudo: true });
  t.match(r.entries[1], { student: 'bob', hostIp: null, sudo: false });
});

t.test('a roster line that would run a command is refused, and nobody is graded', async (t) => {
  const m = problems('c.csv', 'student,target\nalice,ssh://x;touch /tmp/pwned\nbob,ssh://root@192.0.2.12\n');
  t.match(m, /nobody was graded/);
  t.match(m, /c\.csv:2: Invalid ssh target "ssh:\/\/x;touch \/tmp\/pwned"/);
  t.match(
    problems('c.csv', 'student,target\nalice,ssh://$(reboot)@h\n'),
    /c\.csv:2: Invalid ssh target .*is not a user name/,
  );
  t.match(problems('i.ini', '[class]\nalice ansible_host="x;touch /tmp/pwned"\n'), /i\.ini:2: Invalid ssh target/);
  t.match(problems('i.ini', 'alice ansible_user=-oProxyCommand=id\n'), /i\.ini:1: Invalid ssh target/);
});

t.test('every problem is listed with its line, at once', async (t) => {
  const m = problems(
    'c.csv',
    'student,target,host_ip,sudo\n,ssh:a\nbob,nowhere\ncarol,ssh:c,1.2.3,\ndan,ssh:d,,maybe\nbob2,ssh:e,,\nbob2,ssh:f\n"open,ssh:g\n',
  );
  t.match(m, /6 problems/);
  for (const want of [
    /c\.csv:2: a student name is empty/,
    /c\.csv:3: Unknown target "nowhere"/,
    /c\.csv:4: host_ip "1\.2\.3" is not an IPv4 address/,
    /c\.csv:5: sudo is yes or no, not "maybe"/,
    /c\.csv:7: "bob2" is listed twice \(first on line 6\)/,
    /c\.csv:8: unbalanced quotes/,
  ])
    t.match(m, want);
});

t.test('an empty roster, or one without the header, is an error', async (t) => {
  t.match(problems('c.csv', 'student,target\n'), /c\.csv: no students in it/);
  t.match(problems('c.csv', '# nobody yet\n'), /no header line/);
  t.match(problems('c.csv', 'name,host\nalice,ssh:a\n'), /the header has no "student" column/);
  t.match(problems('c.csv', 'student,target\nalice,ssh:a,extra\n'), /3 fields, the header has 2/);
  t.match(problems('i.yml', 'all:\n  hosts: {}\n'), /YAML inventories are not read/);
});

t.test('an Ansible INI inventory: ansible_host, ansible_user, ansible_port, ansible_become', async (t) => {
  const r = parseRoster(
    'inventory',
    `[all:vars]
ansible_user=student

[class]
alice ansible_host=192.0.2.11
bob   ansible_host=192.0.2.12 ansible_port=2222 ansible_become=yes # bob's VM
carol ansible_user=root ansible_host=vm-c.example host_ip=192.0.2.13
dan

[late]
erin ansible_host=192.0.2.15 ansible_ssh_private_key_file="/keys/erin key"

[late:vars]
ansible_become=true
`,
  );
  t.strictSame(
    r.entries.map((e) => [e.student, e.target, e.sudo, e.hostIp, e.sshOptions]),
    [
      ['alice', 'ssh://student@192.0.2.11', false, null, []],
      ['bob', 'ssh://student@192.0.2.12:2222', true, null, []],
      ['carol', 'ssh://root@vm-c.example', false, '192.0.2.13', []],
      ['dan', 'ssh://student@dan', false, null, []],
      ['erin', 'ssh://student@192.0.2.15', true, null, ['IdentityFile=/keys/erin key']],
    ],
  );
});

t.test('an inventory host with nothing but its name is an ssh config alias, as Ansible uses it', async (t) => {
  t.strictSame(
    parseRoster('hosts', '[lab]\nvm1\nvm2 ansible_port=22\n').entries.map((e) => e.target),
    ['ssh:vm1', 'ssh://vm2:22'],
  );
});

t.test(
  '[group:children] gives its vars to the hosts of its child groups; a host in two groups is one student',
  async (t) => {
    const r = parseRoster(
      'hosts.ini',
      '[a]\nalice\n[b]\nalice ansible_host=192.0.2.11\nbob\n[class:children]\na\nb\n[class:vars]\nansible_user=root\n',
    );
    t.strictSame(
      r.entries.map((e) => [e.student, e.target]),
      [
        ['alice', 'ssh://root@192.0.2.11'],
        ['bob', 'ssh://root@bob'],
      ],
    );
  },
);

t.test('a password in an inventory is ignored, and its value never shown', async (t) => {
  const r = parseRoster(
    'hosts',
    '[class]\nalice ansible_host=192.0.2.11 ansible_password=hunter2 ansible_become_pass=s3cret\n[class:vars]\nansible_ssh_pass=topsecret\n',
  );
  t.equal(r.entries.length, 1);
  t.equal(r.warnings.length, 3);
  const said = JSON.stringify(r);
  for (const secret of ['hunter2', 's3cret', 'topsecret']) t.notMatch(said, secret);
  t.match(r.warnings[0], /hosts:2: ansible_password is ignored: grading logs in with keys only/);
});

t.test('inventory mistakes are named with their line', async (t) => {
  t.match(problems('h.ini', '[class\nalice\n'), /h\.ini:1: unexpected "\[class"/);
  t.match(problems('h.ini', 'alice ansible_host\n'), /h\.ini:1: expected key=value pairs after "alice"/);
  t.match(problems('h.ini', 'web[01:30]\n'), /host range "web\[01:30\]" is not supported/);
  t.match(problems('h.ini', 'alice ansible_become=perhaps\n'), /ansible_become is yes or no/);
});

t.test('the format is told by the file name, else by the first line', async (t) => {
  t.equal(rosterFormat('class.csv', ''), 'csv');
  t.equal(rosterFormat('hosts.ini', ''), 'ini');
  t.equal(rosterFormat('roster', '# a class\nstudent,target\n'), 'csv');
  t.equal(rosterFormat('hosts', '[class]\nalice\n'), 'ini');
});

t.test('splitCsvLine follows RFC 4180 quoting', async (t) => {
  t.strictSame(splitCsvLine('a,"b,c","d ""e""",'), ['a', 'b,c', 'd "e"', '']);
  t.equal(splitCsvLine('"open'), null);
  t.equal(splitCsvLine('"a"b'), null);
});

import t from 'tap';
import {
  readUserNamespaceSettings,
  userNamespaceBlocker,
  type UserNamespaceSettings,
} from '../../src/exec/userNamespaces.js';

const open: UserNamespaceSettings = {
  unprivilegedClone: null,
  maxUserNamespaces: '63434',
  apparmorRestrict: null,
  apparmorLabel: null,
};

t.test('a kernel that allows user namespaces has no blocker', async (t) => {
  t.equal(userNamespaceBlocker(open), null);
  t.equal(
    userNamespaceBlocker({ ...open, unprivilegedClone: '1', apparmorRestrict: '0', apparmorLabel: 'unconfined' }),
    null,
  );
});

t.test("Debian's kernel.unprivileged_userns_clone=0 is named with the sysctl that allows them", async (t) => {
  const b = userNamespaceBlocker({ ...open, unprivilegedClone: '0' })!;
  t.equal(b.setting, 'kernel.unprivileged_userns_clone');
  t.match(b.message, /kernel\.unprivileged_userns_clone = 0/);
  t.match(b.help, /sysctl -w kernel\.unprivileged_userns_clone=1/);
  t.match(b.help, /as root/);
});

t.test('user.max_user_namespaces=0 is named with the sysctl that raises it', async (t) => {
  const b = userNamespaceBlocker({ ...open, maxUserNamespaces: '0' })!;
  t.equal(b.setting, 'user.max_user_namespaces');
  t.match(b.message, /user\.max_user_namespaces = 0/);
  t.match(b.help, /sysctl -w user\.max_user_namespaces=10000/);
});

t.test("AppArmor's restriction blocks unconfined programs only", async (t) => {
  const restricted = { ...open, apparmorRestrict: '1' };
  t.equal(
    userNamespaceBlocker({ ...restricted, apparmorLabel: 'unconfined' })?.setting,
    'kernel.apparmor_restrict_unprivileged_userns',
  );
  t.equal(
    userNamespaceBlocker({ ...restricted, apparmorLabel: null })?.setting,
    'kernel.apparmor_restrict_unprivileged_userns',
    'no label readable: treated as unconfined',
  );
  t.equal(
    userNamespaceBlocker({ ...restricted, apparmorLabel: 'node-userns (enforce)' }),
    null,
    'a profile may allow userns: let the kernel decide',
  );
  t.match(
    userNamespaceBlocker({ ...restricted, apparmorLabel: 'unconfined' })!.help,
    /sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/,
  );
});

t.test('the first blocking setting is named when several block', async (t) => {
  t.equal(
    userNamespaceBlocker({ unprivilegedClone: '0', maxUserNamespaces: '0', apparmorRestrict: '1', apparmorLabel: null })
      ?.setting,
    'kernel.unprivileged_userns_clone',
  );
});

t.test('the settings are read from their /proc/sys files; a missing file is null', async (t) => {
  const files: Record<string, string> = {
    '/proc/sys/user/max_user_namespaces': '0',
    '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1',
    '/proc/self/attr/current': 'unconfined',
  };
  t.same(
    readUserNamespaceSettings((p) => files[p] ?? null),
    { unprivilegedClone: null, maxUserNamespaces: '0', apparmorRestrict: '1', apparmorLabel: 'unconfined' },
  );
});

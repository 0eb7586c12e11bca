// Can this user create user namespaces (what a lab needs without root)? The kernel settings that say no,
// read before anything is spawned, so the message names the one that blocks.
import { readFileSync } from 'node:fs';

/** The settings as read from /proc (trimmed), null where the file does not exist on this kernel. */
export interface UserNamespaceSettings {
  /** kernel.unprivileged_userns_clone (Debian's kernels before 6.x; 0 switches them off). */
  unprivilegedClone: string | null;
  /** user.max_user_namespaces (0: none at all, even for root-owned children). */
  maxUserNamespaces: string | null;
  /** kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10 on: 1 restricts unconfined programs). */
  apparmorRestrict: string | null;
  /** This process's AppArmor label (/proc/self/attr/current), e.g. `unconfined`. */
  apparmorLabel: string | null;
}

export interface UserNamespaceBlocker {
  /** The sysctl that blocks, e.g. `user.max_user_namespaces`. */
  setting: string;
  value: string;
  message: string;
  help: string;
}

const AS_ROOT = 'or run tsnet-learn as root, which needs no user namespace';

/** The setting that keeps an unprivileged user from creating a user namespace, or null. Pure. */
export function userNamespaceBlocker(s: UserNamespaceSettings): UserNamespaceBlocker | null {
  if (s.unprivilegedClone === '0') {
    return {
      setting: 'kernel.unprivileged_userns_clone',
      value: s.unprivilegedClone,
      message:
        'Cannot create a lab: this kernel does not let ordinary users create user namespaces (kernel.unprivileged_userns_clone = 0).',
      help: `A lab needs one when tsnet-learn runs without root. Allow them (as root): sysctl -w kernel.unprivileged_userns_clone=1\n(to keep it: echo kernel.unprivileged_userns_clone=1 > /etc/sysctl.d/50-userns.conf); ${AS_ROOT}.`,
    };
  }
  if (s.maxUserNamespaces !== null && /^\s*0\s*$/.test(s.maxUserNamespaces)) {
    return {
      setting: 'user.max_user_namespaces',
      value: '0',
      message: 'Cannot create a lab: user namespaces are limited to none here (user.max_user_namespaces = 0).',
      help: `A lab needs one when tsnet-learn runs without root. Raise the limit (as root): sysctl -w user.max_user_namespaces=10000\n(to keep it: echo user.max_user_namespaces=10000 > /etc/sysctl.d/50-userns.conf); ${AS_ROOT}.`,
    };
  }
  // The restriction spares programs whose AppArmor profile allows `userns`; unconfined ones it does not.
  const unconfined = s.apparmorLabel === null || /^unconfined\b/.test(s.apparmorLabel);
  if (s.apparmorRestrict === '1' && unconfined) {
    return {
      setting: 'kernel.apparmor_restrict_unprivileged_userns',
      value: s.apparmorRestrict,
      message:
        'Cannot create a lab: AppArmor keeps unconfined programs from using user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1).',
      help: `A lab needs one when tsnet-learn runs without root. Lift the restriction (as root): sysctl -w kernel.apparmor_restrict_unprivileged_userns=0,\nor give node an AppArmor profile that allows \`userns,\`; ${AS_ROOT}.`,
    };
  }
  return null;
}

function readSetting(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Reads the settings of the user namespace this process is in (they are per user namespace). */
export function readUserNamespaceSettings(read: (path: string) => string | null = readSetting): UserNamespaceSettings {
  return {
    unprivilegedClone: read('/proc/sys/kernel/unprivileged_userns_clone'),
    maxUserNamespaces: read('/proc/sys/user/max_user_namespaces'),
    apparmorRestrict: read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
    apparmorLabel: read('/proc/self/attr/apparmor/current') ?? read('/proc/self/attr/current'),
  };
}

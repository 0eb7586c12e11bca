// Before touching anything: are the tools a lab and the lessons need installed? Reads PATH, spawns nothing.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { readUserNamespaceSettings, userNamespaceBlocker } from './userNamespaces.js';

/** Tool → the Debian package that installs it. */
export const REQUIRED_TOOLS: Record<string, string> = {
  bash: 'bash',
  ip: 'iproute2',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  iptables: 'iptables',
  'iptables-save': 'iptables',
  ping: 'iputils-ping',
  curl: 'curl',
  python3: 'python3',
};

/** PATH plus the sbin directories, which an ordinary user's PATH often lacks though the tools work from there. */
export function pathWithSbin(path = process.env.PATH ?? ''): string {
  const dirs = path.split(delimiter).filter(Boolean);
  return [...dirs, ...['/usr/sbin', '/sbin'].filter((d) => !dirs.includes(d))].join(delimiter);
}

export function onPath(tool: string, path = process.env.PATH ?? ''): boolean {
  // Lesson shells get the same PATH (see shell.ts), so what is found here is found there.
  const dirs = pathWithSbin(path).split(delimiter);
  return dirs.some((d) => {
    try {
      accessSync(join(d, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function missingTools(tools = Object.keys(REQUIRED_TOOLS)): string[] {
  return tools.filter((t) => !onPath(t));
}

export function assertTools(): void {
  const missing = missingTools();
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((t) => REQUIRED_TOOLS[t]!))];
  throw new UserError(
    `Missing tools: ${missing.join(', ')}.`,
    `Install them (as root): apt-get install -y ${pkgs.join(' ')}`,
  );
}

/** Without root a lab needs a user namespace: name the kernel setting that forbids one, before trying. */
export function assertUserNamespaces(): void {
  const blocker = userNamespaceBlocker(readUserNamespaceSettings());
  if (blocker) throw new UserError(blocker.message, blocker.help);
}

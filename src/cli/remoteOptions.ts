// The options and help of grading remote machines (`check --target ssh://…` and `grade`), kept out of main.ts.
import { Option, type Command } from 'commander';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** --ssh-config, --ssh-option, --sudo, --timeout, --probe-from-grader. */
export function withRemoteOptions(cmd: Command): Command {
  return cmd
    .option('--ssh-config <file>', 'the ssh config file to use (as ssh -F FILE)')
    .option('--ssh-option <key=value>', 'an ssh option (as ssh -o KEY=VALUE); repeatable', collect, [] as string[])
    .option('--sudo', 'log in as an ordinary user and read as root with sudo -n (never asks for a password)')
    .option('--timeout <seconds>', 'the most one machine may take, connection included (default 60)')
    .option(
      '--probe-from-grader',
      "send the outside world's probes (the published port) from this machine to the student's host address",
    );
}

export const CHECK_REMOTE_HELP = `

A remote machine (nothing is installed there; it needs bash, iproute2, iptables, ping, curl, nsenter):
  tsnet-learn check 7 --target ssh://root@192.0.2.11
  tsnet-learn check 7 --target ssh:alice --ssh-config class.ssh_config --probe-from-grader
  tsnet-learn check 7 --target ssh://student@192.0.2.12 --sudo --ssh-option StrictHostKeyChecking=accept-new
An unreachable or ungradable machine exits 2 and says why.`;

export const GRADE_HELP = `
Examples:
  tsnet-learn grade 7 --roster class.csv                        a table: student, points, status, first fix
  tsnet-learn grade 7 --roster class.csv --format csv > gradebook.csv
  tsnet-learn grade 7 --roster class.csv -o gradebook.csv -o class.html   the table, and two files
  tsnet-learn grade 7 --roster inventory.ini --jobs 16 --sudo --format html > class.html
  tsnet-learn grade 7 --roster class.csv --ssh-option StrictHostKeyChecking=accept-new   (first run)

A roster is CSV with a header line, student,target (optional columns: host_ip, sudo), e.g.
  student,target
  alice,ssh://root@192.0.2.11
  bob,ssh:bob-vm
or an Ansible INI inventory: NAME ansible_host=… ansible_user=… ansible_port=… [ansible_become=yes].
ssh runs with BatchMode: a password, passphrase or host-key question fails that student, never hangs.
A student whose machine cannot be graded gets a row saying why; the others are still graded.
Exit codes: 0 every student passed, 1 one failed or could not be graded, 2 usage or roster error.`;

export function classFormatOption(): Option {
  return new Option('-f, --format <format>', 'output format')
    .choices(['pretty', 'csv', 'json', 'junit', 'html'])
    .default('pretty');
}

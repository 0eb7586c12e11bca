// What is wrong with one command line of a lesson, before anything runs: sudo, a shell the runner
// cannot follow, a command that would wipe the host's firewall, an impossible interface name or
// address. Pure: the line in, problems with offsets into it out.
import { type CommandLine, ipArgs, programOf, type SimpleCommand, type Word } from '../core/commandLine.js';
import { parseCidr } from '../core/ipv4.js';
import { contextOpened } from './classifyCommand.js';

export interface CommandProblem {
  /** 0-based offset into the line. */
  offset: number;
  reason: string;
  /** `sudo`, `context`, `host-firewall`, `ifname`, `netns-name` or `address`. */
  rule: string;
}

/** Firewall objects the lesson made itself (`iptables -N`, `nft add table`): it may flush or delete those. */
export type OwnedFirewall = Set<string>;

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'fish']);
const IPTABLES = /^(ip6?tables)(-legacy|-nft)?$/;
const IPTABLES_RESTORE = /^ip6?tables(-legacy|-nft)?-restore$/;
const BUILTIN_CHAINS = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);
const FIREWALL_SERVICES = /^(firewalld|ufw|nftables|netfilter-persistent|iptables|ip6tables)(\.service)?$/;

const SUDO = new Set(['sudo', 'doas']);

/** `sudo` wherever it is: wrapping the command, or alone. */
function sudo(c: SimpleCommand): CommandProblem[] {
  const heads = [...c.wrappers.map((w) => w.words[0]!), c.argv[0]!].filter((w) => SUDO.has(w.text));
  return heads.map((head) => ({
    offset: head.offset,
    reason: `Unexpected \`${head.text}\`, expected the command alone (tsnet-learn runs it with the privileges of its target)`,
    rule: 'sudo',
  }));
}

/** A bare shell that is not a context opener reads /dev/null and ends: the next lines would run outside it. */
function strayShell(line: CommandLine, c: SimpleCommand): CommandProblem[] {
  const rest = c.argv.slice(1);
  if (!SHELLS.has(programOf(c))) return [];
  if (rest.some((w) => w.text === '-c' || !w.text.startsWith('-'))) return [];
  if (contextOpened(line)) return [];
  return [
    {
      offset: c.start,
      reason: `Unexpected \`${line.text.slice(c.start, c.end)}\`: the runner cannot follow this shell, and the lines after it would run outside it, expected \`nsenter --net=/run/netns/NAME bash\` or \`ip netns exec NAME bash\` alone on its line (a context), or a command after the shell (\`bash -c '…'\`)`,
      rule: 'context',
    },
  ];
}

/** `text`: the command as written, for messages. */
function iptables(words: readonly Word[], text: string, owned: OwnedFirewall, owns: string[]): CommandProblem[] {
  const head = words[0]!;
  const family = head.text.startsWith('ip6') ? 'ip6' : 'ip';
  const out: CommandProblem[] = [];
  let table = 'filter';
  for (let i = 1; i < words.length; i++) {
    const t = words[i]!.text;
    if (t === '-t' || t === '--table') table = words[i + 1]?.text ?? table;
    else if (/^--table=/.test(t)) table = t.slice(8);
  }
  const tableFlag = table === 'filter' ? '' : ` -t ${table}`;
  const at = (i: number): string | undefined => {
    const t = words[i]?.text;
    return t === undefined || t.startsWith('-') ? undefined : t;
  };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const chain = at(i + 1);
    const key = `${family}:${table}:${chain ?? ''}`;
    if (w.text === '-N' || w.text === '--new-chain') {
      if (chain) owns.push(key);
    } else if (['-F', '--flush', '-X', '--delete-chain'].includes(w.text)) {
      if (chain && owned.has(key)) continue;
      const what = w.text === '-F' || w.text === '--flush' ? 'flushes' : 'deletes';
      const target = chain
        ? BUILTIN_CHAINS.has(chain)
          ? `every rule of the built-in chain ${chain} (${table} table), the host's own and Docker's or ufw's too`
          : `the chain ${chain}, which this lesson did not create (with \`iptables${tableFlag} -N ${chain}\`)`
        : `every ${what === 'flushes' ? 'rule' : 'user-defined chain'} of the ${table} table, the host's own and Docker's or ufw's too`;
      out.push({
        offset: w.offset,
        reason: `Unexpected \`${text}\`: it ${what} ${target}, expected the lesson's own rules deleted one by one (\`iptables${tableFlag} -D CHAIN RULE…\`)`,
        rule: 'host-firewall',
      });
    } else if (w.text === '-P' || w.text === '--policy') {
      out.push({
        offset: w.offset,
        reason: `Unexpected \`${text}\`: it changes the default policy of the whole machine (a DROP policy cuts off its other traffic), expected rules for the lesson's own traffic (\`iptables -I FORWARD -i BRIDGE -j ACCEPT\`)`,
        rule: 'host-firewall',
      });
    } else if ((w.text === '-D' || w.text === '--delete') && chain && /^\d+$/.test(words[i + 2]?.text ?? '')) {
      out.push({
        offset: w.offset,
        reason: `Unexpected \`${text}\`: it deletes whatever rule is number ${words[i + 2]!.text} of ${chain}, maybe one of the host's, expected the rule spelled out (\`iptables${tableFlag} -D ${chain} RULE…\`)`,
        rule: 'host-firewall',
      });
    }
  }
  return out;
}

function nft(words: readonly Word[], text: string, owned: OwnedFirewall, owns: string[]): CommandProblem[] {
  const head = words[0]!;
  let i = 1;
  while (words[i]?.text.startsWith('-')) {
    if (['-f', '--file'].includes(words[i]!.text)) {
      return [
        {
          offset: words[i]!.offset,
          reason: `Unexpected \`${text}\`: it loads a ruleset file the lesson does not show (such files often begin with \`flush ruleset\`), expected the nft commands on their own lines`,
          rule: 'host-firewall',
        },
      ];
    }
    i += ['-I', '--includepath'].includes(words[i]!.text) ? 2 : 1;
  }
  const rest = words.slice(i).map((w) => w.text);
  const [verb, object] = rest;
  if (!verb || !object) return [];
  // `nft add table [family] NAME`: the family is optional (default ip).
  const families = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
  const hasFamily = families.has(rest[2] ?? '');
  const tableName = hasFamily ? rest[3] : rest[2];
  const key = `nft:${hasFamily ? rest[2] : 'ip'}:${tableName ?? ''}`;
  if ((verb === 'add' || verb === 'create') && object === 'table' && tableName) owns.push(key);
  const destructive =
    (verb === 'flush' && ['ruleset', 'table', 'chain'].includes(object)) ||
    (verb === 'delete' && ['table', 'chain'].includes(object));
  if (!destructive) return [];
  if (object !== 'ruleset' && tableName && owned.has(key)) return [];
  const what =
    object === 'ruleset'
      ? 'every firewall rule of the machine'
      : `the ${object} ${rest.slice(2).join(' ')}, which this lesson did not create`;
  return [
    {
      offset: head.offset,
      reason: `Unexpected \`${text}\`: it removes ${what}, expected the lesson's own rules deleted one by one`,
      rule: 'host-firewall',
    },
  ];
}

function firewall(words: readonly Word[], text: string, owned: OwnedFirewall, owns: string[]): CommandProblem[] {
  const head = words[0]!;
  const name = head.text.replace(/^.*\//, '');
  if (IPTABLES.test(name)) return iptables(words, text, owned, owns);
  if (
    IPTABLES_RESTORE.test(name) &&
    !words.some((w) => w.text === '-n' || w.text === '--noflush' || /^-[a-z]*n[a-z]*$/.test(w.text))
  ) {
    return [
      {
        offset: head.offset,
        reason: `Unexpected \`${text}\`: it replaces whole tables, the host's rules too, expected \`${name} --noflush\` or single iptables rules`,
        rule: 'host-firewall',
      },
    ];
  }
  if (name === 'nft') return nft(words, text, owned, owns);
  if (name === 'ufw' && ['disable', 'reset'].includes(words[1]?.text ?? '')) {
    return [
      {
        offset: head.offset,
        reason: `Unexpected \`${text}\`: it switches off the host's firewall, expected rules for the lesson's own traffic`,
        rule: 'host-firewall',
      },
    ];
  }
  if (
    name === 'systemctl' &&
    ['stop', 'disable', 'mask', 'kill'].includes(words[1]?.text ?? '') &&
    words.slice(2).some((w) => FIREWALL_SERVICES.test(w.text))
  ) {
    return [
      {
        offset: head.offset,
        reason: `Unexpected \`${text}\`: it switches off the host's firewall, expected rules for the lesson's own traffic`,
        rule: 'host-firewall',
      },
    ];
  }
  return [];
}

const LINK_SUBS = new Set(['add', 'set', 'delete', 'del', 'show', 'sh', 'list', 'ls', 'change']);

function badIfname(name: string): string | null {
  if (name.includes('$')) return null;
  if (name.length > 15) return `${name.length} characters, expected at most 15 (the kernel's limit)`;
  if (/[/:\s]/.test(name) || name === '.' || name === '..') return "expected no '/', ':' or spaces";
  return null;
}

function ipNames(argv: readonly Word[]): CommandProblem[] {
  const [object, sub, ...args] = ipArgs(argv);
  const out: CommandProblem[] = [];
  const names: Word[] = [];
  if (object?.text === 'netns' && (sub?.text === 'add' || sub?.text === 'delete' || sub?.text === 'del')) {
    const n = args[0];
    if (
      n &&
      !n.text.includes('$') &&
      (n.text.includes('/') || n.text === '.' || n.text === '..' || n.text.length > 255)
    ) {
      out.push({
        offset: n.offset,
        reason: `Unexpected namespace name \`${n.text}\`, expected a file name under /run/netns (no '/', not . or ..)`,
        rule: 'netns-name',
      });
    }
    return out;
  }
  const isLink = object?.text === 'link' || object?.text === 'l';
  // `ip link add NAME …`, `ip link set veth0 up`: the device is the first word after the subcommand.
  const first = args[0];
  const keywords = ['dev', 'name', 'link', 'up', 'down', 'type', 'master', 'group', 'help'];
  if (
    isLink &&
    sub &&
    LINK_SUBS.has(sub.text) &&
    first &&
    !first.text.startsWith('-') &&
    !keywords.includes(first.text)
  )
    names.push(first);
  for (let j = 0; j < args.length - 1; j++) {
    const k = args[j]!.text;
    if (k === 'dev' || k === 'name' || k === 'master' || (k === 'link' && isLink && sub?.text === 'add'))
      names.push(args[j + 1]!);
  }
  for (const n of names) {
    const why = badIfname(n.text);
    if (why) out.push({ offset: n.offset, reason: `Unexpected interface name \`${n.text}\`: ${why}`, rule: 'ifname' });
  }
  return out;
}

/** Dotted quads that are not IPv4 addresses (`172.18.0.300`, `10.0.0.1/33`), anywhere in the line. */
function addresses(line: string): CommandProblem[] {
  const out: CommandProblem[] = [];
  for (const m of line.matchAll(/(?<![\w.-])\d+\.\d+\.\d+\.\d+(?:\/\d+)?(?![\w.])/g)) {
    if (parseCidr(m[0]) === null) {
      out.push({
        offset: m.index,
        reason: `Unexpected address \`${m[0]}\`, expected an IPv4 address such as 10.0.0.1 (four numbers 0-255, a prefix 0-32)`,
        rule: 'address',
      });
    }
  }
  return out;
}

/**
 * Problems of one command line. `owned` holds what earlier lines of the lesson created; what this line
 * creates is returned in `owns`, for the caller to add. `inNamespace`: the line runs in a context.
 */
export function commandProblems(
  line: CommandLine,
  owned: OwnedFirewall = new Set(),
  inNamespace = false,
): { problems: CommandProblem[]; owns: string[] } {
  const problems: CommandProblem[] = [];
  const owns: string[] = [];
  for (const c of line.commands) {
    if (c.argv.length === 0) continue;
    problems.push(...sudo(c));
    problems.push(...strayShell(line, c));
    // A container's own firewall is the lesson's to wipe; only the host's is off limits.
    const text = line.text.slice(c.argv[0]!.offset, c.end);
    if (!inNamespace && c.netns?.kind !== 'named') problems.push(...firewall(c.argv, text, owned, owns));
    problems.push(...ipNames(c.argv));
  }
  problems.push(...addresses(line.text));
  return { problems: problems.sort((a, b) => a.offset - b.offset), owns };
}

// What is wrong with one command line of a lesson, before anything runs: sudo, a shell the runner
// cannot follow, a command that would wipe the host's firewall, an impossible interface name or
// address. Pure: the line in, problems with offsets into it out.
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

interface Word {
  text: string;
  offset: number;
}

/** Splits a bash line into simple commands (at `|`, `||`, `&&`, `;`, `&`) of words, honouring quotes. */
export function simpleCommands(line: string): Word[][] {
  const commands: Word[][] = [[]];
  let word: Word | null = null;
  let quote: string | null = null;
  const end = (): void => {
    if (word) commands.at(-1)!.push(word);
    word = null;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word!.text += line[++i]!;
      else word!.text += c;
      continue;
    }
    if (c === "'" || c === '"') {
      word ??= { text: '', offset: i };
      quote = c;
      continue;
    }
    if (c === '\\') {
      word ??= { text: '', offset: i };
      word.text += line[i + 1] ?? '';
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      end();
      continue;
    }
    // `2>&1`, `>&2` and `&>` are redirections, not separators.
    const separator =
      c === ';' || c === '|' || (c === '&' && line[i - 1] !== '>' && line[i - 1] !== '<' && line[i + 1] !== '>');
    if (separator) {
      end();
      if (line[i + 1] === c) i++;
      commands.push([]);
      continue;
    }
    word ??= { text: '', offset: i };
    word.text += c;
  }
  end();
  return commands.filter((c) => c.length > 0);
}

/** Options of wrappers that take a separate value (`nsenter -t PID`, `timeout -s KILL 5`). */
const VALUED: Record<string, Set<string>> = {
  nsenter: new Set(['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-w', '--wd', '-r', '--root']),
  unshare: new Set([
    '-S',
    '--setuid',
    '-G',
    '--setgid',
    '-R',
    '--root',
    '-w',
    '--wd',
    '--propagation',
    '--map-user',
    '--map-group',
    '--map-users',
    '--map-groups',
  ]),
  env: new Set(['-u', '--unset', '-C', '--chdir']),
  timeout: new Set(['-s', '--signal', '-k', '--kill-after']),
  nice: new Set(['-n', '--adjustment']),
};

/** The command a simple command really runs, past `VAR=x`, env, nsenter, ip netns exec, unshare, timeout…. */
export function innerWords(words: readonly Word[]): Word[] {
  let w = [...words];
  for (;;) {
    while (w[0] && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0].text)) w = w.slice(1);
    const head = w[0]?.text;
    if (head === 'ip' && w[1]?.text === 'netns' && w[2]?.text === 'exec' && w.length > 4) {
      w = w.slice(4);
      continue;
    }
    if (head && (head in VALUED || ['time', 'command', 'exec', 'nohup', 'setsid', 'stdbuf'].includes(head))) {
      const valued = VALUED[head] ?? new Set<string>();
      let i = 1;
      while (w[i] && (w[i]!.text.startsWith('-') || (head === 'env' && w[i]!.text.includes('=')))) {
        if (w[i]!.text === '--') {
          i++;
          break;
        }
        i += valued.has(w[i]!.text) ? 2 : 1;
      }
      if (head === 'timeout') i++; // the duration
      if (i >= w.length) return w;
      w = w.slice(i);
      continue;
    }
    return w;
  }
}

/** True when wrapper words enter a namespace under /run/netns (`ip netns exec X`, `nsenter --net=/run/netns/X`). */
function entersNamedNetns(wrappers: readonly Word[]): boolean {
  return wrappers.some(
    (w, i) =>
      (w.text === 'exec' && wrappers[i - 1]?.text === 'netns') ||
      /^(--net=|-n)?\/(var\/)?run\/netns\/[^/]+$/.test(w.text),
  );
}

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'fish']);
const IPTABLES = /^(ip6?tables)(-legacy|-nft)?$/;
const IPTABLES_RESTORE = /^ip6?tables(-legacy|-nft)?-restore$/;
const BUILTIN_CHAINS = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);
const FIREWALL_SERVICES = /^(firewalld|ufw|nftables|netfilter-persistent|iptables|ip6tables)(\.service)?$/;

function sudo(words: readonly Word[]): CommandProblem[] {
  const head = words[0];
  if (!head || !['sudo', 'doas'].includes(head.text)) return [];
  return [
    {
      offset: head.offset,
      reason: `Unexpected \`${head.text}\`, expected the command alone (tsnet-learn runs it with the privileges of its target)`,
      rule: 'sudo',
    },
  ];
}

/** A bare shell that is not a context opener reads /dev/null and ends: the next lines would run outside it. */
function strayShell(line: string, words: readonly Word[], all: readonly Word[]): CommandProblem[] {
  const head = words[0];
  if (!head || !SHELLS.has(head.text.replace(/^.*\//, ''))) return [];
  const rest = words.slice(1);
  if (rest.some((w) => w.text === '-c' || !w.text.startsWith('-'))) return [];
  if (contextOpened(line.trim())) return [];
  const last = all.at(-1)!;
  const text = line.slice(all[0]!.offset, last.offset + last.text.length);
  return [
    {
      offset: all[0]!.offset,
      reason: `Unexpected \`${text}\`: the runner cannot follow this shell, and the lines after it would run outside it, expected \`nsenter --net=/run/netns/NAME bash\` or \`ip netns exec NAME bash\` alone on its line (a context), or a command after the shell (\`bash -c '…'\`)`,
      rule: 'context',
    },
  ];
}

function shown(words: readonly Word[]): string {
  return words.map((w) => w.text).join(' ');
}

function iptables(words: readonly Word[], owned: OwnedFirewall, owns: string[]): CommandProblem[] {
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
        reason: `Unexpected \`${shown(words)}\`: it ${what} ${target}, expected the lesson's own rules deleted one by one (\`iptables${tableFlag} -D CHAIN RULE…\`)`,
        rule: 'host-firewall',
      });
    } else if (w.text === '-P' || w.text === '--policy') {
      out.push({
        offset: w.offset,
        reason: `Unexpected \`${shown(words)}\`: it changes the default policy of the whole machine (a DROP policy cuts off its other traffic), expected rules for the lesson's own traffic (\`iptables -I FORWARD -i BRIDGE -j ACCEPT\`)`,
        rule: 'host-firewall',
      });
    } else if ((w.text === '-D' || w.text === '--delete') && chain && /^\d+$/.test(words[i + 2]?.text ?? '')) {
      out.push({
        offset: w.offset,
        reason: `Unexpected \`${shown(words)}\`: it deletes whatever rule is number ${words[i + 2]!.text} of ${chain}, maybe one of the host's, expected the rule spelled out (\`iptables${tableFlag} -D ${chain} RULE…\`)`,
        rule: 'host-firewall',
      });
    }
  }
  return out;
}

function nft(words: readonly Word[], owned: OwnedFirewall, owns: string[]): CommandProblem[] {
  const head = words[0]!;
  let i = 1;
  while (words[i]?.text.startsWith('-')) {
    if (['-f', '--file'].includes(words[i]!.text)) {
      return [
        {
          offset: words[i]!.offset,
          reason: `Unexpected \`${shown(words)}\`: it loads a ruleset file the lesson does not show (such files often begin with \`flush ruleset\`), expected the nft commands on their own lines`,
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
      reason: `Unexpected \`${shown(words)}\`: it removes ${what}, expected the lesson's own rules deleted one by one`,
      rule: 'host-firewall',
    },
  ];
}

function firewall(words: readonly Word[], owned: OwnedFirewall, owns: string[]): CommandProblem[] {
  const head = words[0]!;
  const name = head.text.replace(/^.*\//, '');
  if (IPTABLES.test(name)) return iptables(words, owned, owns);
  if (
    IPTABLES_RESTORE.test(name) &&
    !words.some((w) => w.text === '-n' || w.text === '--noflush' || /^-[a-z]*n[a-z]*$/.test(w.text))
  ) {
    return [
      {
        offset: head.offset,
        reason: `Unexpected \`${shown(words)}\`: it replaces whole tables, the host's rules too, expected \`${name} --noflush\` or single iptables rules`,
        rule: 'host-firewall',
      },
    ];
  }
  if (name === 'nft') return nft(words, owned, owns);
  if (name === 'ufw' && ['disable', 'reset'].includes(words[1]?.text ?? '')) {
    return [
      {
        offset: head.offset,
        reason: `Unexpected \`${shown(words)}\`: it switches off the host's firewall, expected rules for the lesson's own traffic`,
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
        reason: `Unexpected \`${shown(words)}\`: it switches off the host's firewall, expected rules for the lesson's own traffic`,
        rule: 'host-firewall',
      },
    ];
  }
  return [];
}

/** `ip [OPTIONS] OBJECT …`: options that take a value. */
const IP_VALUED = new Set(['-n', '-netns', '-b', '-batch', '-f', '-family', '-l', '-loops', '-rc', '-rcvbuf']);
const LINK_SUBS = new Set(['add', 'set', 'delete', 'del', 'show', 'sh', 'list', 'ls', 'change']);

function badIfname(name: string): string | null {
  if (name.includes('$')) return null;
  if (name.length > 15) return `${name.length} characters, expected at most 15 (the kernel's limit)`;
  if (/[/:\s]/.test(name) || name === '.' || name === '..') return "expected no '/', ':' or spaces";
  return null;
}

function ipNames(words: readonly Word[]): CommandProblem[] {
  if (words[0]?.text !== 'ip') return [];
  let i = 1;
  while (words[i]?.text.startsWith('-')) i += IP_VALUED.has(words[i]!.text) ? 2 : 1;
  const object = words[i]?.text;
  const sub = words[i + 1]?.text;
  const out: CommandProblem[] = [];
  const names: Word[] = [];
  if (object === 'netns' && (sub === 'add' || sub === 'delete' || sub === 'del')) {
    const n = words[i + 2];
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
  const isLink = object === 'link' || object === 'l';
  // `ip link add NAME …`, `ip link set veth0 up`: the device is the first word after the subcommand.
  const first = words[i + 2];
  const keywords = ['dev', 'name', 'link', 'up', 'down', 'type', 'master', 'group', 'help'];
  if (isLink && sub && LINK_SUBS.has(sub) && first && !first.text.startsWith('-') && !keywords.includes(first.text))
    names.push(first);
  for (let j = i + 2; j < words.length - 1; j++) {
    const k = words[j]!.text;
    if (k === 'dev' || k === 'name' || k === 'master' || (k === 'link' && isLink && sub === 'add'))
      names.push(words[j + 1]!);
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
  line: string,
  owned: OwnedFirewall = new Set(),
  inNamespace = false,
): { problems: CommandProblem[]; owns: string[] } {
  const problems: CommandProblem[] = [];
  const owns: string[] = [];
  for (const command of simpleCommands(line)) {
    const words = innerWords(command);
    if (words.length === 0) continue;
    problems.push(...sudo(words));
    problems.push(...strayShell(line, words, command));
    // A container's own firewall is the lesson's to wipe; only the host's is off limits.
    if (!inNamespace && !entersNamedNetns(command.slice(0, command.length - words.length)))
      problems.push(...firewall(words, owned, owns));
    problems.push(...ipNames(words));
  }
  problems.push(...addresses(line));
  return { problems: problems.sort((a, b) => a.offset - b.offset), owns };
}

// The class to grade: a CSV roster (`student,target` header) or an Ansible INI inventory, which many teachers
// already keep. Every problem is collected with its line, nothing is graded when there is one. Pure.
import { UserError } from '../core/errors.js';
import { parseIPv4 } from '../core/ipv4.js';
import { parseSshOption } from '../target/sshDestination.js';
import { parseTargetSpec } from '../target/target.js';

export interface RosterEntry {
  student: string;
  /** A target as `--target` takes it, already validated: `ssh://…`, `ssh:ALIAS`, `lab:NAME`, … */
  target: string;
  /** The student's host address, when it is not the one ssh connects to. */
  hostIp: string | null;
  /** Log in as an ordinary user and grade as root with `sudo -n` (with --sudo, everyone does). */
  sudo: boolean;
  /** `-o` options for this student alone (an inventory's private key file). */
  sshOptions: string[];
  line: number;
}

export interface Roster {
  entries: RosterEntry[];
  /** Said once, not fatal: variables ignored (a password is never shown). */
  warnings: string[];
}

interface Collected {
  entries: RosterEntry[];
  errors: string[];
  warnings: string[];
}

const YES = /^(yes|true|1|y|on)$/i;
const NO = /^(no|false|0|n|off|)$/i;

/** A student name is shown in every report: printable, without commas or control characters. */
function checkStudent(name: string): string | null {
  if (!name) return 'a student name is empty';
  if (/[\u0000-\u001f\u007f]/.test(name)) return `the student name ${JSON.stringify(name)} has control characters`;
  if (name.length > 100) return 'a student name is longer than 100 characters';
  return null;
}

function checkTarget(text: string): string | null {
  if (!text) return 'the target is empty';
  try {
    parseTargetSpec(text);
    return null;
  } catch (e) {
    return (e as Error).message.replace(/\.$/, '');
  }
}

/** Adds an entry, or the reasons it cannot be one. */
function add(c: Collected, e: RosterEntry, where: string): void {
  const problems = [checkStudent(e.student), checkTarget(e.target)].filter((p): p is string => p !== null);
  if (e.hostIp !== null && parseIPv4(e.hostIp) === null)
    problems.push(`host_ip ${JSON.stringify(e.hostIp)} is not an IPv4 address`);
  for (const o of e.sshOptions) {
    try {
      parseSshOption(o);
    } catch (err) {
      problems.push((err as Error).message.replace(/\.$/, ''));
    }
  }
  if (c.entries.some((x) => x.student === e.student))
    problems.push(
      `${JSON.stringify(e.student)} is listed twice (first on line ${c.entries.find((x) => x.student === e.student)!.line})`,
    );
  if (problems.length) c.errors.push(...problems.map((p) => `${where}:${e.line}: ${p}`));
  else c.entries.push(e);
}

/** One CSV record (RFC 4180 quoting, on one line). */
export function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const comma = line.indexOf(',', i);
      field = comma < 0 ? line.slice(i) : line.slice(i, comma);
      i = comma < 0 ? line.length : comma;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++;
  }
}

function parseCsv(text: string, where: string): Collected {
  const c: Collected = { entries: [], errors: [], warnings: [] };
  let header: string[] | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const n = index + 1;
    if (!raw.trim() || raw.trimStart().startsWith('#')) return;
    const fields = splitCsvLine(raw);
    if (!fields) {
      c.errors.push(`${where}:${n}: unbalanced quotes`);
      return;
    }
    if (!header) {
      header = fields.map((f) => f.toLowerCase());
      for (const col of ['student', 'target'])
        if (!header.includes(col))
          c.errors.push(`${where}:${n}: the header has no "${col}" column (expected: student,target[,host_ip][,sudo])`);
      return;
    }
    const col = (name: string): string => fields[header!.indexOf(name)] ?? '';
    if (fields.length > header.length) {
      c.errors.push(
        `${where}:${n}: ${fields.length} fields, the header has ${header.length} (quote a value with a comma)`,
      );
      return;
    }
    const sudo = col('sudo');
    if (header.includes('sudo') && !YES.test(sudo) && !NO.test(sudo)) {
      c.errors.push(`${where}:${n}: sudo is yes or no, not ${JSON.stringify(sudo)}`);
      return;
    }
    add(
      c,
      {
        student: col('student'),
        target: col('target'),
        hostIp: col('host_ip') || null,
        sudo: YES.test(sudo),
        sshOptions: [],
        line: n,
      },
      where,
    );
  });
  if (!header) c.errors.push(`${where}: no header line (student,target)`);
  return c;
}

/** `key=value key="a value"` → pairs, or null when a quote is not closed. */
function splitVars(text: string): [string, string][] | null {
  const out: [string, string][] = [];
  const re = /\s*([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(text))) {
    const v = m[2]!;
    out.push([m[1]!, /^["']/.test(v) ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v]);
    at = re.lastIndex;
  }
  return text.slice(at).trim() === '' ? out : null;
}

/** Ansible variables that hold secrets: ignored, and their values never shown. */
const SECRET = /^ansible_(ssh_)?(pass|password|become_pass|become_password|sudo_pass)$/;

function parseIni(text: string, where: string): Collected {
  const c: Collected = { entries: [], errors: [], warnings: [] };
  const hosts = new Map<string, { line: number; vars: Map<string, string>; groups: Set<string> }>();
  const groupVars = new Map<string, Map<string, string>>();
  const children = new Map<string, Set<string>>();
  let section = { group: 'ungrouped', kind: 'hosts' as 'hosts' | 'vars' | 'children' };
  const secretsSeen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const n = index + 1;
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const head = /^\[([^\]:\s]+)(?::(vars|children))?\]$/.exec(line);
    if (head) {
      section = { group: head[1]!, kind: (head[2] as 'vars' | 'children' | undefined) ?? 'hosts' };
      return;
    }
    if (line.startsWith('[')) {
      c.errors.push(
        `${where}:${n}: unexpected ${JSON.stringify(line)}, expected [group], [group:vars] or [group:children]`,
      );
      return;
    }
    if (section.kind === 'children') {
      children.set(section.group, (children.get(section.group) ?? new Set()).add(line));
      return;
    }
    const [name, rest] =
      section.kind === 'vars' ? ['', line] : [line.split(/\s+/)[0]!, line.slice(line.split(/\s+/)[0]!.length)];
    const pairs = splitVars(rest.replace(/\s+#.*$/, ''));
    if (!pairs) {
      c.errors.push(
        `${where}:${n}: expected key=value pairs after ${JSON.stringify(name || `[${section.group}:vars]`)}`,
      );
      return;
    }
    for (const [k] of pairs)
      if (SECRET.test(k) && !secretsSeen.has(k)) {
        secretsSeen.add(k);
        c.warnings.push(`${where}:${n}: ${k} is ignored: grading logs in with keys only (its value is not shown)`);
      }
    const vars = new Map(pairs.filter(([k]) => !SECRET.test(k)));
    if (section.kind === 'vars') {
      groupVars.set(section.group, new Map([...(groupVars.get(section.group) ?? []), ...vars]));
      return;
    }
    if (/\[[^\]]*:[^\]]*\]/.test(name)) {
      c.errors.push(`${where}:${n}: the host range ${JSON.stringify(name)} is not supported; list each host`);
      return;
    }
    const known = hosts.get(name);
    if (known) {
      for (const [k, v] of vars) known.vars.set(k, v);
      known.groups.add(section.group);
    } else hosts.set(name, { line: n, vars, groups: new Set([section.group]) });
  });
  /** Every group a host is in, through [group:children]. */
  const closure = (groups: Set<string>): string[] => {
    const out = new Set(groups);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [parent, kids] of children)
        if (!out.has(parent) && [...kids].some((k) => out.has(k))) {
          out.add(parent);
          grew = true;
        }
    }
    return ['all', ...out];
  };
  for (const [name, h] of hosts) {
    const vars = new Map<string, string>();
    for (const g of closure(h.groups)) for (const [k, v] of groupVars.get(g) ?? []) vars.set(k, v);
    for (const [k, v] of h.vars) vars.set(k, v);
    const host = vars.get('ansible_host');
    const user = vars.get('ansible_user') ?? vars.get('ansible_ssh_user');
    const port = vars.get('ansible_port') ?? vars.get('ansible_ssh_port');
    const become = vars.get('ansible_become') ?? '';
    if (!YES.test(become) && !NO.test(become)) {
      c.errors.push(`${where}:${h.line}: ansible_become is yes or no, not ${JSON.stringify(become)}`);
      continue;
    }
    // Ansible itself runs `ssh NAME` when nothing else is given, so ssh's config applies to the name.
    const target =
      host === undefined && user === undefined && port === undefined
        ? `ssh:${name}`
        : `ssh://${user ? `${user}@` : ''}${host ?? name}${port ? `:${port}` : ''}`;
    const key = vars.get('ansible_ssh_private_key_file') ?? vars.get('ansible_private_key_file');
    add(
      c,
      {
        student: name,
        target,
        hostIp: vars.get('host_ip') ?? null,
        sudo: YES.test(become),
        sshOptions: key ? [`IdentityFile=${key}`] : [],
        line: h.line,
      },
      where,
    );
  }
  return c;
}

/** Which format a roster file is in: by its name, else by its first line. Pure. */
export function rosterFormat(file: string, text: string): 'csv' | 'ini' | 'yaml' {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.(ini|cfg)$/i.test(file)) return 'ini';
  const first = text.split(/\r?\n/).find((l) => l.trim() && !/^\s*[#;]/.test(l)) ?? '';
  return /^\s*"?student"?\s*,/i.test(first) ? 'csv' : 'ini';
}

/** The roster in `text` (read from `file`); a UserError lists every problem at once. */
export function parseRoster(file: string, text: string): Roster {
  const format = rosterFormat(file, text);
  if (format === 'yaml')
    throw new UserError(
      `${file}: YAML inventories are not read.`,
      'Use a CSV roster (a header student,target, then a line per student) or an INI inventory.',
    );
  const c = format === 'csv' ? parseCsv(text, file) : parseIni(text, file);
  if (c.errors.length === 0 && c.entries.length === 0) c.errors.push(`${file}: no students in it`);
  if (c.errors.length)
    throw new UserError(
      `The roster has ${c.errors.length === 1 ? 'a problem' : `${c.errors.length} problems`}; nobody was graded:\n${c.errors.map((e) => `  ${e}`).join('\n')}`,
      format === 'csv'
        ? 'A CSV roster: a header line student,target (optionally host_ip, sudo), then one line per student, e.g.\n  alice,ssh://root@192.0.2.11'
        : 'An inventory line: NAME ansible_host=ADDRESS ansible_user=USER ansible_port=PORT (ansible_become=yes for sudo)',
    );
  return { entries: c.entries, warnings: c.warnings };
}

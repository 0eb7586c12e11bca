// Reads `iptables-save` output into tables, chains, policies and rules, so checks judge a snapshot, not a command.
import { tokenizeRule } from './tokenizeRule.js';

/** One `-A CHAIN …` line; args are the tokens after the chain name, unquoted. */
export interface IptablesRule {
  table: string;
  chain: string;
  args: string[];
  /** The line as printed, without a leading `[packets:bytes]` counter (`iptables-save -c`). */
  line: string;
}

/** One `*table … COMMIT` block; policies only for chains that have one (built-ins), user chains print `-`. */
export interface IptablesTable {
  name: string;
  policies: Record<string, string>;
  chains: string[];
  rules: IptablesRule[];
}

/** Parses `iptables-save` (or `-c`) output; tables keyed by name. Empty input (no tables loaded) gives {}. */
export function parseIptablesSave(text: string): Record<string, IptablesTable> {
  const tables: Record<string, IptablesTable> = {};
  let current: IptablesTable | null = null;

  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;

    if (line.startsWith('*')) {
      const name = line.slice(1).trim();
      current = tables[name] ??= { name, policies: {}, chains: [], rules: [] };
      continue;
    }
    if (line === 'COMMIT') {
      current = null;
      continue;
    }
    if (current === null) continue;

    const chainDecl = /^:(\S+)\s+(\S+)/.exec(line);
    if (chainDecl) {
      const chain = chainDecl[1]!;
      const policy = chainDecl[2]!;
      addChain(current, chain);
      if (policy !== '-') current.policies[chain] = policy;
      continue;
    }

    const ruleLine = line.replace(/^\[\d+:\d+\]\s+/, '');
    const tokens = tokenizeRule(ruleLine);
    const [flag, chain] = tokens;
    if (flag === '-A' && chain !== undefined) {
      addChain(current, chain);
      current.rules.push({ table: current.name, chain, args: tokens.slice(2), line: ruleLine });
    }
  }
  return tables;
}

function addChain(table: IptablesTable, chain: string): void {
  if (!table.chains.includes(chain)) table.chains.push(chain);
}

// Tokenizing one line of a `check` block and reading its arguments with positioned errors. Pure.

export interface Token {
  text: string;
  /** 0-based offset of the token in the line. */
  offset: number;
}

/** Thrown by kind parsers; `offset` points into the line. */
export class CheckSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Split on whitespace, honouring double quotes (`hint="ip link set br0 up"`); `#` starts a comment. */
export function tokenizeCheckLine(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    const start = i;
    let text = '';
    while (i < line.length && !/\s/.test(line[i]!)) {
      if (line[i] === '"') {
        const end = line.indexOf('"', i + 1);
        if (end < 0) throw new CheckSyntaxError('Unexpected end of line, expected a closing `"`', i);
        text += line.slice(i + 1, end);
        i = end + 1;
      } else {
        text += line[i];
        i++;
      }
    }
    tokens.push({ text, offset: start });
  }
  return tokens;
}

/** Reads positional arguments, `key=value` options and bare flags; `done()` rejects leftovers. */
export class ArgReader {
  private readonly used = new Set<number>();

  constructor(
    readonly tokens: readonly Token[],
    /** Offset of the end of the line, for "missing argument" errors. */
    readonly endOffset: number,
  ) {}

  /** The next unused token that is not `key=value` of a known option. */
  positional(what: string): Token {
    for (let i = 0; i < this.tokens.length; i++) {
      if (this.used.has(i)) continue;
      const t = this.tokens[i]!;
      if (/^[a-z_]+=/.test(t.text)) continue;
      this.used.add(i);
      return t;
    }
    throw new CheckSyntaxError(`Unexpected end of line, expected ${what}`, this.endOffset);
  }

  optionalPositional(): Token | null {
    for (let i = 0; i < this.tokens.length; i++) {
      if (this.used.has(i) || /^[a-z_]+=/.test(this.tokens[i]!.text)) continue;
      this.used.add(i);
      return this.tokens[i]!;
    }
    return null;
  }

  option(key: string): Token | null {
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (!this.used.has(i) && t.text.startsWith(`${key}=`)) {
        this.used.add(i);
        return { text: t.text.slice(key.length + 1), offset: t.offset + key.length + 1 };
      }
    }
    return null;
  }

  flag(word: string): boolean {
    for (let i = 0; i < this.tokens.length; i++) {
      if (!this.used.has(i) && this.tokens[i]!.text === word) {
        this.used.add(i);
        return true;
      }
    }
    return false;
  }

  /** All unused tokens from the first unused one on, consumed (for iptables rule specs). */
  rest(): Token[] {
    const out: Token[] = [];
    for (let i = 0; i < this.tokens.length; i++) {
      if (!this.used.has(i)) {
        this.used.add(i);
        out.push(this.tokens[i]!);
      }
    }
    return out;
  }

  done(expected: string): void {
    for (let i = 0; i < this.tokens.length; i++) {
      if (!this.used.has(i)) {
        const t = this.tokens[i]!;
        throw new CheckSyntaxError(`Unexpected \`${t.text}\`, expected ${expected}`, t.offset);
      }
    }
  }
}

const NAME = /^[A-Za-z0-9_.@-]+$/;

/** A namespace reference: `host`, `outside`, or a netns name. */
export function readNamespace(r: ArgReader, key: 'in' | 'from'): string {
  const t = r.option(key);
  if (!t) return 'host';
  if (!NAME.test(t.text) || t.text === '.' || t.text === '..' || t.text.length > 255) {
    throw new CheckSyntaxError(`Unexpected namespace \`${t.text}\`, expected host, outside or a netns name`, t.offset);
  }
  return t.text;
}

/** Interface names are at most 15 characters (IFNAMSIZ - 1). */
export function readIfname(t: Token): string {
  if (!NAME.test(t.text) || t.text.length > 15) {
    throw new CheckSyntaxError(
      `Unexpected interface name \`${t.text}\`, expected at most 15 letters, digits, '.', '_' or '-'`,
      t.offset,
    );
  }
  return t.text;
}

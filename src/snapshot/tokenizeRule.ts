// Splitting an iptables rule into words as iptables-save quotes them. Pure.

/** Splits a rule the way a shell (and iptables-restore) would: whitespace, "double" and 'single' quotes, backslash. */
export function tokenizeRule(text: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else token += c;
    } else if (quote === '"') {
      // iptables-save escapes both quotes and the backslash inside "…" (`"it\'s"`), so any escaped char is literal.
      if (c === '\\' && i + 1 < text.length) token += text.charAt(++i);
      else if (c === '"') quote = null;
      else token += c;
    } else if (/\s/.test(c)) {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
    } else {
      inToken = true;
      if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && i + 1 < text.length) token += text.charAt(++i);
      else token += c;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}

// Whether a shell line is one simple command, so `exec` can replace the shell by it. Pure.

/** No list, pipeline or builtin that must stay in the shell. */
export function simpleCommand(line: string): boolean {
  return !/&&|\|\||[;|]|^\s*(cd|export|set|exit)\b/.test(line);
}

// The few errors the CLI turns into exit code 2, each with a message a user can act on.

/** Bad arguments, unknown lesson, broken lesson file, missing tool or privilege: exit 2, nothing changed. */
export class UserError extends Error {
  constructor(
    message: string,
    /** A line or two on what to do about it. */
    readonly help: string | null = null,
  ) {
    super(message);
  }
}

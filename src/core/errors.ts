/** A bad path argument or unreadable root: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

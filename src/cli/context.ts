/** What a command needs from the outside world; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is an interactive terminal (progress bars). */
  isTty: boolean;
}

export const processIo: CliIo = {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  isTty: Boolean(process.stdout.isTTY),
};

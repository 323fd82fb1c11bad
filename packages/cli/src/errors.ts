/** Exit codes of the `greenlight` command. */
export const ExitCode = {
  /** Everything was recorded, the gate allowed the change or the rollout was promoted. */
  Ok: 0,
  /** A request failed: network error, server error after retries, or a rejected request. */
  Failed: 1,
  /** The command line was wrong, or the events it describes do not validate. */
  Usage: 2,
  /** `gate readiness`: the change is blocked. */
  Blocked: 3,
  /** `gate wait`: the rollout was rolled back or aborted. */
  RolledBack: 4,
  /** `gate wait`: the rollout reached no final state before the timeout. */
  Timeout: 5,
} as const;

/** An error that ends the command with a message and an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = ExitCode.Failed) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake on the command line: exit code 2, with a pointer to `--help`. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
    this.name = 'UsageError';
  }
}

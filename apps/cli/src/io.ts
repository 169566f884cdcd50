// How commands talk to the outside world, injectable so tests can run the CLI in-process.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Environment for configuration presets; undefined means process.env. */
  env?: Record<string, string | undefined>;
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Bad arguments: reported with exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

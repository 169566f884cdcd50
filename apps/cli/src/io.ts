// How commands talk to the outside world, injectable so tests can run the CLI in-process.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Environment for configuration presets; undefined means process.env. */
  env?: Record<string, string | undefined>;
}

export { EXIT, UsageError } from "./restore/types";

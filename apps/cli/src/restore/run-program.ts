// Shared by both programs (`holdfast` and `holdfast-restore`): commander's own errors → exit 2,
// UsageError → exit 2, anything else → exit 1 with a one-line message. Lives under restore/ so
// the standalone restore tool keeps importing nothing outside its folder.
import { CommanderError, type Command } from "commander";
import { EXIT, UsageError } from "./types";

export async function runProgram(
  program: Command,
  argv: readonly string[],
  stderr: (text: string) => void,
  describe: (err: unknown) => string = (err) => (err instanceof Error ? err.message : String(err)),
): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (err) {
    // Commander has already printed its message (or the help that was asked for).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof UsageError) {
      stderr(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    stderr(`error: ${describe(err)}\n`);
    return EXIT.failure;
  }
}

// The `holdfast` program: command tree, argument errors → exit 2, failures → exit 1.
import { Command } from "commander";
import { registerAdminOrgCreate } from "./commands/admin-org-create";
import type { CliIo } from "./io";
import { runProgram } from "./restore/run-program";

export function buildProgram(io: CliIo): Command {
  const program = new Command("holdfast")
    .description("Holdfast operator and partner CLI")
    // Set before adding subcommands: commander copies these settings into each of them.
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)");
  const admin = program.command("admin").description("Operator commands that work directly against the database (DATABASE_URL)");
  const org = admin.command("org").description("Organisations");
  registerAdminOrgCreate(org, io);
  return program;
}

/** A message fit for an operator: drizzle's "Failed query: … params: …" wrapper can echo secrets, so prefer the server's own message. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  if (err.message.startsWith("Failed query") && cause instanceof Error) return cause.message;
  return err.message;
}

export function run(argv: readonly string[], io: CliIo): Promise<number> {
  return runProgram(buildProgram(io), argv, io.stderr, describe);
}

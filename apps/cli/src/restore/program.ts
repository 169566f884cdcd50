// The `holdfast-restore` program: everything a customer needs to get their data back from the
// bucket alone (ARCHITECTURE.md principle 4). Usage errors exit 2, failures exit 1.
import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { formatAuditReport, parseEventsJsonl, verifyAudit } from "./audit-verify";
import { listItems, listSnapshots, restoreSnapshot, verifyVault } from "./commands";
import { parseConnection, resolveRecoveryKey, type GlobalFlags } from "./options";
import { runProgram } from "./run-program";
import { RestoreError, UsageError, type RestoreIo, type RestoreVault } from "./types";

async function withVault<T>(program: Command, io: RestoreIo, fn: (vault: RestoreVault) => Promise<T>): Promise<T> {
  const flags = program.opts<GlobalFlags>();
  const conn = parseConnection(flags, io.env);
  const key = await resolveRecoveryKey(flags, io);
  const vault = await io.openVault(conn, key);
  try {
    return await fn(vault);
  } finally {
    await vault.close?.();
  }
}

export function buildProgram(io: RestoreIo): Command {
  const program = new Command("holdfast-restore")
    .description(
      "Restore from a Holdfast vault with nothing but the bucket, read credentials and the recovery key.\n" +
        "Credentials: --access-key-id/--secret-access-key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.\n" +
        "Recovery key: --recovery-key, HOLDFAST_RECOVERY_KEY, or typed at the prompt.",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)")
    .option("--endpoint <url>", "S3 endpoint URL (env AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL); omit for AWS S3")
    .option("--bucket <name>", "the vault's bucket (env HOLDFAST_VAULT_BUCKET)")
    .option("--region <region>", "S3 region (env AWS_REGION; default us-east-1)")
    .option("--access-key-id <id>", "read credential (env AWS_ACCESS_KEY_ID)")
    .option("--secret-access-key <secret>", "read credential (env AWS_SECRET_ACCESS_KEY)")
    .option("--recovery-key <key>", "the vault's recovery key (prefer HOLDFAST_RECOVERY_KEY or the prompt: flags show up in ps)");

  program
    .command("snapshots")
    .description("List the vault's snapshots, newest first")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withVault(program, io, (v) => listSnapshots(v, io.stdout, opts.json ?? false));
    });

  program
    .command("ls")
    .description("List a snapshot's items, optionally only those under a folder")
    .argument("<snapshot>", 'snapshot id, unique id prefix, or "latest"')
    .argument("[path]", "folder or item inside the snapshot")
    .option("--json", "print JSON")
    .action(async (snapshot: string, path: string | undefined, opts: { json?: boolean }) => {
      await withVault(program, io, (v) => listItems(v, snapshot, path, io.stdout, opts.json ?? false, io.stderr));
    });

  program
    .command("restore")
    .description("Restore a snapshot, a folder or an item into a local directory")
    .argument("<snapshot>", 'snapshot id, unique id prefix, or "latest"')
    .addOption(new Option("--target <dir>", "directory to restore into (created if missing)").makeOptionMandatory())
    .option("--path <path>", "restore only this folder or item")
    .option("--overwrite", "replace files that already exist in the target")
    .action(async (snapshot: string, opts: { target: string; path?: string; overwrite?: boolean }) => {
      await withVault(program, io, (v) =>
        restoreSnapshot(v, snapshot, { target: opts.target, path: opts.path, overwrite: opts.overwrite ?? false }, io.stdout, io.stderr),
      );
    });

  program
    .command("verify")
    .description("Check pack integrity (all, or a random sample) and that every snapshot's content is reachable")
    .option("--sample <fraction>", "check this fraction of the packs, e.g. 0.1 (default: all)")
    .option("--json", "print JSON")
    .action(async (opts: { sample?: string; json?: boolean }) => {
      const ok = await withVault(program, io, (v) => verifyVault(v, opts.sample, io.stdout, opts.json ?? false));
      if (!ok) throw new RestoreError("verify found problems (listed above)");
    });

  program
    .command("verify-audit")
    .description("Check the audit log export against the signed daily digests in the bucket (no recovery key needed)")
    .addOption(new Option("--events <file.jsonl>", "the audit events export (GET /api/v1/audit/export)").makeOptionMandatory())
    .option("--json", "print JSON")
    .action(async (opts: { events: string; json?: boolean }) => {
      const conn = parseConnection(program.opts<GlobalFlags>(), io.env);
      if (!io.readAuditObjects) throw new UsageError("verify-audit is not available in this build");
      let text: string;
      try {
        text = await readFile(opts.events, "utf8");
      } catch (e) {
        throw new RestoreError(`cannot read the events file ${opts.events}: ${(e as Error).message}`);
      }
      const report = verifyAudit(await io.readAuditObjects(conn), parseEventsJsonl(text));
      io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatAuditReport(report));
      if (!report.ok) throw new RestoreError("the audit chain does not match its signed digests (listed above)");
    });

  return program;
}

export function run(argv: readonly string[], io: RestoreIo): Promise<number> {
  return runProgram(buildProgram(io), argv, io.stderr);
}

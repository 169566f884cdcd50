// Flags first, then the standard AWS variables, then HOLDFAST_* ones: what a customer restoring
// without us is most likely to have at hand.
import { z } from "zod";
import { RestoreError, UsageError, type RestoreIo, type VaultConnection } from "./types";

export interface GlobalFlags {
  endpoint?: string;
  bucket?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  recoveryKey?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const Connection = z.object({
  endpoint: z
    .string()
    .refine((s) => /^https?:\/\/[^/\s]+/.test(s), "--endpoint must be an http(s) URL, e.g. https://s3.eu-central-1.wasabisys.com")
    .optional(),
  bucket: z.string({ error: "--bucket is required (or HOLDFAST_VAULT_BUCKET)" }).regex(BUCKET, "--bucket must be an S3 bucket name"),
  region: z.string().min(1, "--region must not be empty"),
  accessKeyId: z.string({ error: "--access-key-id is required (or AWS_ACCESS_KEY_ID)" }).min(1, "--access-key-id must not be empty"),
  secretAccessKey: z.string({ error: "--secret-access-key is required (or AWS_SECRET_ACCESS_KEY)" }).min(1, "--secret-access-key must not be empty"),
});

const nonEmpty = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== "");

export function parseConnection(flags: GlobalFlags, env: Record<string, string | undefined>): VaultConnection {
  const res = Connection.safeParse({
    endpoint: nonEmpty(flags.endpoint, env.AWS_ENDPOINT_URL_S3, env.AWS_ENDPOINT_URL, env.HOLDFAST_VAULT_ENDPOINT),
    bucket: nonEmpty(flags.bucket, env.HOLDFAST_VAULT_BUCKET),
    region: nonEmpty(flags.region, env.AWS_REGION, env.AWS_DEFAULT_REGION) ?? "us-east-1",
    accessKeyId: nonEmpty(flags.accessKeyId, env.AWS_ACCESS_KEY_ID),
    secretAccessKey: nonEmpty(flags.secretAccessKey, env.AWS_SECRET_ACCESS_KEY),
  });
  if (!res.success) throw new UsageError(res.error.issues.map((i) => i.message).join("\n"));
  return res.data;
}

export async function resolveRecoveryKey(flags: GlobalFlags, io: RestoreIo): Promise<string> {
  const given = nonEmpty(flags.recoveryKey, io.env.HOLDFAST_RECOVERY_KEY);
  if (given) return given;
  if (!io.prompt) throw new UsageError("the recovery key is required: --recovery-key, HOLDFAST_RECOVERY_KEY, or run in a terminal to be asked");
  const typed = (await io.prompt("Recovery key: ")).trim();
  if (!typed) throw new RestoreError("no recovery key entered");
  return typed;
}

/** `--sample 0.1` → 0.1; 1 (every pack) when absent. */
export function parseSample(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new UsageError("--sample must be a fraction in (0, 1], e.g. 0.1");
  return n;
}

/** A snapshot by full id, unique id prefix (≥ 4 hex digits), or `latest`. */
export function pickSnapshot<T extends { id: string; committedAt: string }>(all: readonly T[], ref: string): T {
  if (ref === "latest") {
    const newest = [...all].sort((a, b) => b.committedAt.localeCompare(a.committedAt))[0];
    if (!newest) throw new RestoreError("the vault has no snapshots");
    return newest;
  }
  if (!/^[0-9a-f]{4,64}$/i.test(ref)) throw new UsageError(`"${ref}" is not a snapshot id: give at least 4 hex digits of one, or "latest"`);
  const hits = all.filter((s) => s.id.startsWith(ref.toLowerCase()));
  if (hits.length === 0) throw new RestoreError(`no snapshot ${ref} in this vault (run "holdfast-restore snapshots" to list them)`);
  if (hits.length > 1) throw new RestoreError(`snapshot id prefix ${ref} is ambiguous: ${hits.map((h) => h.id.slice(0, 12)).join(", ")}`);
  return hits[0] as T;
}

/** Normalises a vault path argument: no leading/trailing slashes, no empty or dot segments. */
export function normalisePath(p: string | undefined): string {
  if (p === undefined) return "";
  const parts = p.split("/").filter((s) => s !== "" && s !== ".");
  if (parts.includes("..")) throw new UsageError(`path "${p}" must not contain ".."`);
  return parts.join("/");
}

/** Items at `prefix` itself (an item) or below it (a folder); everything for "". */
export function underPath<T extends { path: string }>(items: readonly T[], prefix: string): T[] {
  if (!prefix) return [...items];
  return items.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}/`));
}

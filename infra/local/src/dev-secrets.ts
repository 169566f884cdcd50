// Dev-only app secrets, generated once per checkout and kept in .data/dev-secrets.json (0600,
// git-ignored) so sessions and encrypted rows survive restarts. Never printed.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { dataDir, ensureDataDirs } from "./paths.js";

const DevSecrets = z.object({
  authSecret: z.string().min(32),
  kek: z.string().refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes base64"),
});
export type DevSecrets = z.infer<typeof DevSecrets>;

const file = join(dataDir, "dev-secrets.json");

export function devSecrets(): DevSecrets {
  ensureDataDirs();
  if (existsSync(file)) {
    const parsed = DevSecrets.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (parsed.success) return parsed.data;
    throw new Error(`${file} is malformed; delete it to generate new dev secrets (existing encrypted dev data becomes unreadable).`);
  }
  const secrets: DevSecrets = { authSecret: randomBytes(32).toString("base64url"), kek: randomBytes(32).toString("base64") };
  try {
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process (dev and test started together) wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return devSecrets();
    throw err;
  }
  return secrets;
}

// Principle 4, proven: a vault written by the engine is listed, restored and verified by the
// holdfast-restore subprocess with only the endpoint, the bucket, the *reader's* credentials and
// the recovery key in its environment — no DATABASE_URL, no Temporal, no config package. A module
// hook in the subprocess fails the run if anything from the control plane is even imported.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Readable } from "node:stream";
import { formatRecoveryKey, initVault, LocalKms, type Vault } from "@holdfast/vault";
import { createTestBucket, type TestBucket } from "@holdfast/vault/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI_DIR = resolve(import.meta.dirname, "../..");
const LOCK_MS = 60_000;

/** Refuses, inside the subprocess, any import of the control plane. */
const FORBIDDEN = String.raw`^(@holdfast/(db|services|config|api|auth|workflows|logger|local-stack)|@temporalio/|pg$|drizzle-orm|next-auth|next$)`;
const HOOKS = `export async function resolve(s, c, next) { if (new RegExp(${JSON.stringify(FORBIDDEN)}).test(s)) throw new Error("FORBIDDEN IMPORT " + s); return next(s, c); }`;
const REGISTER = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;
const NODE_ARGS = ["--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(REGISTER)}`];

let tb: TestBucket;
let vault: Vault;
let recoveryKey: string;
let dir: string;
const snapshots: { id: string; files: Map<string, Buffer> }[] = [];

function run(script: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [...NODE_ARGS, ...script], { cwd: CLI_DIR, env, timeout: 90_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** The whole environment of the restore: nothing else is inherited. */
function readerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: "/usr/bin:/bin",
    HOME: dir,
    AWS_ACCESS_KEY_ID: tb.identities.reader.accessKeyId,
    AWS_SECRET_ACCESS_KEY: tb.identities.reader.secretAccessKey,
    HOLDFAST_RECOVERY_KEY: recoveryKey,
    ...overrides,
  };
}

const restoreCli = (args: string[], env = readerEnv()) =>
  run(["src/restore/main.ts", ...args, "--endpoint", tb.endpoint.endpoint ?? "", "--bucket", tb.bucket, "--region", tb.endpoint.region], env);

async function treeOf(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const full = join(e.parentPath, e.name);
      out.set(relative(root, full).split("\\").join("/"), await readFile(full));
    }
  }
  return out;
}

const digest = (m: Map<string, Buffer>) => [...m].map(([p, b]) => `${p}:${createHash("sha256").update(b).digest("hex")}`).sort();

async function snapshot(files: Map<string, Buffer>): Promise<string> {
  const writer = await vault.startSnapshot({ source: "test", unit: "restore-cli", startedAt: new Date(), retainUntil: new Date(Date.now() + LOCK_MS) });
  for (const [path, body] of files) await writer.putItem(path, Readable.from([body]), { size: body.length });
  return writer.commit();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hf-restore-int-"));
  // The reader identity needs versitygw's IAM backend; without one, root credentials stand in.
  tb = await createTestBucket({ prefix: "restore-cli" }).catch((err: unknown) => {
    if (!(err instanceof Error && err.name === "VersityAdminError")) throw err;
    console.warn(`restore-cli: ${err.message}; testing with root credentials instead of the reader's`);
    return createTestBucket({ prefix: "restore-cli", identities: false });
  });
  const init = await initVault(tb.writer, { kms: new LocalKms(randomBytes(32)), retention: { retainUntil: new Date(Date.now() + LOCK_MS) } });
  vault = init.vault;
  recoveryKey = init.recoveryKey;
  const first = new Map<string, Buffer>([
    ["empty.bin", Buffer.alloc(0)],
    ["one.bin", Buffer.from([0x2a])],
    ["docs/readme.txt", Buffer.from("Holdfast restore test\n".repeat(1000))],
    ["docs/deep/nested/größe €.txt", Buffer.from("unicode path ✓\n")],
    ["media/random.bin", randomBytes(3 * 1024 * 1024 + 17)], // several chunks
    ["mail/0001.eml", Buffer.from("From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n")],
  ]);
  snapshots.push({ id: await snapshot(first), files: first });
  const second = new Map(first);
  second.set("docs/readme.txt", Buffer.from("edited after the first snapshot\n"));
  second.delete("mail/0001.eml");
  second.set("mail/0002.eml", Buffer.from("From: b@example.com\r\n\r\nsecond\r\n"));
  snapshots.push({ id: await snapshot(second), files: second });
}, 180_000);

afterAll(async () => {
  await vault?.close();
  await tb?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("holdfast-restore against a real vault, control plane absent", () => {
  it("the module hook really refuses control-plane imports (control experiment)", async () => {
    const res = await run(["--input-type=module", "-e", 'await import("@holdfast/config")'], { PATH: "/usr/bin:/bin" });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("FORBIDDEN IMPORT @holdfast/config");
  });

  it("lists the snapshots newest first with only reader credentials and the recovery key", async () => {
    const env = readerEnv();
    expect(Object.keys(env).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "HOLDFAST_RECOVERY_KEY", "HOME", "PATH"]);
    const res = await restoreCli(["snapshots", "--json"], env);
    expect(res.stderr).not.toContain("FORBIDDEN");
    expect(res.code).toBe(0);
    const listed = JSON.parse(res.stdout) as { id: string; items: number }[];
    expect(listed.map((s) => s.id)).toEqual([snapshots[1]?.id, snapshots[0]?.id]);
    expect(listed[1]?.items).toBe(6);
  });

  it("restores the whole latest snapshot byte for byte", async () => {
    const target = join(dir, "latest");
    const res = await restoreCli(["restore", "latest", "--target", target]);
    expect(res.stderr).not.toContain("FORBIDDEN");
    expect(res.code).toBe(0);
    expect(digest(await treeOf(target))).toEqual(digest(snapshots[1]?.files ?? new Map<string, Buffer>()));
  });

  it("restores a folder and a single item of the older snapshot", async () => {
    const old = snapshots[0];
    if (!old) throw new Error("no snapshot");
    const folder = join(dir, "folder");
    expect((await restoreCli(["restore", old.id.slice(0, 10), "--path", "docs", "--target", folder])).code).toBe(0);
    const got = await treeOf(folder);
    expect([...got.keys()].sort()).toEqual(["docs/deep/nested/größe €.txt", "docs/readme.txt"]);
    expect(got.get("docs/readme.txt")?.equals(old.files.get("docs/readme.txt") ?? Buffer.alloc(1))).toBe(true);

    const item = join(dir, "item");
    expect((await restoreCli(["restore", old.id, "--path", "mail/0001.eml", "--target", item])).code).toBe(0);
    expect((await readFile(join(item, "mail/0001.eml"))).equals(old.files.get("mail/0001.eml") ?? Buffer.alloc(1))).toBe(true);
  });

  it("lists a folder and verifies the vault", async () => {
    const ls = await restoreCli(["ls", "latest", "docs"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain("docs/readme.txt");
    expect(ls.stdout).not.toContain("mail/");
    const verify = await restoreCli(["verify"]);
    expect(verify.stderr).toBe("");
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain("no problems found");
  });

  it("fails clearly on a wrong key, a mistyped key, an unknown snapshot and an unreachable endpoint", async () => {
    const wrong = await restoreCli(["snapshots"], readerEnv({ HOLDFAST_RECOVERY_KEY: formatRecoveryKey(new Uint8Array(randomBytes(32))) }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("the recovery key does not open the vault");

    const typo = await restoreCli(["snapshots"], readerEnv({ HOLDFAST_RECOVERY_KEY: recoveryKey.slice(0, -1) + (recoveryKey.endsWith("0") ? "1" : "0") }));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("mistyped");

    const unknown = await restoreCli(["ls", "0000ffff"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no snapshot 0000ffff in this vault");

    const down = await run(["src/restore/main.ts", "snapshots", "--endpoint", "http://127.0.0.1:9", "--bucket", tb.bucket], readerEnv());
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot reach the object store");

    const writerOnlyBucket = await restoreCli(["snapshots"], readerEnv({ AWS_SECRET_ACCESS_KEY: "not-the-secret" }));
    expect(writerOnlyBucket.code).toBe(1);
    expect(writerOnlyBucket.stderr).toContain("credentials were refused");
  });

  // Last: it leaves every pack's newest version overwritten.
  it("restores byte for byte after every pack was overwritten, from the older locked versions", async () => {
    for await (const o of tb.writer.list("data/")) {
      await tb.writer.put(o.key, new TextEncoder().encode("overwritten by an intruder with the writer key"), { retainUntil: new Date(Date.now() + LOCK_MS) });
    }
    const target = join(dir, "after-overwrite");
    const res = await restoreCli(["restore", "latest", "--target", target]);
    expect(res.stderr).not.toContain("FAILED");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("restored 6 of 6 items");
    expect(digest(await treeOf(target))).toEqual(digest(snapshots[1]?.files ?? new Map<string, Buffer>()));
  });
});

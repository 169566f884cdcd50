// holdfast-restore against an in-memory vault: arguments, settings, errors and the restore walk.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { itemDestination } from "@holdfast/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { normalisePath, parseConnection, pickSnapshot, underPath } from "./options";
import { run } from "./program";
import { RestoreError, type ErasureInfo, type OpenVault, type RestoreFailure, type RestoreVault, type SnapshotInfo, type VaultConnection, type VerifyProblem } from "./types";

const KEY = "0123-4567-89AB-CDEF";
const SNAPS: SnapshotInfo[] = [
  { id: "a".repeat(64), source: "google", unit: "alice", startedAt: "2026-01-01T00:00:00Z", committedAt: "2026-01-01T00:10:00Z", retainUntil: "2027-01-01T00:00:00Z", items: 3, bytes: 11 },
  { id: "ab" + "c".repeat(62), source: "google", unit: "alice", startedAt: "2026-01-02T00:00:00Z", committedAt: "2026-01-02T00:10:00Z", retainUntil: "2027-01-02T00:00:00Z", items: 3, bytes: 14 },
];
const FILES: Record<string, Record<string, string>> = {
  [SNAPS[0]!.id]: { "docs/a.txt": "first", "docs/sub/b.txt": "b", "mail/1.eml": "hello" },
  [SNAPS[1]!.id]: { "docs/a.txt": "first, edited", "mail/1.eml": "hello", "docs-old/c.txt": "c" },
};

/** Items the fake reports as damaged instead of restoring them. */
let damaged: string[] = [];
/** The fake's erasure ledger: `<unit>/<externalId>` → the erasure (the fake's external id is the path). */
let erasures: Record<string, ErasureInfo> = {};
/** Versions the fake's ledger ignored. */
let ledgerProblems: VerifyProblem[] = [];

function fakeVault(): RestoreVault {
  const items = (id: string) =>
    Object.entries(FILES[id] ?? {})
      .map(([path, body]) => ({ path, size: body.length, meta: { externalId: path } }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    snapshots: () => Promise.resolve([...SNAPS].reverse()),
    items: (id) => Promise.resolve(items(id)),
    restore: async (id, req) => {
      const chosen = underPath(items(id), req.prefix).filter((i) => !req.exclude?.includes(i.path));
      const failed: RestoreFailure[] = [];
      let bytes = 0;
      for (const i of chosen) {
        const to = itemDestination(req.target, i.path);
        if (damaged.includes(i.path)) failed.push({ path: i.path, kind: "damaged", object: "data/ab/abcd", reason: "data/ab/abcd: blob 1234 failed authentication" });
        else if (!req.overwrite && existsSync(to)) failed.push({ path: i.path, kind: "exists", object: to, reason: `${to} already exists` });
        else {
          await mkdir(dirname(to), { recursive: true });
          await writeFile(to, FILES[id]?.[i.path] ?? "");
          bytes += i.size;
        }
        req.onProgress?.({ itemsDone: 1, itemsFailed: 0, itemsTotal: chosen.length, bytesWritten: bytes, bytesTotal: 0 });
      }
      return { items: chosen.length, bytes, filesWritten: chosen.length - failed.length, failed };
    },
    verify: ({ sample }) => Promise.resolve({ snapshots: 2, packsChecked: Math.ceil(4 * sample), blobsChecked: 9, problems: [] }),
    erased: () => Promise.resolve({ match: (unit, item) => erasures[`${unit}/${(item.meta as { externalId: string }).externalId}`] ?? null, problems: ledgerProblems }),
  };
}

let opened: { conn: VaultConnection; key: string }[] = [];
const openFake: OpenVault = (conn, key) => {
  opened.push({ conn, key });
  if (key !== KEY) return Promise.reject(new RestoreError("the recovery key does not open this vault"));
  return Promise.resolve(fakeVault());
};

const BASE_ENV = { AWS_ACCESS_KEY_ID: "reader", AWS_SECRET_ACCESS_KEY: "secret", HOLDFAST_RECOVERY_KEY: KEY };
const CONN = ["--endpoint", "http://127.0.0.1:7070", "--bucket", "hf-vault-1"];

async function cli(argv: string[], env: Record<string, string | undefined> = BASE_ENV, prompt?: (q: string) => Promise<string>) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env, prompt, openVault: openFake });
  return { code, stdout, stderr };
}

let dir: string;
beforeEach(async () => {
  opened = [];
  damaged = [];
  erasures = {};
  ledgerProblems = [];
  dir = await mkdtemp(join(tmpdir(), "hf-restore-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("holdfast-restore arguments", () => {
  it("prints help with exit 0", async () => {
    const res = await cli(["--help"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("--recovery-key <key>");
    expect(res.stdout).toMatch(/snapshots[\s\S]*ls[\s\S]*restore[\s\S]*verify/);
  });

  it.each([
    [[], "Usage: holdfast-restore"],
    [["frob"], "unknown command 'frob'"],
    [["restore", "latest", ...CONN], "required option '--target <dir>' not specified"],
    [["snapshots", "--bogus", ...CONN], "unknown option '--bogus'"],
    [["snapshots"], "--bucket is required"],
    [["snapshots", "--bucket", "Not_A_Bucket"], "--bucket must be an S3 bucket name"],
    [["snapshots", ...CONN.slice(2), "--endpoint", "127.0.0.1:7070"], "--endpoint must be an http(s) URL"],
    [["verify", "--sample", "2", ...CONN], "--sample must be a fraction"],
    [["ls", "xyz!", ...CONN], "is not a snapshot id"],
    [["restore", "latest", "--target", "/tmp/x", "--path", "../etc", ...CONN], 'must not contain ".."'],
  ])("exits 2 on a usage error: %j", async (argv, message) => {
    const res = await cli(argv);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
  });

  it("names every missing credential", async () => {
    const res = await cli(["snapshots", ...CONN], { HOLDFAST_RECOVERY_KEY: KEY });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--access-key-id is required (or AWS_ACCESS_KEY_ID)");
    expect(res.stderr).toContain("--secret-access-key is required (or AWS_SECRET_ACCESS_KEY)");
  });

  it("asks for the recovery key only when neither flag nor env has it, and fails without a terminal", async () => {
    const env = { AWS_ACCESS_KEY_ID: "reader", AWS_SECRET_ACCESS_KEY: "secret" };
    const none = await cli(["snapshots", ...CONN], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("the recovery key is required");
    const asked = await cli(["snapshots", ...CONN], env, () => Promise.resolve(` ${KEY} \n`));
    expect(asked.code).toBe(0);
    expect(opened.at(-1)?.key).toBe(KEY);
  });

  it("prefers flags over env and falls back to standard AWS variables", () => {
    const env = { ...BASE_ENV, AWS_ENDPOINT_URL_S3: "http://env:1", AWS_REGION: "eu-central-1", HOLDFAST_VAULT_BUCKET: "env-bucket" };
    expect(parseConnection({}, env)).toEqual({ endpoint: "http://env:1", bucket: "env-bucket", region: "eu-central-1", accessKeyId: "reader", secretAccessKey: "secret" });
    expect(parseConnection({ endpoint: "https://flag", bucket: "flag-bucket", accessKeyId: "k", secretAccessKey: "s" }, env)).toMatchObject({
      endpoint: "https://flag",
      bucket: "flag-bucket",
      accessKeyId: "k",
    });
    expect(parseConnection({ bucket: "b-b" }, BASE_ENV).region).toBe("us-east-1");
  });
});

describe("holdfast-restore commands", () => {
  it("lists snapshots", async () => {
    const res = await cli(["snapshots", ...CONN]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("aaaaaaaaaaaa");
    expect(res.stdout).toContain("google / alice");
    expect(opened[0]?.conn).toEqual({ endpoint: "http://127.0.0.1:7070", bucket: "hf-vault-1", region: "us-east-1", accessKeyId: "reader", secretAccessKey: "secret" });
    const json = await cli(["snapshots", "--json", ...CONN]);
    expect((JSON.parse(json.stdout) as SnapshotInfo[]).map((s) => s.id)).toEqual([SNAPS[1]!.id, SNAPS[0]!.id]);
  });

  it("lists a snapshot's items, by prefix and under a folder", async () => {
    const res = await cli(["ls", "aaaa", "docs", ...CONN]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("docs/a.txt");
    expect(res.stdout).toContain("docs/sub/b.txt");
    expect(res.stdout).not.toContain("mail/1.eml");
  });

  it("reports a wrong key, an unknown or ambiguous snapshot and an empty path with exit 1", async () => {
    expect(await cli(["snapshots", ...CONN], { ...BASE_ENV, HOLDFAST_RECOVERY_KEY: "nope" })).toMatchObject({ code: 1, stderr: "error: the recovery key does not open this vault\n" });
    expect(await cli(["ls", "ffff", ...CONN])).toMatchObject({ code: 1, stderr: expect.stringContaining("no snapshot ffff in this vault") as unknown });
    expect(await cli(["ls", "a", ...CONN])).toMatchObject({ code: 2 });
    expect(pickSnapshot(SNAPS, "abcc").id).toBe(SNAPS[1]!.id);
    expect(() => pickSnapshot([...SNAPS, { ...SNAPS[1]!, id: "abcc" + "0".repeat(60) }], "abcc")).toThrow(/ambiguous/);
    expect(await cli(["ls", "latest", "nothing/here", ...CONN])).toMatchObject({ code: 1, stderr: expect.stringContaining('nothing at "nothing/here"') as unknown });
  });

  it("restores the latest snapshot whole, and a folder of an older one", async () => {
    const all = await cli(["restore", "latest", "--target", join(dir, "all"), ...CONN]);
    expect(all.code).toBe(0);
    expect(await readFile(join(dir, "all/docs/a.txt"), "utf8")).toBe("first, edited");
    expect(await readFile(join(dir, "all/docs-old/c.txt"), "utf8")).toBe("c");

    const folder = await cli(["restore", "aaaa", "--path", "/docs/", "--target", join(dir, "folder"), ...CONN]);
    expect(folder.code).toBe(0);
    expect(await readFile(join(dir, "folder/docs/sub/b.txt"), "utf8")).toBe("b");
    await expect(readFile(join(dir, "folder/mail/1.eml"))).rejects.toThrow();
  });

  it("does not overwrite existing files unless asked", async () => {
    await cli(["restore", "latest", "--path", "mail/1.eml", "--target", dir, ...CONN]);
    await writeFile(join(dir, "mail/1.eml"), "local change");
    const again = await cli(["restore", "latest", "--path", "mail/1.eml", "--target", dir, ...CONN]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists (use --overwrite");
    expect(await readFile(join(dir, "mail/1.eml"), "utf8")).toBe("local change");
    expect((await cli(["restore", "latest", "--path", "mail/1.eml", "--overwrite", "--target", dir, ...CONN])).code).toBe(0);
    expect(await readFile(join(dir, "mail/1.eml"), "utf8")).toBe("hello");
  });

  it("lists items that could not be restored, restores the rest, and exits 1", async () => {
    damaged = ["docs/a.txt"];
    const res = await cli(["restore", "latest", "--target", dir, ...CONN]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("FAILED docs/a.txt: data/ab/abcd: blob 1234 failed authentication");
    expect(res.stderr).toContain("error: 1 of 3 items were not restored (listed above)");
    expect(res.stdout).toContain("restored 2 of 3 items");
    expect(await readFile(join(dir, "mail/1.eml"), "utf8")).toBe("hello");
    expect(existsSync(join(dir, "docs/a.txt"))).toBe(false);
  });

  it("leaves erased items out of ls and restore, saying so, and refuses to restore an erased item by path", async () => {
    const REQ = "0b5e7c1a-7d1e-4c55-9f3e-2a1c0e9d4b11";
    erasures = { "alice/docs/a.txt": { requestId: REQ, executedAt: "2026-03-01T12:00:00.000Z" } };
    const ls = await cli(["ls", "latest", ...CONN]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).not.toContain("docs/a.txt");
    expect(ls.stdout).toContain("mail/1.eml");
    expect(ls.stderr).toBe(`1 item left out: erased from backups (request ${REQ}, 2026-03-01)\n`);

    const json = await cli(["ls", "latest", "--json", ...CONN]);
    expect(JSON.parse(json.stdout)).toEqual({
      items: [
        { path: "docs-old/c.txt", size: 1, meta: { externalId: "docs-old/c.txt" } },
        { path: "mail/1.eml", size: 5, meta: { externalId: "mail/1.eml" } },
      ],
      leftOut: [{ reason: "erased", requestId: REQ, executedAt: "2026-03-01T12:00:00.000Z", items: 1 }],
    });

    const all = await cli(["restore", "latest", "--target", join(dir, "all"), ...CONN]);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain(`1 item left out: erased from backups (request ${REQ}, 2026-03-01)`);
    expect(all.stdout).toContain("restored 2 of 2 items");
    expect(all.stdout).toContain("1 erased item left out");
    expect(existsSync(join(dir, "all/docs/a.txt"))).toBe(false);
    expect(await readFile(join(dir, "all/mail/1.eml"), "utf8")).toBe("hello");

    const named = await cli(["restore", "latest", "--path", "docs/a.txt", "--target", join(dir, "one"), ...CONN]);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`error: "docs/a.txt" was erased from backups (request ${REQ}, 2026-03-01); it cannot be listed or restored`);
    expect(existsSync(join(dir, "one/docs/a.txt"))).toBe(false);
    expect((await cli(["ls", "latest", "docs/a.txt", ...CONN])).code).toBe(1);

    // Another unit's item with the same external id is not erased.
    erasures = { "bob/docs/a.txt": { requestId: REQ, executedAt: "2026-03-01T12:00:00.000Z" } };
    expect((await cli(["ls", "latest", ...CONN])).stdout).toContain("docs/a.txt");
  });

  it("warns about ledger versions that were ignored, and still lists", async () => {
    ledgerProblems = [{ object: "erasures/x.json (version v2)", problem: "erasure ledger object ignored: does not authenticate" }];
    const ls = await cli(["ls", "latest", ...CONN]);
    expect(ls.code).toBe(0);
    expect(ls.stderr).toBe("WARNING erasures/x.json (version v2): erasure ledger object ignored: does not authenticate\n");
    expect(ls.stdout).toContain("mail/1.eml");
  });

  it("verifies a sample", async () => {
    const res = await cli(["verify", "--sample", "0.5", ...CONN]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("checked 2 snapshots, 2 packs, 9 blobs");
    expect(res.stdout).toContain("no problems found");
  });
});

describe("paths", () => {
  it("normalises and filters", () => {
    expect(normalisePath("/docs//sub/./")).toBe("docs/sub");
    expect(underPath([{ path: "docs" }, { path: "docs/a" }, { path: "docs-old/a" }], "docs").map((i) => i.path)).toEqual(["docs", "docs/a"]);
  });

  it("never writes outside the target, whatever a manifest says (the engine's one rule)", () => {
    expect(itemDestination("/tmp/t", "a/b.txt")).toBe("/tmp/t/a/b.txt");
    for (const bad of ["../../etc/passwd", "a/../../x", "a/..", "/etc/passwd", "a/\0b", "a//b", "./a", "a/"]) {
      expect(() => itemDestination("/tmp/t", bad), bad).toThrow(/would land outside the target directory/);
    }
  });
});

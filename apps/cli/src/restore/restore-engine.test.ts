// holdfast-restore's restore command over the real engine (restore by pack) on the in-memory store:
// byte identity, folder and item selection, damage, overwritten packs and hostile paths, as a
// customer would see them (exit code, stderr, the files left on disk).
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { initVault, LocalKms, openVault as openEngineVault } from "@holdfast/vault";
import { MemoryObjectStore, pseudoRandomBytes } from "@holdfast/vault/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "./program";
import type { OpenVault } from "./types";
import { bindVault } from "./vault";

const CONN = ["--endpoint", "http://127.0.0.1:7070", "--bucket", "hf-vault-1"];
const ENV = { AWS_ACCESS_KEY_ID: "reader", AWS_SECRET_ACCESS_KEY: "secret" };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hf-restore-engine-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function vaultWith(files: Map<string, Buffer>) {
  const store = new MemoryObjectStore();
  const kms = new LocalKms(randomBytes(32));
  const { vault, recoveryKey } = await initVault(store, {
    kms,
    retention: { days: 1 },
    chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 },
    packTargetSize: 512 * 1024,
    workers: 0,
  });
  const w = await vault.startSnapshot({ source: "test", unit: "u", startedAt: new Date(), retainUntil: new Date(Date.now() + 86_400_000) });
  for (const [path, body] of files) await w.putItem(path, Readable.from([body]), { externalId: `ext:${path}`, kind: "file", path });
  const id = await w.commit();
  await vault.close();
  const open: OpenVault = async (conn, key) => bindVault(await openEngineVault(store, { recoveryKey: key, workers: 0 }), conn);
  const cli = async (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await run([...args, ...CONN], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env: { ...ENV, HOLDFAST_RECOVERY_KEY: recoveryKey }, openVault: open });
    return { code, stdout, stderr };
  };
  /** What the worker does after an executed erasure request (the unit is "u"). */
  const erase = async (requestId: string, paths: string[]) => {
    const writer = await openEngineVault(store, { kms, workers: 0 });
    await writer.recordErasure(requestId, { executedAt: new Date("2026-03-01T12:00:00Z"), items: paths.map((p) => ({ unit: "u", externalId: `ext:${p}` })) });
    await writer.close();
  };
  return { store, id, cli, erase };
}

async function tree(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(root, join(e.parentPath, e.name)), await readFile(join(e.parentPath, e.name)));
  }
  return out;
}

const same = (got: Map<string, Buffer>, want: Map<string, Buffer>) => {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [p, b] of want) expect(got.get(p)?.equals(b), p).toBe(true);
};

function files(): Map<string, Buffer> {
  const shared = Buffer.from("the same attachment in every mail\n".repeat(300));
  const m = new Map<string, Buffer>([
    ["docs/empty.txt", Buffer.alloc(0)],
    ["docs/report.bin", Buffer.from(pseudoRandomBytes(1, 1_500_000))],
    ["docs/notes.txt", Buffer.from("holdfast restore ".repeat(40_000))],
  ]);
  for (let i = 0; i < 12; i++) m.set(`mail/${i}.eml`, shared);
  return m;
}

describe("holdfast-restore restore, engine-backed", () => {
  it("restores a whole snapshot, a folder and one item byte for byte", async () => {
    const want = files();
    const { id, cli } = await vaultWith(want);
    const all = await cli(["restore", "latest", "--target", join(dir, "all")]);
    expect(all.stderr).toContain(`restoring 15 items`);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("restored 15 of 15 items");
    same(await tree(join(dir, "all")), want);

    expect((await cli(["restore", id.slice(0, 8), "--path", "mail", "--target", join(dir, "mail")])).code).toBe(0);
    same(await tree(join(dir, "mail")), new Map([...want].filter(([p]) => p.startsWith("mail/"))));

    expect((await cli(["restore", id, "--path", "docs/report.bin", "--target", join(dir, "one")])).code).toBe(0);
    same(await tree(join(dir, "one")), new Map([["docs/report.bin", want.get("docs/report.bin") ?? Buffer.alloc(1)]]));
  });

  it("leaves items of the vault's erasure ledger out of ls and restore, and refuses one named by --path", async () => {
    const want = files();
    const { cli, erase } = await vaultWith(want);
    const REQ = "0b5e7c1a-7d1e-4c55-9f3e-2a1c0e9d4b11";
    await erase(REQ, ["docs/notes.txt", "mail/3.eml"]);
    const note = `2 items left out: erased from backups (request ${REQ}, 2026-03-01)`;

    const ls = await cli(["ls", "latest", "--json"]);
    expect(ls.code).toBe(0);
    const listed = JSON.parse(ls.stdout) as { items: { path: string }[]; leftOut: unknown[] };
    expect(listed.items.map((i) => i.path)).toEqual([...want.keys()].filter((p) => p !== "docs/notes.txt" && p !== "mail/3.eml").sort());
    expect(listed.leftOut).toEqual([{ reason: "erased", requestId: REQ, executedAt: "2026-03-01T12:00:00.000Z", items: 2 }]);

    const all = await cli(["restore", "latest", "--target", join(dir, "all")]);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain(note);
    expect(all.stdout).toContain("restored 13 of 13 items");
    same(await tree(join(dir, "all")), new Map([...want].filter(([p]) => p !== "docs/notes.txt" && p !== "mail/3.eml")));

    const folder = await cli(["restore", "latest", "--path", "docs", "--target", join(dir, "docs")]);
    expect(folder.code).toBe(0);
    expect(folder.stderr).toContain(`1 item left out: erased from backups (request ${REQ}, 2026-03-01)`);
    same(await tree(join(dir, "docs")), new Map([...want].filter(([p]) => p.startsWith("docs/") && p !== "docs/notes.txt")));

    const named = await cli(["restore", "latest", "--path", "mail/3.eml", "--target", join(dir, "one")]);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`"mail/3.eml" was erased from backups (request ${REQ}, 2026-03-01)`);
    await expect(readdir(join(dir, "one"))).rejects.toThrow();
  });

  it("ignores a ledger version written without the vault's key, warns about it, and verify fails on it", async () => {
    const want = files();
    const { store, cli, erase } = await vaultWith(want);
    const REQ = "0b5e7c1a-7d1e-4c55-9f3e-2a1c0e9d4b11";
    await erase(REQ, ["mail/3.eml"]);
    // Someone with the writer's credentials but not the key overwrites the object, to bring the item back.
    await store.put(`erasures/${REQ}.json`, Buffer.from(JSON.stringify({ payload: { entries: [] }, mac: "00" })), { retainUntil: new Date(Date.now() + 86_400_000) });

    const ls = await cli(["ls", "latest", "--json"]);
    expect(ls.code).toBe(0);
    expect(ls.stderr).toMatch(new RegExp(`^WARNING erasures/${REQ}\\.json \\(version [^)]+\\): erasure ledger object ignored: .+$`, "m"));
    // The authentic first version still counts.
    expect((JSON.parse(ls.stdout) as { items: { path: string }[] }).items.map((i) => i.path)).not.toContain("mail/3.eml");

    const verify = await cli(["verify"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`PROBLEM erasures/${REQ}.json (version`);
    expect(verify.stdout).toContain("1 problems found");
  });

  it("names the damaged items and the pack, restores the others, and exits 1", async () => {
    const want = files();
    const { store, cli } = await vaultWith(want);
    // Flip one byte in the middle of every pack: some items lose a blob, none is written wrong.
    for (const k of store.keys("data/")) {
      store.tamper(k, (b) => {
        const c = b.slice();
        c[Math.floor(c.length / 2)] = (c[Math.floor(c.length / 2)] ?? 0) ^ 0x10;
        return c;
      });
    }
    const res = await cli(["restore", "latest", "--target", dir]);
    expect(res.code).toBe(1);
    const failedPaths = [...res.stderr.matchAll(/^FAILED (\S+): data\/[0-9a-f]{2}\/[0-9a-f]{64}: blob [0-9a-f]{64} failed authentication/gm)].map((m) => m[1]);
    expect(failedPaths.length).toBeGreaterThan(0);
    expect(res.stderr).toContain(`error: ${failedPaths.length} of 15 items were not restored`);
    const got = await tree(dir);
    expect([...got.keys()].sort()).toEqual([...want.keys()].filter((p) => !failedPaths.includes(p)).sort());
    for (const [p, b] of got) expect(b.equals(want.get(p) ?? Buffer.alloc(1)), p).toBe(true);
  });

  it("restores from the older version of an overwritten pack", async () => {
    const want = files();
    const { store, cli } = await vaultWith(want);
    for (const k of store.keys("data/")) await store.put(k, Buffer.from("overwritten"), { retainUntil: new Date(Date.now() + 86_400_000) });
    const res = await cli(["restore", "latest", "--target", dir]);
    expect(res.stderr).not.toContain("FAILED");
    expect(res.code).toBe(0);
    same(await tree(dir), want);
  });

  it("refuses a snapshot with an escaping item path, naming it, and writes nothing", async () => {
    const { cli } = await vaultWith(new Map([["ok.txt", Buffer.from("ok")], ["../../outside.txt", Buffer.from("no")]]));
    const target = join(dir, "t");
    const res = await cli(["restore", "latest", "--target", target]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('item path "../../outside.txt" would land outside the target directory');
    await expect(readdir(dir)).resolves.toEqual([]);
  });
});

// exportArchive over an in-memory vault (no I/O): what happens when the vault cannot give an
// item's bytes, and when the reader of the download goes away.
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { initVault, LocalKms, type Vault } from "@holdfast/vault";
import { MemoryObjectStore, pseudoRandomBytes } from "@holdfast/vault/testing";
import yauzl from "yauzl";
import { describe, expect, it } from "vitest";
import { exportArchive, type ExportRef, type ExportReport } from "./index";
import { putSnapshot, utf8, type TestItem } from "./test-support/vault-items";

const SMALL = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

async function memoryVault(): Promise<{ vault: Vault; store: MemoryObjectStore }> {
  const store = new MemoryObjectStore();
  const { vault } = await initVault(store, { kms: new LocalKms(randomBytes(32)), retention: { days: 1 }, workers: 0, chunker: SMALL, packTargetSize: 256 * 1024, indexEveryPacks: 1 });
  return { vault, store };
}

const file = (name: string, body: Uint8Array): TestItem => ({ vaultPath: `${name}~x`, body, meta: { externalId: name, kind: "file", path: `/${name}`, name, contentType: "application/octet-stream" } });

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

function zipNames(buf: Buffer): Promise<Map<string, number>> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: false }, (err, zip) => {
      if (err) return reject(err);
      const names = new Map<string, number>();
      zip.on("entry", (e: yauzl.Entry) => names.set(e.fileName, e.uncompressedSize));
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
    }),
  );
}

const tomorrow = () => new Date(Date.now() + 86_400_000);

describe("items the vault cannot give back", () => {
  it("an item whose first piece fails integrity is failed without an entry; one failing midway is marked partial", async () => {
    const { vault, store } = await memoryVault();
    const small = file("small.bin", pseudoRandomBytes(1, 10_000));
    const big = file("big.bin", pseudoRandomBytes(2, 2 * 1024 * 1024));
    const ok = file("ok.txt", utf8("fine\n"));
    // One snapshot each: the oldest pack holds small.bin alone, the newest the end of big.bin.
    const id0 = await putSnapshot(vault, "u0", [small], tomorrow());
    const id = await putSnapshot(vault, "u", [big], tomorrow());
    const packs: { key: string; at: number }[] = [];
    for await (const o of store.list("data/")) packs.push({ key: o.key, at: o.lastModified?.getTime() ?? 0 });
    packs.sort((a, b) => a.at - b.at);
    expect(packs.length).toBeGreaterThan(2);
    const flip = (b: Uint8Array) => {
      const c = b.slice();
      for (let i = 300; i < c.length; i += 512) c[i] = (c[i] ?? 0) ^ 0xff;
      return c;
    };
    store.tamper((packs[0] as { key: string }).key, flip);
    store.tamper((packs.at(-1) as { key: string }).key, flip);
    const id2 = await putSnapshot(vault, "u2", [ok], tomorrow());

    const refs: ExportRef[] = [
      { vaultSnapshotId: id0, vaultPath: small.vaultPath },
      { vaultSnapshotId: id, vaultPath: big.vaultPath },
      { vaultSnapshotId: id2, vaultPath: ok.vaultPath },
    ];
    const a = exportArchive({ vault, refs, format: "zip" });
    const names = await zipNames(await collect(a.stream));
    const report = await a.report;
    expect(report.items[0]).toMatchObject({ status: "failed", reason: expect.stringMatching(/^integrity error: /) as unknown, bytes: 0 });
    expect(report.items[0]?.entry).toBeUndefined();
    expect(report.items[1]).toMatchObject({ status: "failed", partial: true, entry: "big.bin", reason: expect.stringMatching(/^integrity error: /) as unknown });
    expect(report.items[1]?.bytes).toBeGreaterThan(0);
    expect(report.items[1]?.bytes).toBeLessThan(2 * 1024 * 1024);
    expect(report.items[2]).toMatchObject({ status: "exported", entry: "ok.txt" });
    expect([...names.keys()].sort()).toEqual(["big.bin", "holdfast-export.json", "ok.txt"]);
    expect(names.get("big.bin")).toBe(report.items[1]?.bytes);
    await vault.close();
  });
});

describe("a download that stops", () => {
  it("stops reading the vault and reports the items it never reached", async () => {
    const { vault } = await memoryVault();
    const items = Array.from({ length: 6 }, (_, i) => file(`f${i}.bin`, pseudoRandomBytes(10 + i, 512 * 1024)));
    const id = await putSnapshot(vault, "u", items, tomorrow());
    const a = exportArchive({ vault, refs: items.map((i) => ({ vaultSnapshotId: id, vaultPath: i.vaultPath })), format: "zip" });
    let got = 0;
    for await (const c of a.stream as AsyncIterable<Buffer>) {
      got += c.length;
      if (got > 700 * 1024) break; // leaving the loop destroys the stream, as a closed HTTP response does
    }
    const report: ExportReport = await a.report;
    expect(report.requested).toBe(6);
    expect(report.items).toHaveLength(6);
    expect(report.items.at(-1)).toMatchObject({ status: "failed", reason: expect.stringMatching(/stopped/) as unknown });
    expect(report.exported).toBeLessThan(3);
    await vault.close();
  });
});

describe("bad requests", () => {
  it("name the problem", async () => {
    const { vault } = await memoryVault();
    expect(() => exportArchive({ vault, refs: [], format: "pst" as never })).toThrow(/unknown export format "pst"; expected one of eml-zip, mbox, zip, ics, vcf/);
    expect(() => exportArchive({ vault, refs: [{ vaultSnapshotId: "", vaultPath: "x" }], format: "zip" })).toThrow(/invalid export refs: refs\.0\.vaultSnapshotId/);
    await vault.close();
  });

  it("an item stored without backup metadata is failed with the reason", async () => {
    const { vault } = await memoryVault();
    const w = await vault.startSnapshot({ source: "s", unit: "u", startedAt: new Date(), retainUntil: tomorrow() });
    await w.putItem("raw.bin", utf8("x"), { note: "no kind" });
    const id = await w.commit();
    const a = exportArchive({ vault, refs: [{ vaultSnapshotId: id, vaultPath: "raw.bin" }], format: "mbox" });
    expect((await collect(a.stream)).length).toBe(0);
    expect((await a.report).items[0]?.reason).toMatch(/item metadata is not a backup item's: kind/);
    await vault.close();
  });
});

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VaultKeys } from "../crypto/keys";
import { openObject } from "../sealed";
import { decodeManifest, encodeManifest, manifestJsonPieces, SnapshotManifest } from "./manifest";
import { sealManifest } from "./seal-manifest";

const hex = () => randomBytes(32).toString("hex");

function manifest(items: number): SnapshotManifest {
  return {
    formatVersion: 1,
    vaultId: "ab".repeat(16),
    source: "src \"quoted\" ü",
    unit: "u/1",
    startedAt: "2026-11-27T10:00:00.000Z",
    committedAt: "2026-11-27T10:05:00.000Z",
    retainUntil: "2027-11-27T10:00:00.000Z",
    items: Array.from({ length: items }, (_, i) => ({ path: `dir ${i % 7}/file-${i}.txt`, size: i * 1000, meta: { mode: 33188, note: i % 3 ? "✓" : null }, blobs: i % 5 ? [hex()] : [hex(), hex()] })),
    packs: [hex(), hex()],
    indexes: [hex()],
  };
}

describe("manifest encoding", () => {
  it("streams exactly the bytes of encodeManifest", () => {
    for (const n of [0, 1, 511, 512, 513, 2000]) {
      const m = manifest(n);
      expect([...manifestJsonPieces(m, 512)].join("")).toBe(JSON.stringify(m));
      expect(Buffer.from([...manifestJsonPieces(m, 3)].join("")).equals(Buffer.from(encodeManifest(m)))).toBe(true);
    }
  });

  it("seals a manifest that the generic reader opens and decodes back", () => {
    const keys = new VaultKeys(new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(16)));
    const m = manifest(3000);
    const sealed = sealManifest(keys, m);
    expect(Buffer.from(sealed.subarray(0, 5)).toString("latin1")).toBe("HFSN\x01");
    expect(sealed.length).toBeLessThan(encodeManifest(m).length / 2);
    expect(decodeManifest("snapshots/x", openObject(keys, "snapshot", "snapshots/x", sealed))).toEqual(m);
  });
});

describe("decodeManifest", () => {
  it("parses exactly like JSON.parse, however the JSON is laid out", () => {
    const m = manifest(250);
    m.items[3]!.path = 'we"ird\\ ,]}[{ path \u00e9 ✓';
    m.items[4]!.meta = { nested: [[1, { a: "]" }], {}], s: "\\\"", n: -1.5e-7, t: true, z: null };
    m.items[5]!.blobs = [];
    const texts = [
      JSON.stringify(m),
      JSON.stringify(m, null, 2),
      JSON.stringify(m, null, "\t").replace(/\n/g, "\r\n"),
      ` \n${JSON.stringify({ ...m, items: [] })} `,
      JSON.stringify({ extra: { items: [1] }, ...m, source: "first" }).replace('"source":"first"', '"source":"first","source":"second"'),
    ];
    for (const t of texts) expect(decodeManifest("snapshots/x", new TextEncoder().encode(t))).toEqual(JSON.parse(t));
    for (const bad of [`${JSON.stringify(m).slice(0, -1)}`, JSON.stringify(m).replace('"items":[{', '"items":[,{'), JSON.stringify(m).replace("}],", "},],"), `${JSON.stringify(m)}x`]) {
      expect(() => decodeManifest("snapshots/x", new TextEncoder().encode(bad))).toThrow("snapshots/x: manifest is not JSON");
    }
  });

  const ok = manifest(3);
  const variants: [string, (m: Record<string, unknown> & { items: Record<string, unknown>[] }) => void][] = [
    ["valid", () => undefined],
    ["negative size", (m) => (m.items[1]!.size = -1)],
    ["fractional size", (m) => (m.items[1]!.size = 1.5)],
    ["size as string", (m) => (m.items[1]!.size = "10")],
    ["empty path", (m) => (m.items[0]!.path = "")],
    ["meta is an array", (m) => (m.items[2]!.meta = [])],
    ["meta is null", (m) => (m.items[2]!.meta = null)],
    ["blob not hex", (m) => (m.items[0]!.blobs = ["zz"])],
    ["upper-case blob", (m) => (m.items[0]!.blobs = ["AB".repeat(32)])],
    ["item not an object", (m) => (m.items[0] = "x" as unknown as Record<string, unknown>)],
    ["missing unit", (m) => delete m.unit],
    ["packs not a list", (m) => (m.packs = "x")],
    ["index id short", (m) => (m.indexes = ["ab"])],
    ["items missing", (m) => delete (m as Record<string, unknown>).items],
  ];
  it.each(variants)("accepts exactly what the schema accepts: %s", (_name, mutate) => {
    const m = JSON.parse(JSON.stringify(ok)) as Record<string, unknown> & { items: Record<string, unknown>[] };
    mutate(m);
    const bytes = new TextEncoder().encode(JSON.stringify(m));
    const schemaOk = SnapshotManifest.safeParse(m).success;
    if (schemaOk) expect(decodeManifest("snapshots/x", bytes)).toEqual(m);
    else expect(() => decodeManifest("snapshots/x", bytes)).toThrow(/snapshots\/x: malformed manifest/);
  });
});

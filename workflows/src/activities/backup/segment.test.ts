// runSegment with reads ahead against reads one at a time: a real vault (on the vault's in-memory
// object store) and a scripted provider whose reads finish out of order, fail in every way a
// connector reports, and notice cancellation.
import { randomUUID } from "node:crypto";
import { ConnectorError, type ChangePage, type Change, type ItemContent, type ItemDescriptor, type UnitConnector } from "@holdfast/connectors";
import { initVault, LocalKms, type Vault } from "@holdfast/vault";
import { MemoryObjectStore } from "@holdfast/vault/testing";
import { describe, expect, it } from "vitest";
import { EMPTY_STATS, type UnitProgress } from "../../contracts";
import type { ReadAheadLimits } from "./read-ahead";
import { runSegment, SourceDisconnectedError, type SegmentEnv, type SegmentOutcome } from "./segment";

const KiB = 1024;
const unit = { key: "gmail:u1", kind: "gmail" as const, externalId: "u1", displayName: "u1" };

type Fault = "not_found" | "permission" | "flaky_body_once" | "broken_body" | "disconnected" | "hang";

interface Spec {
  n: number;
  version?: string;
  bytes: number;
  /** Listed size (the descriptor's); default the real one. */
  listed?: number | null;
  delayMs?: number;
  fault?: Fault;
}

const content = (n: number, version: string, bytes: number): Uint8Array => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (n * 31 + version.length * 7 + i) % 253;
  return out;
};

/** A provider with one page per `pages` entry; reads finish after `delayMs`, not in page order. */
class ScriptedProvider implements UnitConnector {
  readonly kind = "gmail" as const;
  inFlight = 0;
  maxInFlight = 0;
  aborted = 0;
  reads = 0;
  readonly #attempts = new Map<string, number>();

  constructor(
    private readonly pages: Change[][],
    private readonly specs: Map<string, Spec>,
    /** The cursor this provider's first page answers to (a later run continues the earlier one's cursors). */
    private readonly base = 0,
  ) {}

  listChanges(_unit: unknown, cursor: string | null): Promise<ChangePage> {
    const at = cursor === null ? 0 : Number(cursor) - this.base;
    const done = at + 1 >= this.pages.length;
    return Promise.resolve({ changes: this.pages[at] ?? [], cursor: String(this.base + at + 1), done, full: cursor === null });
  }

  async readItem(_unit: unknown, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    const spec = this.specs.get(item.externalId);
    if (!spec) throw new Error(`unscripted ${item.externalId}`);
    const attempt = (this.#attempts.get(item.externalId) ?? 0) + 1;
    this.#attempts.set(item.externalId, attempt);
    this.reads++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        const signal = options.signal;
        const onAbort = (): void => {
          clearTimeout(t);
          this.aborted++;
          reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
        };
        const t = spec.fault === "hang" ? undefined : setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, spec.delayMs ?? 1);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener("abort", onAbort, { once: true });
      });
    } finally {
      this.inFlight--;
    }
    if (spec.fault === "not_found") throw new ConnectorError("not_found", `${item.externalId} is gone`);
    if (spec.fault === "permission") throw new ConnectorError("permission_denied", `no access to ${item.externalId}`);
    if (spec.fault === "disconnected") throw new ConnectorError("disconnected", "consent revoked");
    const bytes = content(spec.n, item.version, spec.bytes);
    const fails = spec.fault === "broken_body" || (spec.fault === "flaky_body_once" && attempt === 1);
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += 8 * KiB) {
        await new Promise((r) => setImmediate(r));
        if (fails && at >= 8 * KiB) throw new ConnectorError("transient", "connection reset mid-body");
        yield bytes.slice(at, at + 8 * KiB);
      }
    }
    return { body: body(), contentType: "message/rfc822", ...(spec.listed === null ? {} : { size: bytes.length }) };
  }

  writeItem(): never {
    throw new Error("not a restore test");
  }
}

const descriptor = (s: Spec): ItemDescriptor => ({
  externalId: `m${s.n}`,
  kind: "message",
  path: `/INBOX/m${s.n}`,
  name: `m${s.n}`,
  version: s.version ?? "1",
  hasContent: true,
  metadata: { n: s.n },
  ...(s.listed === null ? {} : { size: s.listed ?? s.bytes }),
});

async function newVault(): Promise<Vault> {
  return (await initVault(new MemoryObjectStore(), { kms: new LocalKms(new Uint8Array(32).fill(3)), retention: { days: 1 }, workers: 0 })).vault;
}

function envFor(vault: Vault, connector: UnitConnector, readAhead: Partial<ReadAheadLimits>, signal?: AbortSignal): SegmentEnv {
  return {
    connector,
    vault,
    unit,
    source: "source-1",
    unitId: "unit-1",
    retainUntil: new Date(Date.now() + 3_600_000),
    now: Date.now,
    newEnumerationId: randomUUID,
    readAhead,
    ...(signal ? { signal } : {}),
  };
}

const start = (): UnitProgress => ({ parent: null, cursor: null, full: true, enumeration: "enum-1", stats: EMPTY_STATS, segments: 0 });

/** What a segment decided, without the ids and counts that differ between any two runs. */
async function decisions(vault: Vault, o: SegmentOutcome) {
  const snap = await vault.readSnapshot(o.vaultSnapshotId);
  const { bytesUploaded: _uploaded, ...stats } = o.stats;
  return {
    versions: o.versions,
    deleted: o.deleted,
    issues: o.issues,
    stats,
    items: snap.items.map((i) => ({ path: i.path, size: i.size, meta: { ...i.meta, seen: i.meta.seen === undefined ? "none" : "set" } })).sort((a, b) => a.path.localeCompare(b.path)),
  };
}

const LIMITS = { reads: 4, maxItemBytes: 32 * KiB, maxBufferedBytes: 64 * KiB };

describe("reading ahead within a segment", () => {
  it("decides a page exactly as reading one item at a time does, however the reads finish, and keeps at most `reads` ahead", async () => {
    const specs: Spec[] = Array.from({ length: 24 }, (_, n) => ({ n, bytes: 2 * KiB + n * 700, delayMs: ((n * 7) % 5) * 6 }));
    Object.assign(specs[3] ?? {}, { fault: "not_found" });
    Object.assign(specs[6] ?? {}, { fault: "permission" });
    Object.assign(specs[9] ?? {}, { fault: "flaky_body_once", bytes: 40 * KiB, listed: null }); // unknown size, larger than one item's buffer
    Object.assign(specs[12] ?? {}, { fault: "broken_body" });
    Object.assign(specs[15] ?? {}, { bytes: 100 * KiB }); // listed above maxItemBytes: read at its turn
    Object.assign(specs[18] ?? {}, { bytes: 30 * KiB, listed: null });
    const byId = new Map(specs.map((s) => [`m${s.n}`, s]));
    const up = (s: Spec): Change => ({ op: "upsert", item: descriptor(s) });
    const firstPages: Change[][] = [
      [...specs.slice(0, 10).map(up), up(specs[2] as Spec)], // a repeat within the page
      specs.slice(10).map(up),
    ];
    // The second run: some items change (read again), one is deleted, the rest are carried.
    const changed = [1, 5, 9, 12, 20].map((n) => ({ ...(specs[n] as Spec), version: "2" }));
    for (const c of changed) byId.set(`m${c.n}`, c);
    const secondPages: Change[][] = [[...changed.map(up), { op: "delete", externalId: "m7" }, ...specs.filter((s) => ![1, 5, 7, 9, 12, 20].includes(s.n)).map(up)]];

    const run = async (readAhead: Partial<ReadAheadLimits>) => {
      const vault = await newVault();
      const firstSpecs = new Map(specs.map((s) => [`m${s.n}`, s]));
      const p1 = new ScriptedProvider(firstPages, firstSpecs);
      const o1 = await runSegment(envFor(vault, p1, readAhead), start(), { maxItems: 1000, maxMs: 60_000 });
      const p2 = new ScriptedProvider(secondPages, byId, firstPages.length);
      const o2 = await runSegment(envFor(vault, p2, readAhead), o1.progress, { maxItems: 1000, maxMs: 60_000 });
      const out = { first: await decisions(vault, o1), second: await decisions(vault, o2), maxInFlight: Math.max(p1.maxInFlight, p2.maxInFlight) };
      await vault.close();
      return out;
    };
    const oneByOne = await run({ reads: 0 });
    const ahead = await run(LIMITS);

    expect(oneByOne.maxInFlight).toBe(1);
    // `reads` ahead, plus the read of an item that had to wait for its turn (m15, listed too large).
    expect(ahead.maxInFlight).toBeGreaterThanOrEqual(4);
    expect(ahead.maxInFlight).toBeLessThanOrEqual(5);
    expect(ahead.first).toEqual(oneByOne.first);
    expect(ahead.second).toEqual(oneByOne.second);
    // And the decisions are the ones expected, not merely equal.
    expect(oneByOne.first.deleted).toEqual(["m3"]);
    expect(oneByOne.first.issues.map((i) => [i.externalId, i.code])).toEqual([
      ["m6", "permission"],
      ["m12", "failed"],
    ]);
    // m2, listed again at the end of the first page, is decided there.
    const firstOrder = [0, 1, 4, 5, 7, 8, 9, 2, ...specs.slice(10).map((s) => s.n).filter((n) => n !== 12)];
    expect(oneByOne.first.versions.map((v) => v.externalId)).toEqual(firstOrder.map((n) => `m${n}`));
    expect(oneByOne.first.versions.find((v) => v.externalId === "m9")?.size).toBe(40 * KiB);
    // m3 is listed again and still gone; m6 and m12 were never stored, so they are read again and fail again.
    expect(oneByOne.second.deleted).toEqual(["m7", "m3"]);
    expect(oneByOne.second.versions.map((v) => v.externalId)).toEqual(["m1", "m5", "m9", "m20"]);
    expect(oneByOne.second.issues.map((i) => i.externalId)).toEqual(["m12", "m6"]);
    expect(oneByOne.second.stats.carried).toBe(21 - 1 - 4); // the 21 stored, less m7 and the 4 read again
  });

  it("a disconnected source fails the segment at that item's turn, cancels the reads under way and commits nothing", async () => {
    const specs: Spec[] = Array.from({ length: 12 }, (_, n) => ({ n, bytes: 4 * KiB, delayMs: 5, ...(n >= 5 ? { fault: "hang" as const } : {}) }));
    Object.assign(specs[4] ?? {}, { fault: "disconnected", delayMs: 30 });
    const provider = new ScriptedProvider([specs.map((s) => ({ op: "upsert", item: descriptor(s) }))], new Map(specs.map((s) => [`m${s.n}`, s])));
    const vault = await newVault();
    await expect(runSegment(envFor(vault, provider, LIMITS), start(), { maxItems: 1000, maxMs: 60_000 })).rejects.toBeInstanceOf(SourceDisconnectedError);
    expect(provider.aborted).toBeGreaterThan(0);
    expect(provider.inFlight).toBe(0);
    expect(await vault.listSnapshotIds()).toEqual([]);
    await vault.close();
  });

  it("an abort from the activity cancels every read under way and fails the segment", async () => {
    const specs: Spec[] = Array.from({ length: 8 }, (_, n) => ({ n, bytes: KiB, ...(n >= 2 ? { fault: "hang" as const } : {}) }));
    const provider = new ScriptedProvider([specs.map((s) => ({ op: "upsert", item: descriptor(s) }))], new Map(specs.map((s) => [`m${s.n}`, s])));
    const vault = await newVault();
    const controller = new AbortController();
    const running = runSegment(envFor(vault, provider, LIMITS, controller.signal), start(), { maxItems: 1000, maxMs: 60_000 });
    const settled = running.catch((e: unknown) => e);
    // Abort once the read-ahead is full of hanging reads (a fixed delay raced a loaded machine).
    // Items 0 and 1 finish; the window then holds 2–5, all hanging: six reads started, four under way.
    for (let waited = 0; provider.reads < 6 || provider.inFlight < 4; waited += 5) {
      if (waited > 10_000) throw new Error(`only ${provider.inFlight} reads ever got under way`);
      await new Promise((r) => setTimeout(r, 5));
    }
    controller.abort(new Error("activity cancelled"));
    await settled;
    await expect(running).rejects.toThrow("activity cancelled");
    expect(provider.inFlight).toBe(0);
    expect(provider.aborted).toBe(4);
    expect(await vault.listSnapshotIds()).toEqual([]);
    await vault.close();
  });
});

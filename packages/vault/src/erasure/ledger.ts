// The erasure ledger (docs/vault-format.md §15): one plaintext object per executed erasure request,
// written under Object Lock, that offline readers (holdfast-restore) honour by leaving the erased
// items out. It names no item: each entry is HMAC(K_erase, [unit, externalId]), which only a holder
// of the vault's master key can compute, and each object carries a MAC under its own key, so an
// intruder with the writer's credentials can neither forge entries nor, by adding a version without
// them, un-erase anything: readers take the union of every version that authenticates.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Labels, hkdf } from "../crypto/hkdf";
import type { VaultKeys } from "../crypto/keys";
import { VaultError } from "../errors";
import type { ObjectStore } from "../store/types";

export const ERASURE_PREFIX = "erasures/";
const FORMAT = "holdfast-erasure-v1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Floor of a ledger object's lock: as long as the audit digests that record the erasure (§14). */
export const ERASURE_MIN_LOCK_DAYS = 7 * 365 + 2;

export interface ErasedItemRef {
  /** The snapshot manifest's `unit` (the catalogue's unit id). */
  unit: string;
  /** The item's `meta.externalId` in the manifests. */
  externalId: string;
}

export interface RecordErasureInput {
  executedAt: Date;
  items: readonly ErasedItemRef[];
}

export interface ErasureRecord {
  requestId: string;
  executedAt: Date;
}

/** A ledger object version that was not used (does not authenticate, other vault, malformed). */
export interface ErasureLedgerProblem {
  key: string;
  versionId: string;
  problem: string;
}

export interface ErasedItems {
  /** The erasure that covers the item, or null; items without a string `meta.externalId` never match. */
  match(unit: string, meta: unknown): ErasureRecord | null;
  /** Every erasure request recorded, oldest first. */
  requests: ErasureRecord[];
  /** Versions ignored; a reader may warn about them. */
  problems: ErasureLedgerProblem[];
}

/** Keys of every erasure ledger object: a snapshot's locks cover them too (§9, §15). */
export async function listErasureKeys(store: ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list(ERASURE_PREFIX)) if (o.key.endsWith(".json")) keys.push(o.key);
  return keys;
}

export function erasureKeyFor(requestId: string): string {
  if (!UUID.test(requestId)) throw new VaultError(`not an erasure request id (lower-case UUID expected): ${JSON.stringify(requestId)}`);
  return `${ERASURE_PREFIX}${requestId}.json`;
}

/** K_erase (entries) and K_erase_mac (the object's MAC), both from the master key (§3.1). */
export class ErasureKeys {
  readonly #entry: Uint8Array;
  readonly #mac: Uint8Array;
  constructor(keys: VaultKeys) {
    this.#entry = hkdf(keys.master, keys.vaultId, Labels.erasure);
    this.#mac = hkdf(keys.master, keys.vaultId, Labels.erasureMac);
  }

  entry(unit: string, externalId: string): string {
    return createHmac("sha256", this.#entry).update(JSON.stringify([unit, externalId]), "utf8").digest("hex");
  }

  mac(payload: string): string {
    return createHmac("sha256", this.#mac).update(payload, "utf8").digest("hex");
  }
}

interface Payload {
  format: typeof FORMAT;
  vaultId: string;
  requestId: string;
  executedAt: string;
  entries: string[];
}

export function buildErasureObject(keys: ErasureKeys, vaultId: string, requestId: string, input: RecordErasureInput): { key: string; body: Uint8Array; entries: string[] } {
  const key = erasureKeyFor(requestId);
  if (!(input.executedAt instanceof Date) || Number.isNaN(input.executedAt.getTime())) throw new VaultError(`erasure ${requestId}: executedAt is not a valid date`);
  if (input.items.length === 0) throw new VaultError(`erasure ${requestId}: no items to record`);
  for (const i of input.items) {
    if (typeof i.unit !== "string" || i.unit === "" || typeof i.externalId !== "string" || i.externalId === "") {
      throw new VaultError(`erasure ${requestId}: every item needs a non-empty unit and externalId`);
    }
  }
  const entries = [...new Set(input.items.map((i) => keys.entry(i.unit, i.externalId)))].sort();
  const payload: Payload = { format: FORMAT, vaultId, requestId, executedAt: input.executedAt.toISOString(), entries };
  const text = JSON.stringify(payload);
  return { key, entries, body: new TextEncoder().encode(JSON.stringify({ payload: text, mac: keys.mac(text) }, null, 2)) };
}

/** The payload of one stored version, or the reason it cannot be used. */
export function openErasureObject(keys: ErasureKeys, vaultId: string, key: string, bytes: Uint8Array): Payload | string {
  let outer: unknown;
  try {
    outer = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return "not JSON";
  }
  const o = outer as { payload?: unknown; mac?: unknown };
  if (typeof o?.payload !== "string" || typeof o.mac !== "string" || !HEX64.test(o.mac)) return "not an erasure ledger object";
  const want = Buffer.from(keys.mac(o.payload), "hex");
  if (!timingSafeEqual(want, Buffer.from(o.mac, "hex"))) return "MAC does not verify (forged, altered or from another vault)";
  const p = JSON.parse(o.payload) as Partial<Payload>;
  if (p.format !== FORMAT) return `unsupported format ${JSON.stringify(p.format)} (this reader understands ${FORMAT})`;
  if (p.vaultId !== vaultId) return `belongs to vault ${String(p.vaultId)}`;
  if (typeof p.requestId !== "string" || `${ERASURE_PREFIX}${p.requestId}.json` !== key) return `names request ${String(p.requestId)}, not its key`;
  if (typeof p.executedAt !== "string" || Number.isNaN(Date.parse(p.executedAt))) return "executedAt is not a date";
  if (!Array.isArray(p.entries) || !p.entries.every((e) => typeof e === "string" && HEX64.test(e))) return "entries malformed";
  return p as Payload;
}

/** Every authentic version of every ledger object (a later version never hides an earlier one). */
export async function readErasureLedger(store: ObjectStore, keys: ErasureKeys, vaultId: string): Promise<{ payloads: Payload[]; problems: ErasureLedgerProblem[] }> {
  const payloads: Payload[] = [];
  const problems: ErasureLedgerProblem[] = [];
  const versions: { key: string; versionId: string }[] = [];
  for await (const v of store.listVersions(ERASURE_PREFIX)) {
    if (v.isDeleteMarker || !v.key.endsWith(".json")) continue;
    versions.push({ key: v.key, versionId: v.versionId });
  }
  for (const v of versions) {
    const bytes = await store.get(v.key, undefined, v.versionId);
    const opened = openErasureObject(keys, vaultId, v.key, bytes);
    if (typeof opened === "string") problems.push({ ...v, problem: opened });
    else payloads.push(opened);
  }
  return { payloads, problems };
}

export function erasedItemsFrom(keys: ErasureKeys, payloads: readonly Payload[], problems: ErasureLedgerProblem[]): ErasedItems {
  const byEntry = new Map<string, ErasureRecord>();
  const byRequest = new Map<string, ErasureRecord>();
  for (const p of payloads) {
    const at = new Date(p.executedAt);
    const prev = byRequest.get(p.requestId);
    const rec = prev && prev.executedAt <= at ? prev : { requestId: p.requestId, executedAt: at };
    byRequest.set(p.requestId, rec);
    for (const e of p.entries) {
      const had = byEntry.get(e);
      if (!had || rec.executedAt < had.executedAt) byEntry.set(e, rec);
    }
  }
  return {
    match(unit, meta) {
      const externalId = (meta as { externalId?: unknown } | null | undefined)?.externalId;
      if (byEntry.size === 0 || typeof externalId !== "string") return null;
      return byEntry.get(keys.entry(unit, externalId)) ?? null;
    },
    requests: [...byRequest.values()].sort((a, b) => a.executedAt.getTime() - b.executedAt.getTime()),
    problems,
  };
}

// Offline verification of a tenant's audit chain against its signed daily digests (issue 7). An
// independent implementation of docs/audit-chain.md ("The canonical text of a row") and of the
// digest format in docs/vault-format.md §14: it trusts nothing but the events file, the public key
// as first written to the bucket (Object Lock keeps that version) and the signatures.
import { createHash, createPublicKey, verify } from "node:crypto";
import { RestoreError } from "./types";

export const GENESIS_HASH = "0".repeat(64);
const DIGEST_FORMAT = "holdfast-audit-digest-v1";
const KEY_FORMAT = "holdfast-audit-signing-key-v1";
const DAY_MS = 86_400_000;

/** One line of the events export (`GET /audit/export`). */
export interface AuditEventLine {
  id?: string;
  tenantId: string;
  seq: number;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  ip: string | null;
  metadataText: string;
  prevHash: string;
  hash: string;
}

/** What the bucket holds under `audit/`: every version of each object, oldest first, as text. */
export interface AuditObjects {
  signingKey: string[];
  digests: { day: string; versions: string[] }[];
}

export interface DayVerdict {
  day: string;
  ok: boolean;
  /** From the digest, when there is one. */
  fromSeq?: number;
  toSeq?: number;
  eventCount?: number;
  problems: string[];
}

export interface AuditVerifyReport {
  ok: boolean;
  tenantId: string | null;
  /** Problems that are not one day's: the key, the events file, the chain. */
  problems: string[];
  days: DayVerdict[];
  eventsChecked: number;
  /** Events newer than the last digest: chained, but no digest vouches for them yet. */
  uncoveredAfterSeq: number | null;
}

const STRING_FIELDS = ["tenantId", "occurredAt", "actorType", "action", "metadataText", "prevHash", "hash"] as const;
const NULLABLE_FIELDS = ["actorId", "targetType", "targetId", "requestId", "ip"] as const;

/** Parses the JSON Lines export; a malformed line is an error naming its line number. */
export function parseEventsJsonl(text: string): AuditEventLine[] {
  const out: AuditEventLine[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new RestoreError(`events file line ${i + 1}: not JSON`);
    }
    const bad = (field: string) => new RestoreError(`events file line ${i + 1}: field "${field}" is missing or has the wrong type`);
    if (typeof v.seq !== "number" || !Number.isSafeInteger(v.seq)) throw bad("seq");
    for (const f of STRING_FIELDS) if (typeof v[f] !== "string") throw bad(f);
    for (const f of NULLABLE_FIELDS) if (v[f] !== null && typeof v[f] !== "string") throw bad(f);
    out.push(v as unknown as AuditEventLine);
  });
  return out;
}

/** docs/audit-chain.md: thirteen fields joined with "\n". */
export function canonicalText(e: AuditEventLine): string {
  return [
    "holdfast-audit-v1",
    e.tenantId,
    String(e.seq),
    e.occurredAt,
    e.actorType,
    e.actorId ?? "",
    e.action,
    e.targetType ?? "",
    e.targetId ?? "",
    e.requestId ?? "",
    e.ip ?? "",
    e.metadataText,
    e.prevHash,
  ].join("\n");
}

export const eventHash = (e: AuditEventLine) => createHash("sha256").update(canonicalText(e), "utf8").digest("hex");

function publicKeyFrom(raw: string) {
  const bytes = Buffer.from(raw, "base64");
  if (bytes.length !== 32) throw new Error("not a 32-byte Ed25519 key");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: bytes.toString("base64url") }, format: "jwk" });
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const nextDay = (day: string) => new Date(new Date(`${day}T00:00:00Z`).getTime() + DAY_MS).toISOString().slice(0, 10);

/** The chain recomputed from seq 1: the first broken link, if any. */
function checkChain(events: readonly AuditEventLine[]): { brokenAt: number | null; problem?: string } {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as AuditEventLine;
    if (e.seq !== i + 1) return { brokenAt: e.seq, problem: `seq ${e.seq}: expected seq ${i + 1} (an event is missing, added or out of order)` };
    if (e.prevHash !== prev) return { brokenAt: e.seq, problem: `seq ${e.seq}: prev_hash does not match the hash of seq ${e.seq - 1} (prev_hash_mismatch)` };
    const h = eventHash(e);
    if (h !== e.hash) return { brokenAt: e.seq, problem: `seq ${e.seq}: its content hashes to ${h}, not its stored hash ${e.hash} (hash_mismatch: the event was altered)` };
    prev = e.hash;
  }
  return { brokenAt: null };
}

/** What the events file says about a day, by the digest's own definitions. */
function expectedForDay(events: readonly AuditEventLine[], day: string) {
  let toSeq = 0;
  let lastHash = GENESIS_HASH;
  let count = 0;
  let fromSeq: number | null = null;
  for (const e of events) {
    const d = e.occurredAt.slice(0, 10);
    if (d <= day && e.seq > toSeq) {
      toSeq = e.seq;
      lastHash = e.hash;
    }
    if (d === day) {
      count += 1;
      if (fromSeq === null || e.seq < fromSeq) fromSeq = e.seq;
    }
  }
  return { fromSeq: fromSeq ?? toSeq + 1, toSeq, eventCount: count, lastHash };
}

export function verifyAudit(objects: AuditObjects, events: readonly AuditEventLine[]): AuditVerifyReport {
  const problems: string[] = [];
  const days: DayVerdict[] = [];

  // The key as first written: a later version (which Object Lock cannot prevent, only keep beside) is suspect.
  const first = objects.signingKey[0];
  const keyDoc = first === undefined ? null : parseJson(first);
  let key: ReturnType<typeof publicKeyFrom> | null = null;
  let publicKey: string | null = null;
  let tenantId: string | null = null;
  if (first === undefined) problems.push("the bucket has no audit/signing-key.json: no digest can be checked");
  else if (!keyDoc || keyDoc.format !== KEY_FORMAT || typeof keyDoc.publicKey !== "string" || typeof keyDoc.tenantId !== "string") {
    problems.push(`audit/signing-key.json is not a ${KEY_FORMAT} document`);
  } else {
    try {
      key = publicKeyFrom(keyDoc.publicKey);
      publicKey = keyDoc.publicKey;
      tenantId = keyDoc.tenantId;
    } catch (e) {
      problems.push(`audit/signing-key.json: the public key is unusable (${(e as Error).message})`);
    }
  }
  if (objects.signingKey.slice(1).some((v) => v !== first)) problems.push("audit/signing-key.json was overwritten after it was first written; the first version is used");

  const otherTenant = events.find((e) => tenantId !== null && e.tenantId !== tenantId);
  if (otherTenant) problems.push(`events file seq ${otherTenant.seq} belongs to tenant ${otherTenant.tenantId}, not the vault's ${tenantId ?? ""}`);
  const chain = checkChain(events);
  if (chain.problem) problems.push(`the chain is broken at ${chain.problem}`);
  const maxSeq = events.at(-1)?.seq ?? 0;

  const sorted = [...objects.digests].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  let lastCovered: number | null = null;
  for (let i = 0; i < sorted.length; i++) {
    const file = sorted[i] as AuditObjects["digests"][number];
    const verdict: DayVerdict = { day: file.day, ok: true, problems: [] };
    const fail = (p: string) => {
      verdict.ok = false;
      verdict.problems.push(p);
    };
    const text = file.versions[0];
    if (file.versions.slice(1).some((v) => v !== text)) fail("the digest was overwritten after it was first written; the first version is checked");
    const signed = text === undefined ? null : parseJson(text);
    if (!signed || typeof signed.payload !== "string" || typeof signed.signature !== "string") fail("not a {payload, signature} document");
    else if (!key) fail("cannot be checked without the signing key");
    else if (!verify(null, Buffer.from(signed.payload, "utf8"), key, Buffer.from(signed.signature, "base64"))) fail("the signature does not verify with the vault's public key (the digest was altered or not signed by this organisation)");
    else {
      const p = parseJson(signed.payload);
      if (!p || p.format !== DIGEST_FORMAT) fail(`the payload is not a ${DIGEST_FORMAT} document`);
      else {
        verdict.fromSeq = Number(p.fromSeq);
        verdict.toSeq = Number(p.toSeq);
        verdict.eventCount = Number(p.eventCount);
        if (p.day !== file.day) fail(`the payload is for day ${String(p.day)}, not the object's ${file.day}`);
        if (p.tenantId !== tenantId) fail(`the payload is for tenant ${String(p.tenantId)}, not the key's ${tenantId ?? ""}`);
        if (p.publicKey !== publicKey) fail("the payload names a different public key than audit/signing-key.json");
        const want = expectedForDay(events, file.day);
        const toSeq = Number(p.toSeq);
        if (toSeq > maxSeq) fail(`the digest covers up to seq ${toSeq} but the events file ends at seq ${maxSeq} (events are missing, or the export is older than this digest)`);
        else if (toSeq !== want.toSeq) fail(`the digest's last seq is ${toSeq}, the events file's last seq before the day ended is ${want.toSeq}`);
        else if (p.lastHash !== want.lastHash) fail(`seq ${toSeq}: its hash in the events file (${want.lastHash}) differs from the signed ${String(p.lastHash)} (the chain was rewritten)`);
        if (p.eventCount !== want.eventCount) fail(`the digest counts ${String(p.eventCount)} events on the day, the events file has ${want.eventCount}`);
        else if (p.fromSeq !== want.fromSeq && toSeq <= maxSeq) fail(`the digest's first seq is ${String(p.fromSeq)}, the events file's is ${want.fromSeq}`);
        if (chain.brokenAt !== null && chain.brokenAt <= toSeq) fail(`the chain is broken at seq ${chain.brokenAt}, inside what this digest vouches for`);
        lastCovered = Math.max(lastCovered ?? 0, toSeq);
      }
    }
    days.push(verdict);
    // A day between two digests with none of its own: removed, or never written.
    const next = sorted[i + 1];
    if (next) for (let d = nextDay(file.day); d < next.day; d = nextDay(d)) days.push({ day: d, ok: false, problems: ["no digest for this day in the bucket"] });
  }
  if (sorted.length === 0 && first !== undefined) problems.push("the bucket has no digests under audit/digests/");
  const ok = problems.length === 0 && days.every((d) => d.ok);
  return { ok, tenantId, problems, days, eventsChecked: events.length, uncoveredAfterSeq: lastCovered !== null && maxSeq > lastCovered ? lastCovered : null };
}

/** The human report: one line per day, then the verdict. */
export function formatAuditReport(r: AuditVerifyReport): string {
  const lines: string[] = [];
  for (const d of r.days) {
    const range = d.toSeq === undefined ? "" : ` seq ${d.fromSeq ?? "?"}..${d.toSeq} (${d.eventCount ?? "?"} events)`;
    if (d.ok) lines.push(`OK    ${d.day}${range}`);
    else for (const p of d.problems) lines.push(`FAIL  ${d.day}${range}: ${p}`);
  }
  for (const p of r.problems) lines.push(`FAIL  ${p}`);
  if (r.uncoveredAfterSeq !== null) lines.push(`note: events after seq ${r.uncoveredAfterSeq} are chained but not yet covered by a digest`);
  lines.push(r.ok ? `audit chain verified: ${r.eventsChecked} events, ${r.days.length} daily digests` : "audit chain verification FAILED (see above)");
  return `${lines.join("\n")}\n`;
}

// Record storage for one org: every record of every emulated sObject, with the audit fields
// replication relies on (SystemModstamp for `updated`, the recycle bin for `deleted` and
// queryAll), and ContentVersion blobs.
import { createHash } from "node:crypto";
import { sha256Hex } from "../data/encoding";
import { recordId } from "./ids";
import { fieldDef, sobjectDef, type SObjectDef } from "./schema";

export interface SfRecord {
  type: string;
  Id: string;
  /** Settable fields only (system fields live below). */
  fields: Record<string, unknown>;
  createdDate: number;
  createdById: string;
  modstamp: number;
  lastModifiedById: string;
  deletedAt?: number;
  /** ContentVersion: the VersionData bytes. */
  blob?: Buffer;
  /** Case: the auto-number. */
  autoNumber?: string;
}

export class FieldError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }
}

/** Salesforce's datetime wire format: 2024-05-01T12:00:00.000+0000. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export class RecordStore {
  private readonly byId = new Map<string, SfRecord>();
  private readonly byType = new Map<string, SfRecord[]>();
  private counter = 0;
  private caseNumber = 0;

  constructor(private readonly orgNumber: number) {}

  newId(def: SObjectDef): string {
    return recordId(def.keyPrefix, this.orgNumber, ++this.counter);
  }

  add(rec: SfRecord): SfRecord {
    if (rec.type === "Case" && !rec.autoNumber) rec.autoNumber = str(++this.caseNumber).padStart(8, "0");
    this.byId.set(rec.Id.slice(0, 15), rec);
    let list = this.byType.get(rec.type);
    if (!list) this.byType.set(rec.type, (list = []));
    list.push(rec);
    return rec;
  }

  /** Live or in the recycle bin; ids match in their 15- or 18-character form. */
  get(id: string): SfRecord | undefined {
    return this.byId.get(id.slice(0, 15));
  }

  all(type: string): SfRecord[] {
    return this.byType.get(type) ?? [];
  }

  live(type: string): SfRecord[] {
    return this.all(type).filter((r) => r.deletedAt === undefined);
  }

  /** Field value as the API shows it, system fields included. */
  value(rec: SfRecord, field: string): unknown {
    switch (field) {
      case "Id":
        return rec.Id;
      case "IsDeleted":
        return rec.deletedAt !== undefined;
      case "CreatedDate":
        return sfDateTime(rec.createdDate);
      case "CreatedById":
        return rec.createdById;
      case "LastModifiedDate":
      case "SystemModstamp":
        return sfDateTime(rec.modstamp);
      case "LastModifiedById":
        return rec.lastModifiedById;
      case "CaseNumber":
        return rec.autoNumber ?? null;
      case "VersionData":
        return rec.blob ? `/services/data/v${API_VERSION}/sobjects/ContentVersion/${rec.Id}/VersionData` : null;
      case "ContentSize":
        return rec.blob?.length ?? null;
      case "Checksum":
        return rec.blob ? createHash("md5").update(rec.blob).digest("hex") : null;
      case "FileExtension": {
        const path = str(rec.fields.PathOnClient ?? "");
        return path.includes(".") ? (path.split(".").pop() ?? null) : null;
      }
      default:
        return rec.fields[field] ?? null;
    }
  }

  /**
   * The ground truth of a record: SHA-256 over its settable fields (sorted, ids of parents
   * included) — or, for a file, over its bytes — so a record restored under a new id hashes the same.
   */
  digest(rec: SfRecord): string {
    if (rec.blob) return sha256Hex(rec.blob);
    const keys = Object.keys(rec.fields).filter((k) => k !== "External_Id__c" || rec.fields[k] !== null).sort();
    return sha256Hex(JSON.stringify(keys.map((k) => [k, rec.fields[k] ?? null])));
  }

  /** Validates and normalizes a create/update body against the describe metadata. */
  checkFields(def: SObjectDef, body: Record<string, unknown>, mode: "create" | "update"): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(body)) {
      if (name === "attributes" || (name === "Id" && mode === "update")) continue;
      const fd = fieldDef(def, name);
      if (!fd) throw new FieldError("INVALID_FIELD", `No such column '${name}' on sobject of type ${def.name}`, [name]);
      if (mode === "create" ? !fd.createable : !fd.updateable) throw new FieldError("INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${fd.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [fd.name]);
      if (fd.type === "reference" && v !== null && v !== undefined && fd.referenceTo?.[0] !== "ContentDocument" && fd.referenceTo?.[0] !== "User") {
        const target = this.get(str(v));
        if (!target || target.deletedAt !== undefined || !fd.referenceTo?.includes(target.type)) throw new FieldError("INVALID_CROSS_REFERENCE_KEY", `invalid cross reference id`, [fd.name]);
        out[fd.name] = target.Id;
        continue;
      }
      if (fd.type === "picklist" && v !== null && fd.picklist && !fd.picklist.includes(str(v))) throw new FieldError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", `${fd.label}: bad value for restricted picklist field: ${str(v)}`, [fd.name]);
      out[fd.name] = v ?? null;
    }
    if (mode === "create") {
      const missing = def.fields.filter((x) => x.createable && !x.nillable && x.name !== "OwnerId" && (out[x.name] === undefined || out[x.name] === null)).map((x) => x.name);
      if (missing.length) throw new FieldError("REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing.join(", ")}]`, missing);
    }
    return out;
  }
}

/** A field value as text (numbers, booleans and strings as such; objects as JSON). */
export function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return `${v}`;
  return JSON.stringify(v);
}

export const API_VERSION = "62.0";

export function requireDef(type: string): SObjectDef {
  const def = sobjectDef(type);
  if (!def) throw new FieldError("NOT_FOUND", "The requested resource does not exist");
  return def;
}

// Record writes shared by the row, upsert and collection endpoints (rest.ts): validation against
// describe metadata, audit fields, and the recycle bin on delete.
import type { SalesforceTenant } from "./org";
import { FieldError, type SfRecord, str } from "./records";
import { fieldDef, type SObjectDef } from "./schema";

export type Body = Record<string, unknown>;

export function bodyObject(body: unknown): Body {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new FieldError("JSON_PARSER_ERROR", "The request body must be a JSON object");
  return body as Body;
}

/** Validates every record first; with allOrNone one failure rolls back (skips) all. */

export function liveRecord(org: SalesforceTenant, def: SObjectDef, id: string): SfRecord {
  const rec = org.records.get(id);
  if (!rec || rec.type !== def.name) throw new FieldError("NOT_FOUND", "The requested resource does not exist");
  if (rec.deletedAt !== undefined) throw new FieldError("ENTITY_IS_DELETED", "entity is deleted");
  return rec;
}

export function byExternalId(org: SalesforceTenant, def: SObjectDef, field: string, value: string): SfRecord[] {
  const fd = fieldDef(def, field);
  if (!fd || !(fd.externalId || fd.name === "Id")) throw new FieldError("NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${field}`);
  if (fd.name === "Id") {
    const r = org.records.get(value);
    return r && r.type === def.name && r.deletedAt === undefined ? [r] : [];
  }
  return org.records.live(def.name).filter((r) => str(r.fields[fd.name] ?? "").toLowerCase() === value.toLowerCase());
}

export function createRecord(org: SalesforceTenant, def: SObjectDef, body: Body, userId: string): SfRecord {
  const fields = org.records.checkFields(def, body, "create");
  const now = Date.now();
  let blob: Buffer | undefined;
  if (def.name === "ContentVersion") {
    blob = Buffer.from(str(fields.VersionData ?? ""), "base64");
    delete fields.VersionData;
    fields.ContentDocumentId ??= `069${org.records.newId(def).slice(3)}`;
    fields.IsLatest = true;
    fields.VersionNumber = "1";
  }
  return org.records.add({ type: def.name, Id: org.records.newId(def), fields: { OwnerId: userId, ...fields }, createdDate: now, modstamp: now, createdById: userId, lastModifiedById: userId, blob });
}

export function updateRecord(org: SalesforceTenant, def: SObjectDef, rec: SfRecord, body: Body, userId: string): void {
  Object.assign(rec.fields, org.records.checkFields(def, body, "update"));
  rec.modstamp = Math.max(Date.now(), rec.modstamp + 1);
  rec.lastModifiedById = userId;
}

export function deleteRecord(_org: SalesforceTenant, rec: SfRecord, userId: string): void {
  rec.deletedAt = Date.now();
  rec.modstamp = Math.max(rec.deletedAt, rec.modstamp + 1);
  rec.lastModifiedById = userId;
}

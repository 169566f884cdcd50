// The Salesforce REST API under <instance_url>/services/data (instance_url = <sandbox>/salesforce).
// URLs in responses are instance-relative (/services/data/…), as Salesforce's are; jsforce joins
// them with its instanceUrl.
//
// Documented behaviour implemented (developer.salesforce.com, REST API Developer Guide):
// - Versions (GET /services/data, no auth), Resources by Version, Limits (DailyApiRequests Max /
//   Remaining), Describe Global, sObject Basic Information, sObject Describe.
// - Query / QueryAll (queryAll includes the recycle bin, IsDeleted = true), paging with
//   nextRecordsUrl and `Sforce-Query-Options: batchSize=` (see query.ts).
// - Get Updated / Get Deleted Records: `start`/`end` ISO 8601, seconds ignored (minute
//   granularity); `start` no more than 30 days ago (INVALID_REPLICATION_DATE); `end` after
//   `start`; answers { ids, latestDateCovered } / { deletedRecords: [{ id, deletedDate }],
//   earliestDateAvailable, latestDateCovered }.
// - sObject Rows (GET ?fields=, PATCH 204, DELETE 204, ENTITY_IS_DELETED for the recycle bin),
//   create (201 { id, success, errors }), upsert by external id or Id (201 created / 200 updated,
//   300 on several matches), GET by external id, Blob retrieve (ContentVersion VersionData).
// - sObject Collections (composite/sobjects): create (POST), update (PATCH), delete (DELETE ?ids=),
//   ≤ 200 records, allOrNone (ALL_OR_NONE_OPERATION_ROLLED_BACK for the others).
// - Every authenticated response carries `Sforce-Limit-Info: api-usage=<used>/<max>`; past the
//   daily allowance: 403 REQUEST_LIMIT_EXCEEDED. Errors are [{ message, errorCode, fields? }].
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { bearer } from "../oauth/server";
import type { SalesforceTenant } from "./org";
import { orgOf } from "./oauth";
import { API_VERSION, FieldError, requireDef, sfDateTime, type SfRecord, str } from "./records";
import { bodyObject, byExternalId, createRecord, deleteRecord, liveRecord, updateRecord, type Body } from "./rows";
import { childRelationships, fieldDef, SOBJECTS, type SObjectDef } from "./schema";

/** An sObject Collections record's type (`attributes.type`), which every record must name. */
function sObjectTypeOf(r: Record<string, unknown>): string {
  const type = (r.attributes as { type?: string } | undefined)?.type;
  if (!type) throw new FieldError("INVALID_FIELD", "No SObject Type defined in JSON");
  return type;
}
export const SF_DATA = "/salesforce/services/data";
const VERSIONS = ["55.0", "56.0", "57.0", "58.0", "59.0", "60.0", "61.0", "62.0"];
const RELEASES: Record<string, string> = { "55.0": "Summer '22", "56.0": "Winter '23", "57.0": "Spring '23", "58.0": "Summer '23", "59.0": "Winter '24", "60.0": "Spring '24", "61.0": "Summer '24", "62.0": "Winter '25" };
const ORG = Symbol("sandbox.salesforceOrg");
type WithOrg = FastifyRequest & { [ORG]?: { org: SalesforceTenant; userId: string } };
const MINUTE = 60_000;
const REPLICATION_DAYS = 30;
const COLLECTION_MAX = 200;

export function statusOf(code: string): number {
  if (code === "NOT_FOUND" || code === "ENTITY_IS_DELETED") return 404;
  if (code === "INVALID_SESSION_ID") return 401;
  if (code === "REQUEST_LIMIT_EXCEEDED" || code === "INSUFFICIENT_ACCESS") return 403;
  if (code === "MULTIPLE_CHOICES") return 300;
  return 400;
}

function caller(req: FastifyRequest): { org: SalesforceTenant; userId: string } {
  const c = (req as WithOrg)[ORG];
  if (!c) throw new FieldError("INVALID_SESSION_ID", "Session expired or invalid");
  return c;
}

function versionOf(req: FastifyRequest): string {
  const v = (req.params as { version: string }).version;
  const n = /^v(\d+\.\d)$/.exec(v)?.[1];
  if (!n || !VERSIONS.includes(n)) throw new FieldError("NOT_FOUND", "The requested resource does not exist");
  return n;
}

function batchSize(req: FastifyRequest): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(str(req.headers["sforce-query-options"] ?? ""));
  return m ? Math.min(2000, Math.max(200, Number(m[1]))) : 2000;
}

function parseWindowDate(raw: string | undefined, name: string): number {
  // A "+" in an unencoded query string arrives as a space.
  const s = (raw ?? "").trim().replace(/ (\d{2}:?\d{2})$/, "+$1");
  const ms = Date.parse(s);
  if (!raw || Number.isNaN(ms)) throw new FieldError("INVALID_REPLICATION_DATE", `${name} date is missing or not an ISO 8601 date-time`);
  return Math.floor(ms / MINUTE) * MINUTE;
}

export function registerSalesforceRest(app: FastifyInstance, ctx: SandboxContext): void {
  // Authentication, the daily allowance and Sforce-Limit-Info, for every versioned resource.
  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    if (!path.startsWith(`${SF_DATA}/`)) return;
    const token = bearer(req, ctx.tokens, "salesforce");
    const org = token ? orgOf(ctx, token.tenantId) : undefined;
    const user = org && token ? org.user(token.subject) : undefined;
    if (!token || !org || !user) return reply.code(401).send([{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
    if (!token.scopes.some((s) => s === "api" || s === "full" || s === "web")) return reply.code(403).send([{ message: "This session is not valid for use with the REST API", errorCode: "API_DISABLED_FOR_ORG" }]);
    const admitted = org.countRequest();
    const { used, max } = org.apiUsage;
    void reply.header("sforce-limit-info", `api-usage=${used}/${max}`);
    if (!admitted) return reply.code(403).send([{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]);
    (req as WithOrg)[ORG] = { org, userId: user.id };
  });

  app.get(SF_DATA, () => VERSIONS.map((v) => ({ label: RELEASES[v], url: `/services/data/v${v}`, version: v })));

  const P = `${SF_DATA}/:version`;
  app.get(P, (req) => {
    const v = versionOf(req);
    const base = `/services/data/v${v}`;
    return { sobjects: `${base}/sobjects`, query: `${base}/query`, queryAll: `${base}/queryAll`, limits: `${base}/limits`, composite: `${base}/composite` };
  });

  app.get(`${P}/limits`, (req) => {
    versionOf(req);
    const { org } = caller(req);
    const { used, max } = org.apiUsage;
    return { DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) }, DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 }, DataStorageMB: { Max: 5120, Remaining: 5000 }, FileStorageMB: { Max: 20_480, Remaining: 20_000 } };
  });

  app.get(`${P}/sobjects`, (req) => {
    const v = versionOf(req);
    return { encoding: "UTF-8", maxBatchSize: COLLECTION_MAX, sobjects: SOBJECTS.map((d) => basicDescribe(d, v)) };
  });

  app.get(`${P}/sobjects/:type`, (req) => {
    const v = versionOf(req);
    const def = requireDef((req.params as { type: string }).type);
    const { org } = caller(req);
    const recent = [...org.records.live(def.name)].sort((a, b) => b.modstamp - a.modstamp).slice(0, 5);
    return { objectDescribe: basicDescribe(def, v), recentItems: recent.map((r) => org.queries.project(r, ["Id", def.fields.some((f) => f.name === "Name") ? "Name" : "Id"].filter((x, i, a) => a.indexOf(x) === i), v)) };
  });

  app.get(`${P}/sobjects/:type/describe`, (req) => {
    const v = versionOf(req);
    const def = requireDef((req.params as { type: string }).type);
    return {
      ...basicDescribe(def, v),
      fields: def.fields.map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        length: f.length ?? 0,
        nillable: f.nillable,
        createable: f.createable,
        updateable: f.updateable,
        custom: f.name.endsWith("__c"),
        externalId: f.externalId ?? false,
        idLookup: f.name === "Id" || (f.externalId ?? false),
        unique: f.name === "Id",
        calculated: false,
        autoNumber: f.name === "CaseNumber",
        defaultedOnCreate: !f.createable || f.name === "OwnerId",
        filterable: f.type !== "textarea" && f.type !== "base64",
        sortable: f.type !== "textarea" && f.type !== "base64",
        referenceTo: f.referenceTo ?? [],
        relationshipName: f.relationshipName ?? null,
        picklistValues: (f.picklist ?? []).map((p, i) => ({ active: true, defaultValue: i === 0 && f.name === "Status", label: p, value: p })),
        soapType: soapType(f.type),
      })),
      childRelationships: childRelationships(def.name),
    };
  });

  app.get(`${P}/sobjects/:type/updated`, (req) => {
    versionOf(req);
    const def = requireDef((req.params as { type: string }).type);
    const { org } = caller(req);
    const { start, end } = replicationWindow(req);
    const ids = org.records.live(def.name).filter((r) => r.modstamp >= start && r.modstamp < end).map((r) => r.Id);
    return { ids, latestDateCovered: sfDateTime(Math.min(end, Math.floor(Date.now() / MINUTE) * MINUTE)) };
  });

  app.get(`${P}/sobjects/:type/deleted`, (req) => {
    versionOf(req);
    const def = requireDef((req.params as { type: string }).type);
    const { org } = caller(req);
    const { start, end } = replicationWindow(req);
    const deletedRecords = org.records
      .all(def.name)
      .filter((r) => r.deletedAt !== undefined && r.deletedAt >= start && r.deletedAt < end)
      .map((r) => ({ id: r.Id, deletedDate: sfDateTime(r.deletedAt ?? 0) }));
    return { deletedRecords, earliestDateAvailable: sfDateTime(Math.floor(org.createdAt / MINUTE) * MINUTE), latestDateCovered: sfDateTime(Math.min(end, Math.floor(Date.now() / MINUTE) * MINUTE)) };
  });

  const query = (all: boolean) => (req: FastifyRequest) => {
    const v = versionOf(req);
    const { org } = caller(req);
    const locator = (req.params as { locator?: string }).locator;
    if (locator) return org.queries.more(locator, batchSize(req), v);
    const q = (req.query as { q?: string }).q;
    if (!q) throw new FieldError("MALFORMED_QUERY", "A query string has to be specified");
    return org.queries.run(q, { all, batchSize: batchSize(req), version: v });
  };
  app.get(`${P}/query`, query(false));
  app.get(`${P}/queryAll`, query(true));
  app.get(`${P}/query/:locator`, query(false));
  app.get(`${P}/queryAll/:locator`, query(true));

  // Rows.
  app.post(`${P}/sobjects/:type`, async (req, reply) => {
    versionOf(req);
    const def = requireDef((req.params as { type: string }).type);
    const { org, userId } = caller(req);
    const rec = createRecord(org, def, bodyObject(req.body), userId);
    return reply.code(201).send({ id: rec.Id, success: true, errors: [] });
  });

  app.get(`${P}/sobjects/:type/:a`, (req) => {
    const v = versionOf(req);
    const { type, a } = req.params as { type: string; a: string };
    const def = requireDef(type);
    const { org } = caller(req);
    const rec = liveRecord(org, def, a);
    const fieldsParam = (req.query as { fields?: string }).fields;
    const fields = fieldsParam ? fieldsParam.split(",").map((f) => (fieldDef(def, f.trim()) ?? badField(def, f)).name) : def.fields.map((f) => f.name);
    return org.queries.project(rec, fields, v);
  });

  app.patch(`${P}/sobjects/:type/:a`, async (req, reply) => {
    versionOf(req);
    const { type, a } = req.params as { type: string; a: string };
    const def = requireDef(type);
    const { org, userId } = caller(req);
    updateRecord(org, def, liveRecord(org, def, a), bodyObject(req.body), userId);
    return reply.code(204).send();
  });

  app.delete(`${P}/sobjects/:type/:a`, async (req, reply) => {
    versionOf(req);
    const { type, a } = req.params as { type: string; a: string };
    const def = requireDef(type);
    const { org, userId } = caller(req);
    deleteRecord(org, liveRecord(org, def, a), userId);
    return reply.code(204).send();
  });

  // GET /sobjects/ContentVersion/{id}/VersionData (blob) or /sobjects/{type}/{externalIdField}/{value}.
  app.get(`${P}/sobjects/:type/:a/:b`, async (req, reply) => {
    const v = versionOf(req);
    const { type, a, b } = req.params as { type: string; a: string; b: string };
    const def = requireDef(type);
    const { org } = caller(req);
    if (def.name === "ContentVersion" && b === "VersionData") {
      const rec = liveRecord(org, def, a);
      return reply.type("application/octet-stream").header("content-length", str(rec.blob?.length ?? 0)).send(rec.blob ?? Buffer.alloc(0));
    }
    const matches = byExternalId(org, def, a, b);
    if (matches.length === 0) throw new FieldError("NOT_FOUND", "The requested resource does not exist");
    if (matches.length > 1) return reply.code(300).send(matches.map((r) => `/services/data/v${v}/sobjects/${def.name}/${r.Id}`));
    return org.queries.project(matches[0] as SfRecord, def.fields.map((f) => f.name), v);
  });

  // Upsert: PATCH /sobjects/{type}/{externalIdField}/{value} (or Id/{id}).
  app.patch(`${P}/sobjects/:type/:a/:b`, async (req, reply) => {
    versionOf(req);
    const { type, a, b } = req.params as { type: string; a: string; b: string };
    const def = requireDef(type);
    const { org, userId } = caller(req);
    const body = bodyObject(req.body);
    const fd = fieldDef(def, a);
    if (!fd || !(fd.externalId || fd.name === "Id")) throw new FieldError("NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${a}`);
    const matches = byExternalId(org, def, fd.name, b);
    if (matches.length > 1) return reply.code(300).send(matches.map((r) => `/services/data/v${API_VERSION}/sobjects/${def.name}/${r.Id}`));
    const existing = matches[0];
    if (existing) {
      updateRecord(org, def, existing, body, userId);
      return reply.code(200).send({ id: existing.Id, success: true, errors: [], created: false });
    }
    if (fd.name === "Id") throw new FieldError("NOT_FOUND", "The requested resource does not exist");
    const rec = createRecord(org, def, { ...body, [fd.name]: b }, userId);
    return reply.code(201).send({ id: rec.Id, success: true, errors: [], created: true });
  });

  // sObject Collections.
  app.post(`${P}/composite/sobjects`, (req) => {
    versionOf(req);
    const { org, userId } = caller(req);
    const { allOrNone, records } = collectionBody(req.body);
    return collection(records, allOrNone, (r) => {
      const type = sObjectTypeOf(r);
      if ("Id" in r && r.Id) throw new FieldError("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"]);
      const def = requireDef(type);
      org.records.checkFields(def, r, "create");
      return () => createRecord(org, def, r, userId).Id;
    });
  });

  app.patch(`${P}/composite/sobjects`, (req) => {
    versionOf(req);
    const { org, userId } = caller(req);
    const { allOrNone, records } = collectionBody(req.body);
    return collection(records, allOrNone, (r) => {
      const type = sObjectTypeOf(r);
      const def = requireDef(type);
      const rec = liveRecord(org, def, str(r.Id ?? ""));
      org.records.checkFields(def, r, "update");
      return () => {
        updateRecord(org, def, rec, r, userId);
        return rec.Id;
      };
    });
  });

  app.delete(`${P}/composite/sobjects`, (req) => {
    versionOf(req);
    const { org, userId } = caller(req);
    const q = req.query as { ids?: string; allOrNone?: string };
    const ids = (q.ids ?? "").split(",").filter(Boolean);
    if (ids.length > COLLECTION_MAX) throw new FieldError("EXCEEDED_ID_LIMIT", `record limit reached. cannot submit more than ${COLLECTION_MAX} records into this call`);
    return collection(
      ids.map((Id) => ({ Id })),
      q.allOrNone === "true",
      (r) => {
        const rec = org.records.get(str(r.Id));
        if (!rec) throw new FieldError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
        if (rec.deletedAt !== undefined) throw new FieldError("ENTITY_IS_DELETED", "entity is deleted");
        return () => {
          deleteRecord(org, rec, userId);
          return rec.Id;
        };
      },
    );
  });

  function replicationWindow(req: FastifyRequest): { start: number; end: number } {
    const q = req.query as { start?: string; end?: string };
    const start = parseWindowDate(q.start, "start");
    const end = parseWindowDate(q.end, "end");
    if (end <= start) throw new FieldError("INVALID_REPLICATION_DATE", "end date must be after start date");
    if (start < Date.now() - REPLICATION_DAYS * 24 * 3600_000) throw new FieldError("INVALID_REPLICATION_DATE", `startDate cannot be more than ${REPLICATION_DAYS} days ago`);
    return { start, end };
  }
}

function collectionBody(body: unknown): { allOrNone: boolean; records: Body[] } {
  const b = bodyObject(body);
  const records = Array.isArray(b.records) ? (b.records as Body[]) : [];
  if (records.length > COLLECTION_MAX) throw new FieldError("EXCEEDED_ID_LIMIT", `record limit reached. cannot submit more than ${COLLECTION_MAX} records into this call`);
  return { allOrNone: b.allOrNone === true, records };
}

function collection(records: Body[], allOrNone: boolean, prepare: (r: Body) => () => string) {
  const prepared = records.map((r) => {
    try {
      return { apply: prepare(r) };
    } catch (err) {
      if (err instanceof FieldError) return { error: err };
      throw err;
    }
  });
  const failed = prepared.some((p) => p.error);
  return prepared.map((p) => {
    if (p.error) return { id: null, success: false, errors: [{ statusCode: p.error.errorCode, message: p.error.message, fields: p.error.fields }] };
    if (allOrNone && failed) return { id: null, success: false, errors: [{ statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", message: "Record rolled back because not all records were valid and the request was using AllOrNone header", fields: [] }] };
    try {
      return { id: p.apply?.() ?? null, success: true, errors: [] };
    } catch (err) {
      if (err instanceof FieldError) return { id: null, success: false, errors: [{ statusCode: err.errorCode, message: err.message, fields: err.fields }] };
      throw err;
    }
  });
}

function badField(def: SObjectDef, f: string): never {
  throw new FieldError("INVALID_FIELD", `No such column '${f}' on sobject of type ${def.name}`);
}

function basicDescribe(d: SObjectDef, v: string) {
  const base = `/services/data/v${v}/sobjects/${d.name}`;
  return {
    name: d.name,
    label: d.label,
    labelPlural: d.labelPlural,
    keyPrefix: d.keyPrefix,
    custom: false,
    queryable: true,
    retrieveable: true,
    replicateable: true,
    searchable: true,
    createable: true,
    updateable: true,
    deletable: true,
    undeletable: d.name !== "ContentVersion",
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

function soapType(t: string): string {
  return { id: "tns:ID", reference: "tns:ID", boolean: "xsd:boolean", currency: "xsd:double", percent: "xsd:double", int: "xsd:int", date: "xsd:date", datetime: "xsd:dateTime", base64: "xsd:base64Binary" }[t] ?? "xsd:string";
}

export function sendSalesforceError(reply: FastifyReply, err: FieldError) {
  return reply.code(statusOf(err.errorCode)).send([{ message: err.message, errorCode: err.errorCode, ...(err.fields.length ? { fields: err.fields } : {}) }]);
}

// A Salesforce customer: an org (id 00D…), its users (user 0 is the System Administrator), its
// records generated from the seed, and the daily API request allowance.
//
// Scale: users × itemsPerUser records in all, split Account 20 %, Contact 40 %, Opportunity 20 %,
// Case 15 %, ContentVersion 5 % (at least one of each). Records are materialized (unlike mail):
// keep Salesforce tenants at ≤ ~200,000 records.
import { sha256Hex } from "../data/encoding";
import { FAMILY_NAMES, GIVEN_NAMES, DOMAIN_WORDS } from "../data/names";
import { chosen, hash32, Rng } from "../data/random";
import { UnknownUnitError, type CreateTenantInput, type MutationInput, type Tenant, type TenantSummary, type TouchedItem } from "../tenants";
import { recordId } from "./ids";
import { QueryEngine } from "./query";
import { RecordStore, type SfRecord, str } from "./records";
import { SOBJECTS, sobjectDef } from "./schema";

export interface SalesforceUser {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  isAdmin: boolean;
}

/** Enterprise Edition's base daily allowance (100,000 requests per 24 h, before per-licence additions). */
export const DEFAULT_DAILY_API_REQUESTS = 100_000;
const DAY_MS = 24 * 3600_000;
const EPOCH = Date.UTC(2025, 0, 1);
const TWO_YEARS = 2 * 365 * 24 * 3600_000;
const UNIT_TYPES = SOBJECTS.map((s) => s.name);
const SHARES: Record<string, number> = { Account: 0.2, Contact: 0.4, Opportunity: 0.2, Case: 0.15, ContentVersion: 0.05 };

/** What an encrypting intruder leaves: opaque bytes, a little longer than the original. */
function encryptLike(original: Buffer, key: string): Buffer {
  return Rng.from("sf-ransom", key).bytes(original.length + 16);
}

export function generateSalesforceDomain(seed: number): string {
  const rng = Rng.from("sf-domain", seed);
  return `${rng.pick(DOMAIN_WORDS)}${rng.pick(DOMAIN_WORDS)}${seed}.my.salesforce.com`;
}

export class SalesforceTenant implements Tenant {
  readonly provider = "salesforce" as const;
  readonly orgId: string;
  readonly users: SalesforceUser[] = [];
  readonly records: RecordStore;
  readonly createdAt = Date.now();
  readonly queries: QueryEngine = new QueryEngine(this);
  dailyApiRequests: number;
  private usage = { windowStart: Date.now(), used: 0 };

  constructor(
    readonly id: string,
    readonly domain: string,
    readonly input: CreateTenantInput,
  ) {
    const orgNumber = hash32("sf-org", input.seed, domain);
    this.orgId = recordId("00D", orgNumber, 0);
    this.records = new RecordStore(orgNumber);
    this.dailyApiRequests = input.dailyApiRequests ?? DEFAULT_DAILY_API_REQUESTS;
    const rng = Rng.from("sf-users", input.seed, domain);
    const emailDomain = domain.replace(/\.my\.salesforce\.com$/, ".example.com");
    for (let i = 0; i < input.users; i++) {
      const firstName = rng.pick(GIVEN_NAMES);
      const lastName = rng.pick(FAMILY_NAMES);
      const local = `${firstName}.${lastName}${i}`.toLowerCase();
      this.users.push({ id: recordId("005", orgNumber, i + 1), username: `${local}@${emailDomain}`, email: `${local}@${emailDomain}`, firstName, lastName, isAdmin: i === 0 });
    }
    this.generate();
  }

  get admin(): SalesforceUser {
    const u = this.users[0];
    if (!u) throw new Error("org has no users");
    return u;
  }

  user(usernameOrId: string): SalesforceUser | undefined {
    const k = usernameOrId.toLowerCase();
    return this.users.find((u) => u.username === k || u.id.toLowerCase() === k || u.id.slice(0, 15).toLowerCase() === k);
  }

  /**
   * Counts one API request against the rolling daily allowance; false when it is spent
   * (REQUEST_LIMIT_EXCEEDED). The window restarts 24 h after its first request.
   */
  countRequest(now = Date.now()): boolean {
    if (now - this.usage.windowStart >= DAY_MS) this.usage = { windowStart: now, used: 0 };
    if (this.usage.used >= this.dailyApiRequests) return false;
    this.usage.used++;
    return true;
  }

  get apiUsage(): { used: number; max: number } {
    return { used: this.usage.used, max: this.dailyApiRequests };
  }

  setLimits(limits: { dailyApiRequests?: number; used?: number }): void {
    if (limits.dailyApiRequests !== undefined) this.dailyApiRequests = limits.dailyApiRequests;
    if (limits.used !== undefined) this.usage = { windowStart: Date.now(), used: limits.used };
  }

  private generate(): void {
    const total = this.input.users * this.input.itemsPerUser;
    const count = (type: string) => (total === 0 ? 0 : Math.max(1, Math.round(total * (SHARES[type] ?? 0))));
    const rng = Rng.from("sf-records", this.input.seed, this.domain);
    const owner = (i: number) => this.users[i % this.users.length]?.id ?? this.admin.id;
    const stamp = () => {
      const created = EPOCH - TWO_YEARS + rng.int(TWO_YEARS);
      return { createdDate: created, modstamp: created + rng.int(30 * DAY_MS) };
    };
    const put = (type: string, i: number, fields: Record<string, unknown>, blob?: Buffer): SfRecord => {
      const def = sobjectDef(type);
      if (!def) throw new Error(type);
      const s = stamp();
      const o = owner(i);
      return this.records.add({ type, Id: this.records.newId(def), fields: { OwnerId: o, ...fields, External_Id__c: type === "ContentVersion" ? undefined : `HF-${type.slice(0, 3).toUpperCase()}-${i}` }, ...s, createdById: o, lastModifiedById: o, blob });
    };
    const accounts: SfRecord[] = [];
    for (let i = 0; i < count("Account"); i++) {
      const name = `${rng.pick(DOMAIN_WORDS)[0]?.toUpperCase() ?? ""}${rng.pick(DOMAIN_WORDS).slice(1)} ${rng.pick(["Labs", "Holdings", "Systems", "Foods", "Logistics", "Partners", "Energy", "Health"])} ${i}`;
      accounts.push(
        put("Account", i, {
          Name: name,
          Type: rng.pick(["Prospect", "Customer - Direct", "Customer - Channel", "Partner"]),
          Industry: rng.pick(["Banking", "Education", "Energy", "Healthcare", "Manufacturing", "Retail", "Technology"]),
          Phone: `+1 555 ${str(100 + rng.int(900))} ${str(1000 + rng.int(9000))}`,
          Website: `https://www.${name.split(" ")[0]?.toLowerCase() ?? "x"}${i}.example.com`,
          BillingCity: rng.pick(["Lisbon", "Oslo", "Austin", "Nairobi", "Osaka", "Lima", "Berlin"]),
          BillingCountry: rng.pick(["PT", "NO", "US", "KE", "JP", "PE", "DE"]),
          AnnualRevenue: 100_000 * (1 + rng.int(5000)),
          NumberOfEmployees: 1 + rng.int(20_000),
          Description: rng.chance(0.5) ? `Account notes for ${name}.` : null,
        }),
      );
    }
    const accountOf = () => rng.pick(accounts).Id;
    const contacts: SfRecord[] = [];
    for (let i = 0; i < count("Contact"); i++) {
      const first = rng.pick(GIVEN_NAMES);
      const last = rng.pick(FAMILY_NAMES);
      contacts.push(put("Contact", i, { AccountId: accountOf(), FirstName: first, LastName: last, Email: `${first}.${last}${i}@example.org`.toLowerCase(), Phone: `+1 555 ${str(1000000 + rng.int(8999999))}`, Title: rng.pick(["CEO", "CFO", "Buyer", "Engineer", "Office Manager"]), Description: null }));
    }
    for (let i = 0; i < count("Opportunity"); i++) {
      const stage = rng.pick(["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]);
      put("Opportunity", i, { AccountId: accountOf(), Name: `Deal ${i} ${rng.pick(["renewal", "expansion", "pilot", "new business"])}`, StageName: stage, Amount: 1000 * (1 + rng.int(500)), CloseDate: new Date(EPOCH - rng.int(TWO_YEARS)).toISOString().slice(0, 10), Probability: stage === "Closed Won" ? 100 : stage === "Closed Lost" ? 0 : 10 * (1 + rng.int(9)), Description: null });
    }
    for (let i = 0; i < count("Case"); i++) {
      const contact = contacts.length ? rng.pick(contacts) : undefined;
      put("Case", i, { AccountId: contact?.fields.AccountId ?? accountOf(), ContactId: contact?.Id ?? null, Subject: rng.pick(["Cannot log in", "Invoice question", "Shipment delayed", "Feature request", "Data export"]) + ` #${i}`, Status: rng.pick(["New", "Working", "Escalated", "Closed"]), Priority: rng.pick(["High", "Medium", "Low"]), Origin: rng.pick(["Email", "Phone", "Web"]), Description: `Customer reported an issue (${i}).` });
    }
    for (let i = 0; i < count("ContentVersion"); i++) {
      const text = rng.chance(0.5);
      const ext = text ? rng.pick(["csv", "txt"]) : rng.pick(["pdf", "png"]);
      const blob = text ? Buffer.from(Array.from({ length: 5 + rng.int(200) }, (_, r) => `${r},${rng.int(1e6)},${rng.pick(GIVEN_NAMES)}\r\n`).join("")) : rng.bytes(512 + rng.int(64 * 1024));
      const doc = recordId("069", hash32(this.orgId), i + 1);
      put("ContentVersion", i, { Title: `Attachment ${i}`, PathOnClient: `attachment-${i}.${ext}`, ContentDocumentId: doc, FirstPublishLocationId: accountOf(), IsLatest: true, VersionNumber: "1", ReasonForChange: null }, blob);
    }
  }

  summary(): TenantSummary {
    return {
      id: this.id,
      provider: this.provider,
      domain: this.domain,
      adminEmail: this.admin.username,
      orgId: this.orgId,
      dailyApiRequests: this.dailyApiRequests,
      units: UNIT_TYPES.map((t) => ({ id: t, kind: "sobject", name: t, items: this.records.live(t).length })),
      users: this.users.map((u) => ({ id: u.id, username: u.username, isAdmin: u.isAdmin })),
    };
  }

  async *manifest(): AsyncGenerator<string> {
    await Promise.resolve();
    yield `{"id":${JSON.stringify(this.id)},"provider":"salesforce","orgId":"${this.orgId}","units":[`;
    for (const [i, type] of UNIT_TYPES.entries()) {
      yield `${i ? "," : ""}{"id":"${type}","kind":"sobject","items":[`;
      let first = true;
      for (const r of this.records.live(type)) {
        const item = { id: r.Id, ...(r.blob ? { contentDocumentId: r.fields.ContentDocumentId, title: r.fields.Title, isLatest: r.fields.IsLatest, size: r.blob.length } : { name: r.fields.Name ?? r.fields.Subject ?? r.fields.LastName, accountId: r.fields.AccountId }), sha256: this.records.digest(r) };
        yield `${first ? "" : ","}${JSON.stringify(item)}`;
        first = false;
      }
      yield "]}";
    }
    yield "]}";
  }

  /**
   * edit: a field change (Account Phone, Contact Title, Opportunity stage/amount, Case status,
   * file → a new version); move: reparented to another Account; delete: to the recycle bin
   * (queryAll / `deleted` see it); ransomware: text fields (or a file's bytes) replaced by
   * ciphertext; create: new records. Selection is hash(seed, kind, id) < fraction.
   */
  mutate(input: MutationInput): Promise<TouchedItem[]> {
    const types = input.units ?? UNIT_TYPES;
    for (const t of types) if (!UNIT_TYPES.includes(t)) throw new UnknownUnitError(t);
    const now = Date.now();
    const touched: TouchedItem[] = [];
    const by = this.admin.id;
    const bump = (r: SfRecord) => {
      r.modstamp = Math.max(now, r.modstamp + 1);
      r.lastModifiedById = by;
    };
    const accounts = this.records.live("Account");
    for (const type of types) {
      const live = this.records.live(type);
      if (input.kind === "create") {
        const n = Math.round(input.fraction * live.length);
        const rng = Rng.from("sf-create", input.seed, type);
        for (let i = 0; i < n; i++) {
          const template = live.length ? rng.pick(live) : undefined;
          if (!template) break;
          const def = sobjectDef(type);
          if (!def) continue;
          const fields: Record<string, unknown> = { ...template.fields, ...(type === "ContentVersion" ? { Title: `New file ${i}`, ContentDocumentId: recordId("069", hash32(this.orgId, "new"), this.records.all(type).length + i + 1) } : { External_Id__c: `HF-NEW-${input.seed}-${type}-${i}` }) };
          if ("Name" in fields && type !== "ContentVersion") fields.Name = `${str(fields.Name)} (new ${i})`;
          if (type === "Contact") fields.LastName = `${str(fields.LastName)}-${i}`;
          const rec = this.records.add({ type, Id: this.records.newId(def), fields, createdDate: now, modstamp: now, createdById: by, lastModifiedById: by, blob: template.blob ? Buffer.concat([template.blob, Buffer.from(`\n${input.seed}-${i}`)]) : undefined });
          touched.push({ unit: type, id: rec.Id, action: "created" });
        }
        continue;
      }
      for (const r of live) {
        if (!chosen(input.fraction, input.seed, input.kind, r.Id)) continue;
        const rng = Rng.from("sf-mutate", input.seed, input.kind, r.Id);
        if (input.kind === "delete") {
          r.deletedAt = now;
          bump(r);
          touched.push({ unit: type, id: r.Id, action: "deleted" });
        } else if (input.kind === "move") {
          if (!("AccountId" in r.fields) || accounts.length < 2) continue;
          const from = r.fields.AccountId;
          const to = accounts.filter((a) => a.Id !== from)[rng.int(accounts.length - 1)]?.Id;
          if (!to) continue;
          r.fields.AccountId = to;
          bump(r);
          touched.push({ unit: type, id: r.Id, action: "moved", from, to });
        } else if (input.kind === "edit" || input.kind === "ransomware") {
          if (r.blob) {
            // Files are immutable: a change is a new ContentVersion of the same document.
            const blob = input.kind === "edit" ? Buffer.concat([r.blob, Buffer.from(`\nedited ${input.seed}`)]) : encryptLike(r.blob, `${input.seed}:${r.Id}`);
            r.fields.IsLatest = false;
            bump(r);
            const def = sobjectDef("ContentVersion");
            if (!def) continue;
            const next = this.records.add({ type, Id: this.records.newId(def), fields: { ...r.fields, IsLatest: true, VersionNumber: str(Number(r.fields.VersionNumber ?? 1) + 1), ReasonForChange: input.kind === "edit" ? "Edited" : null }, createdDate: now, modstamp: now, createdById: by, lastModifiedById: by, blob });
            touched.push({ unit: type, id: r.Id, action: input.kind === "edit" ? "edited" : "encrypted", newVersion: next.Id });
            continue;
          }
          if (input.kind === "edit") {
            const field = { Account: "Phone", Contact: "Title", Opportunity: "Amount", Case: "Status" }[type] ?? "Description";
            const before = r.fields[field];
            r.fields[field] = field === "Amount" ? Number(before ?? 0) + 1000 : field === "Status" ? (before === "Closed" ? "Working" : "Closed") : `${str(before ?? "")} (edited ${input.seed})`;
            bump(r);
            touched.push({ unit: type, id: r.Id, action: "edited", field });
          } else {
            for (const k of ["Name", "Description", "Subject", "FirstName", "LastName", "Title", "Email"]) {
              if (typeof r.fields[k] === "string") r.fields[k] = encryptLike(Buffer.from(str(r.fields[k])), `${input.seed}:${r.Id}:${k}`).toString("base64").slice(0, 40);
            }
            bump(r);
            touched.push({ unit: type, id: r.Id, action: "encrypted" });
          }
        }
      }
    }
    return Promise.resolve(touched);
  }

  /** Salesforce has no change cursors to expire (`updated`/`deleted` are time windows). */
  expireCursors(): string[] {
    return [];
  }

  /** SHA-256 of a blob, for tests. */
  static blobDigest(b: Buffer): string {
    return sha256Hex(b);
  }
}

export function isSalesforceTenant(t: Tenant): t is SalesforceTenant {
  return t instanceof SalesforceTenant;
}

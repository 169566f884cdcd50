// Query execution and cursors (REST API "Query" / "QueryAll" / "Execute a SOQL Query"): results
// come in batches of `Sforce-Query-Options: batchSize=` (200–2,000, default 2,000; the API may
// return fewer), each page pointing at the next with `nextRecordsUrl`
// (/services/data/vXX.X/query/<locator>-<offset>) until `done: true`. A locator is a server-side
// snapshot of the matching ids; it expires after 15 minutes idle (INVALID_QUERY_LOCATOR).
import { randomBytes } from "node:crypto";
import type { SalesforceTenant } from "./org";
import { FieldError, type SfRecord, str } from "./records";
import { fieldDef, sobjectDef } from "./schema";
import { compare, likeMatches, parseSoql, type Condition, type Soql } from "./soql";

interface Cursor {
  soql: Soql;
  ids: string[];
  lastUsed: number;
}

const CURSOR_IDLE_MS = 15 * 60_000;
const MAX_CURSORS = 50;
const COLLATE = new Intl.Collator();

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

export class QueryEngine {
  private readonly cursors = new Map<string, Cursor>();

  constructor(private readonly org: SalesforceTenant) {}

  run(q: string, opts: { all: boolean; batchSize: number; version: string }): QueryPage {
    const soql = parseSoql(q);
    const rows = this.evaluate(soql, opts.all);
    if (soql.count) return { totalSize: rows.length, done: true, records: [] };
    const ids = rows.map((r) => r.Id);
    return this.page(soql, ids, 0, opts.batchSize, opts.version, () => {
      this.sweep();
      const locator = `01g${randomBytes(8).toString("hex").slice(0, 12)}AAA`;
      this.cursors.set(locator, { soql, ids, lastUsed: Date.now() });
      return locator;
    });
  }

  more(locatorAndOffset: string, batchSize: number, version: string): QueryPage {
    const m = /^(01g[0-9A-Za-z]+)-(\d+)$/.exec(locatorAndOffset);
    const cursor = m?.[1] ? this.cursors.get(m[1]) : undefined;
    if (!m?.[1] || !cursor || Date.now() - cursor.lastUsed > CURSOR_IDLE_MS) throw new FieldError("INVALID_QUERY_LOCATOR", "invalid query locator");
    cursor.lastUsed = Date.now();
    const locator = m[1];
    return this.page(cursor.soql, cursor.ids, Number(m[2]), batchSize, version, () => locator);
  }

  private page(soql: Soql, ids: string[], offset: number, batchSize: number, version: string, locator: () => string): QueryPage {
    const slice = ids.slice(offset, offset + batchSize);
    const records = slice.flatMap((id) => {
      const r = this.org.records.get(id);
      return r ? [this.project(r, soql.fields, version)] : [];
    });
    const end = offset + slice.length;
    if (end >= ids.length) return { totalSize: ids.length, done: true, records };
    return { totalSize: ids.length, done: false, nextRecordsUrl: `/services/data/v${version}/query/${locator()}-${end}`, records };
  }

  private evaluate(soql: Soql, all: boolean): SfRecord[] {
    const store = this.org.records;
    const source = all ? store.all(soql.def.name) : store.live(soql.def.name);
    // Sorting is the costly part; the sorted order of the whole object is kept until its records
    // change, and the WHERE filter (order-preserving) runs on it.
    const rows = (soql.orderBy.length ? this.sorted(soql, all, source) : source).filter((r) => !soql.where || this.test(r, soql.where));
    return rows.slice(soql.offset ?? 0, soql.limit === undefined ? undefined : (soql.offset ?? 0) + soql.limit);
  }

  private readonly sortCache = new Map<string, { fingerprint: string; rows: SfRecord[] }>();

  private sorted(soql: Soql, all: boolean, rows: SfRecord[]): SfRecord[] {
    // A parent's field (ORDER BY Account.Name) changes without touching these rows: not cached.
    if (soql.orderBy.some((o) => o.field.includes("."))) return this.sortRows(soql, rows);
    // Any insert, update (its modstamp moves on by at least 1 ms), delete or undelete changes the
    // fingerprint; the sum is kept small enough to stay exact.
    let stamps = 0;
    let deleted = 0;
    for (const r of rows) {
      stamps += r.modstamp % 1_000_000_000;
      if (r.deletedAt !== undefined) deleted++;
    }
    const key = `${soql.def.name}|${all}|${soql.orderBy.map((o) => `${o.field}:${o.desc}:${o.nullsLast}`).join(",")}`;
    const fingerprint = `${rows.length}:${stamps}:${deleted}`;
    const hit = this.sortCache.get(key);
    if (hit?.fingerprint === fingerprint) return hit.rows;
    const out = this.sortRows(soql, rows);
    if (this.sortCache.size >= 32) this.sortCache.clear();
    this.sortCache.set(key, { fingerprint, rows: out });
    return out;
  }

  private sortRows(soql: Soql, rows: SfRecord[]): SfRecord[] {
    {
      // Sort keys are read once per row, not once per comparison: ORDER BY on an org's accounts
      // was most of a query's CPU time (bench/sandbox). COLLATE is localeCompare's default collation.
      const keyed = rows.map((r) => ({ r, keys: soql.orderBy.map((o) => this.fieldValue(r, o.field)) }));
      keyed.sort((a, b) => {
        for (let i = 0; i < soql.orderBy.length; i++) {
          const o = soql.orderBy[i];
          const va = a.keys[i];
          const vb = b.keys[i];
          if (!o || va === vb) continue;
          if (va === null || va === undefined) return o.nullsLast ? 1 : -1;
          if (vb === null || vb === undefined) return o.nullsLast ? -1 : 1;
          const c = typeof va === "number" && typeof vb === "number" ? va - vb : COLLATE.compare(str(va), str(vb));
          if (c) return o.desc ? -c : c;
        }
        return 0;
      });
      return keyed.map((k) => k.r);
    }
  }

  private fieldValue(r: SfRecord, path: string): unknown {
    const [head, tail] = path.split(".");
    if (tail === undefined) return this.org.records.value(r, path);
    const def = sobjectDef(r.type);
    const rel = def?.fields.find((f) => f.relationshipName === head);
    const parent = rel ? this.org.records.get(str(this.org.records.value(r, rel.name) ?? "")) : undefined;
    return parent ? this.org.records.value(parent, tail) : null;
  }

  private test(r: SfRecord, c: Condition): boolean {
    switch (c.kind) {
      case "and":
        return this.test(r, c.left) && this.test(r, c.right);
      case "or":
        return this.test(r, c.left) || this.test(r, c.right);
      case "not":
        return !this.test(r, c.inner);
      case "in": {
        const v = this.fieldValue(r, c.field);
        const fd = fieldDef(sobjectDef(r.type) ?? { name: "", label: "", labelPlural: "", keyPrefix: "", fields: [] }, c.field);
        const hit = c.values.some((lit) => compare(fd, v, lit) === 0);
        return c.not ? !hit : hit;
      }
      case "cmp": {
        const v = this.fieldValue(r, c.field);
        if (c.value === null) return c.op === "=" ? v === null : c.op === "!=" ? v !== null : false;
        if (c.op === "LIKE") return typeof c.value === "string" && likeMatches(v, c.value);
        const def = sobjectDef(r.type);
        const d = compare(def ? fieldDef(def, c.field) : undefined, v, c.value);
        if (d === undefined) return c.op === "!=";
        return { "=": d === 0, "!=": d !== 0, "<": d < 0, ">": d > 0, "<=": d <= 0, ">=": d >= 0 }[c.op];
      }
    }
  }

  /** A record as query results show it: `attributes`, then the selected fields (parents as nested objects). */
  project(r: SfRecord, fields: string[], version: string): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: { type: r.type, url: `/services/data/v${version}/sobjects/${r.type}/${r.Id}` } };
    for (const f of fields) {
      const [head, tail] = f.split(".");
      if (tail === undefined) {
        out[f] = this.org.records.value(r, f);
        continue;
      }
      const def = sobjectDef(r.type);
      const rel = def?.fields.find((x) => x.relationshipName === head);
      const parent = rel ? this.org.records.get(str(this.org.records.value(r, rel.name) ?? "")) : undefined;
      if (!head) continue;
      if (!parent) {
        out[head] = null;
        continue;
      }
      const nested = (out[head] as Record<string, unknown> | undefined) ?? { attributes: { type: parent.type, url: `/services/data/v${version}/sobjects/${parent.type}/${parent.Id}` } };
      nested[tail] = this.org.records.value(parent, tail);
      out[head] = nested;
    }
    return out;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, c] of this.cursors) if (now - c.lastUsed > CURSOR_IDLE_MS) this.cursors.delete(k);
    while (this.cursors.size >= MAX_CURSORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
  }
}

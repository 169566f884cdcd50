// Fill one tenant's catalogue with N item versions in a handful of set-based statements
// (generate_series, no row-by-row inserts), shaped like a real tenant: ~200 units (mailboxes and
// drives), ~40 folders each with most items in a few of them, ~30% of items with 2–6 versions,
// ~5% deleted, names/subjects/senders drawn with a skew from a fixed vocabulary.
import type { DbHandle } from "@holdfast/db";
import { must } from "./measure";
import { FIRST_NAMES, FOLDERS, LAST_NAMES, WORDS } from "./vocabulary";

export interface FillSpec {
  versions: number;
  units: number;
  seed: number;
}

export interface FillInfo {
  tenantId: string;
  sourceId: string;
  units: { id: string; family: "mail" | "files" }[];
  t0: Date;
  /** Snapshots are 8 hours apart (three runs a day); seq ranges span about this many. */
  maxSeq: number;
  items: number;
  versions: number;
  seconds: number;
}

/** Mean versions per content item: 70% have one, 30% have 2–6 (mean 4). */
const MEAN_VERSIONS = 0.7 + 0.3 * 4;
export const RUN_INTERVAL_HOURS = 8;
export const T0 = new Date("2025-01-01T00:00:00Z");
const MAX_FIRST_SEQ = 500;
const MAX_GAP = 100;
export const MAX_SEQ = MAX_FIRST_SEQ + 6 * MAX_GAP;

type Log = (msg: string) => void;

export async function fillCatalogue(owner: DbHandle, spec: FillSpec, log: Log): Promise<FillInfo> {
  const started = performance.now();
  const client = await owner.pool.connect();
  const q = async (label: string, text: string, values: unknown[] = []) => {
    const t = performance.now();
    const r = await client.query(text, values);
    log(`${label}: ${((performance.now() - t) / 1000).toFixed(1)} s${r.rowCount !== null && r.command !== "SELECT" ? ` (${r.rowCount} rows)` : ""}`);
    return r;
  };
  try {
    // A throwaway database: skip FK triggers while loading (the generated rows are consistent by
    // construction) and build indexes once at the end instead of maintaining them per row.
    await client.query("SET session_replication_role = replica");
    await client.query("SET maintenance_work_mem = '1GB'");
    await client.query("SET synchronous_commit = off");
    await client.query("SELECT setseed($1)", [spec.seed]);

    const tenant = await client.query<{ id: string }>("INSERT INTO organizations (name) VALUES ('Catalogue bench tenant') RETURNING id");
    const tenantId = must(tenant.rows[0], "tenant row").id;
    const source = await client.query<{ id: string }>(
      "INSERT INTO sources (tenant_id, provider, display_name) VALUES ($1, 'google', 'bench.example.com') RETURNING id",
      [tenantId],
    );
    const sourceId = must(source.rows[0], "source row").id;
    const people = FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f}.${l}`));
    const unitRows = await client.query<{ id: string; family: "mail" | "files" }>(
      `INSERT INTO units (tenant_id, source_id, kind, external_id, display_name, owner_email, owner_external_id)
       SELECT $1, $2, CASE WHEN u % 2 = 0 THEN 'gmail' ELSE 'drive' END, 'u' || lpad(u::text, 5, '0'),
              ($3::text[])[u % cardinality($3::text[]) + 1] || CASE WHEN u % 2 = 0 THEN ' (mail)' ELSE ' (drive)' END,
              ($3::text[])[u % cardinality($3::text[]) + 1] || '@bench.example.com', 'ext-' || u
         FROM generate_series(0, $4::int - 1) u
       RETURNING id, CASE WHEN kind = 'gmail' THEN 'mail' ELSE 'files' END AS family`,
      [tenantId, sourceId, people, spec.units],
    );
    await q("units", `CREATE UNLOGGED TABLE bench_units AS SELECT (row_number() OVER (ORDER BY external_id) - 1)::int AS u, id, CASE WHEN kind = 'gmail' THEN 'mail' ELSE 'files' END AS family, owner_email FROM units WHERE tenant_id = $1`, [tenantId]);
    await q("folders", `CREATE UNLOGGED TABLE bench_folders AS
      SELECT 'mail' AS family, (o - 1)::int AS f, p AS path FROM unnest($1::text[]) WITH ORDINALITY AS x(p, o)
      UNION ALL SELECT 'files', (o - 1)::int, p FROM unnest($2::text[]) WITH ORDINALITY AS x(p, o)`, [FOLDERS.mail, FOLDERS.files]);

    // Drop what the load would otherwise maintain row by row; remember how to rebuild it.
    const defs = await client.query<{ name: string; def: string; constraint: boolean }>(
      `SELECT i.indexname AS name, i.indexdef AS def, c.conname IS NOT NULL AS constraint
         FROM pg_indexes i LEFT JOIN pg_constraint c ON c.conname = i.indexname
        WHERE i.tablename = 'item_versions' OR (i.tablename = 'items' AND i.indexname <> 'items_pkey')`,
    );
    for (const d of defs.rows) {
      await client.query(d.constraint ? `ALTER TABLE item_versions DROP CONSTRAINT ${d.name}` : `DROP INDEX ${d.name}`);
    }

    const contentItems = Math.max(1, Math.round(spec.versions / MEAN_VERSIONS));
    await q("plan items", `CREATE UNLOGGED TABLE bench_items AS
      SELECT g AS n, gen_random_uuid() AS id, (g % $2::int) AS u,
             floor(40 * power(random(), 2.5))::int AS f,
             CASE WHEN random() < 0.7 THEN 1 ELSE 2 + floor(random() * 5)::int END AS nv,
             random() < 0.05 AS deleted,
             1 + floor(random() * ${MAX_FIRST_SEQ})::int AS s0,
             1 + floor(random() * ${MAX_GAP})::int AS gap,
             floor($3::int * power(random(), 2))::int AS w1, floor($3::int * power(random(), 1.5))::int AS w2,
             floor($3::int * random())::int AS w3, floor($4::int * power(random(), 2))::int AS p,
             random() < 0.3 AS reply, floor(random() * 4)::int AS ext, (1000 + floor(random() * 5000000))::bigint AS size
        FROM generate_series(0, $1::bigint - 1) g`, [contentItems, spec.units, WORDS.length, people.length]);

    // Folders are items too (one version each, from the first snapshot).
    await q("folder items", `INSERT INTO items (tenant_id, unit_id, external_id, kind, first_seen_at)
      SELECT $1, bu.id, 'folder:' || bf.path, 'folder', $2::timestamptz + interval '${RUN_INTERVAL_HOURS} hours'
        FROM bench_units bu JOIN bench_folders bf ON bf.family = bu.family`, [tenantId, T0]);
    await q("folder versions", `INSERT INTO item_versions (tenant_id, item_id, unit_id, kind, version, path, name, parent_path, metadata, captured_at, first_seq)
      SELECT $1, i.id, i.unit_id, 'folder', '1', substr(i.external_id, 8),
             regexp_replace(substr(i.external_id, 8), '^.*/', ''),
             CASE WHEN substr(i.external_id, 8) ~ '^/[^/]*$' THEN '/' ELSE regexp_replace(substr(i.external_id, 8), '/[^/]*$', '') END,
             '{}'::jsonb, $2::timestamptz + interval '${RUN_INTERVAL_HOURS} hours', 1
        FROM items i WHERE i.tenant_id = $1 AND i.kind = 'folder'`, [tenantId, T0]);

    const step = 500_000;
    for (let from = 0; from < contentItems; from += step) {
      const to = Math.min(contentItems, from + step);
      await q(`items ${from}..${to}`, `INSERT INTO items (id, tenant_id, unit_id, external_id, kind, first_seen_at, deleted_at, deleted_seq)
        SELECT i.id, $1, bu.id, 'x' || i.n, CASE bu.family WHEN 'mail' THEN 'message' ELSE 'file' END,
               $2::timestamptz + i.s0 * interval '${RUN_INTERVAL_HOURS} hours',
               CASE WHEN i.deleted THEN $2::timestamptz + (i.s0 + i.nv * i.gap) * interval '${RUN_INTERVAL_HOURS} hours' END,
               CASE WHEN i.deleted THEN i.s0 + i.nv * i.gap END
          FROM bench_items i JOIN bench_units bu ON bu.u = i.u WHERE i.n >= $3 AND i.n < $4`, [tenantId, T0, from, to]);
      await q(`versions ${from}..${to}`, `INSERT INTO item_versions (tenant_id, item_id, unit_id, kind, version, path, name, parent_path, size,
             content_sha256, vault_snapshot_id, vault_path, metadata, modified_at, captured_at, first_seq, superseded_at, last_seq, end_reason)
        SELECT $1, i.id, bu.id, CASE bu.family WHEN 'mail' THEN 'message' ELSE 'file' END, 'v' || k,
               bf.path || '/' || nm.name, nm.name, bf.path, i.size + k * 17,
               md5(i.id::text || k) || md5(k || i.id::text), 'vs-' || i.u || '-' || (i.s0 + (k - 1) * i.gap), 'items/x' || i.n || '/' || k,
               CASE bu.family WHEN 'mail' THEN jsonb_build_object('subject', nm.name, 'from', initcap(replace(($6::text[])[i.p + 1], '.', ' ')) || ' <' || ($6::text[])[i.p + 1] || '@example.com>',
                                                                   'to', jsonb_build_array(bu.owner_email), 'labels', jsonb_build_array(substr(bf.path, 2)))
                              ELSE jsonb_build_object('mimeType', (ARRAY['application/pdf','text/plain','application/vnd.openxmlformats-officedocument.wordprocessingml.document','image/jpeg'])[i.ext + 1],
                                                      'owner', CASE WHEN i.n % 4 = 0 THEN ($6::text[])[i.p + 1] || '@example.com' ELSE bu.owner_email END) END,
               $2::timestamptz + (i.s0 + (k - 1) * i.gap) * interval '${RUN_INTERVAL_HOURS} hours' - interval '3 hours',
               $2::timestamptz + (i.s0 + (k - 1) * i.gap) * interval '${RUN_INTERVAL_HOURS} hours',
               i.s0 + (k - 1) * i.gap,
               CASE WHEN k < i.nv OR i.deleted THEN $2::timestamptz + (i.s0 + k * i.gap) * interval '${RUN_INTERVAL_HOURS} hours' END,
               CASE WHEN k < i.nv OR i.deleted THEN i.s0 + k * i.gap - 1 END,
               CASE WHEN k < i.nv THEN 'changed' WHEN i.deleted THEN 'deleted' END
          FROM bench_items i
          JOIN bench_units bu ON bu.u = i.u
          JOIN bench_folders bf ON bf.family = bu.family AND bf.f = i.f
          CROSS JOIN LATERAL generate_series(1, i.nv) k
          CROSS JOIN LATERAL (SELECT CASE bu.family
                 WHEN 'mail' THEN CASE WHEN i.reply THEN 'Re: ' ELSE '' END || initcap(($5::text[])[i.w1 + 1]) || ' ' || ($5::text[])[i.w2 + 1] || ' ' || ($5::text[])[i.w3 + 1]
                 ELSE ($5::text[])[i.w1 + 1] || '-' || ($5::text[])[i.w2 + 1] || '-' || ($5::text[])[i.w3 + 1]
                      || CASE WHEN k > 1 AND (i.n + k) % 5 = 0 THEN '-v' || k ELSE '' END
                      || (ARRAY['.pdf','.txt','.docx','.jpg'])[i.ext + 1] END AS name) nm
         WHERE i.n >= $3 AND i.n < $4`, [tenantId, T0, from, to, WORDS, people]);
    }
    for (const d of defs.rows) {
      await q(`index ${d.name}`, d.constraint ? `ALTER TABLE item_versions ADD CONSTRAINT ${d.name} PRIMARY KEY (id)` : d.def);
    }
    await q("analyze", "ANALYZE items, item_versions, units");
    await client.query("DROP TABLE bench_items, bench_folders, bench_units");
    const totals = await client.query<{ items: string; versions: string }>("SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM item_versions) AS versions");
    const total = must(totals.rows[0], "totals row");
    return {
      tenantId,
      sourceId,
      units: unitRows.rows,
      t0: T0,
      maxSeq: MAX_SEQ,
      items: Number(total.items),
      versions: Number(total.versions),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    client.release();
  }
}

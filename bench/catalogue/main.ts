// `pnpm bench:catalogue`: fill a throwaway database with one tenant's catalogue (10 M item
// versions by default) and measure browse-as-of and search through the real services, as the
// application role under RLS, against the target p95 ≤ 100 ms.
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { testConfig } from "@holdfast/config";
import { createDb, type DbHandle } from "@holdfast/db";
import { appUrlFor } from "@holdfast/db/migrate";
import { createTestDatabase } from "@holdfast/db/testing";
import { browse, search, type SearchInput, type TenantContext } from "@holdfast/services";
import { fillCatalogue, MAX_SEQ, RUN_INTERVAL_HOURS, T0, type FillInfo } from "./fill";
import { figures, formatTable, must, rng, type Figures } from "./measure";
import { FIRST_NAMES, FOLDERS, LAST_NAMES, WORDS } from "./vocabulary";

const TARGET_MS = 100;
const argv = process.argv.slice(2);
// The scale may also come from the environment, so CI or a quick check can set it once.
// eslint-disable-next-line no-restricted-properties -- a benchmark program, not a package: no config preset applies
const env = process.env;
const { values: args } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    versions: { type: "string", default: env.CATALOGUE_BENCH_VERSIONS ?? "10000000" },
    units: { type: "string", default: env.CATALOGUE_BENCH_UNITS ?? "200" },
    queries: { type: "string", default: env.CATALOGUE_BENCH_QUERIES ?? "400" },
    keep: { type: "boolean", default: env.CATALOGUE_BENCH_KEEP === "1" },
    // Measure again on a database a previous `--keep` run filled (no fill, nothing dropped).
    database: { type: "string", default: env.CATALOGUE_BENCH_DATABASE },
  },
});
const versions = Number(args.versions);
const unitCount = Number(args.units);
const queries = Number(args.queries);
if (!Number.isInteger(versions) || versions < 10_000) throw new Error("--versions (CATALOGUE_BENCH_VERSIONS) must be an integer ≥ 10000");
if (!Number.isInteger(unitCount) || unitCount < 2) throw new Error("--units (CATALOGUE_BENCH_UNITS) must be an integer ≥ 2");
if (!Number.isInteger(queries) || queries < 20) throw new Error("--queries (CATALOGUE_BENCH_QUERIES) must be an integer ≥ 20");

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

type Sample = { ms: number; rows: number };

async function timed(fn: () => Promise<number>): Promise<Sample> {
  const t = performance.now();
  const rows = await fn();
  return { ms: performance.now() - t, rows };
}

async function measure(ctx: TenantContext, fill: FillInfo): Promise<Figures[]> {
  const rand = rng(20261127);
  const pick = <T>(xs: readonly T[], skew = 1): T => must(xs[Math.floor(xs.length * Math.pow(rand(), skew))], "random pick");
  const people = FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f}.${l}`));
  const spanMs = MAX_SEQ * RUN_INTERVAL_HOURS * 3_600_000;
  const randomAsOf = () => (rand() < 0.2 ? undefined : new Date(T0.getTime() + rand() * spanMs));

  const browseCase = () => {
    const unit = pick(fill.units);
    // Users open the big folders more often than the small ones.
    const folders = FOLDERS[unit.family];
    const path = rand() < 0.1 ? "/" : pick(folders, 2);
    return { unitId: unit.id, path, asOf: randomAsOf() };
  };
  const searchCases: [string, () => SearchInput][] = [
    ["search: one word", () => ({ text: pick(WORDS, 2) })],
    ["search: two words", () => ({ text: `${pick(WORDS, 2)} ${pick(WORDS, 1.5)}` })],
    ["search: word prefix", () => ({ text: pick(WORDS, 1.5).slice(0, 4) })],
    ["search: three words (rare)", () => ({ text: `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}` })],
    ["search: word in one unit", () => ({ text: pick(WORDS, 2), unitIds: [pick(fill.units).id] })],
    ["search: sender", () => ({ sender: `${pick(people, 2)}@example.com` })],
    ["search: deleted + word", () => ({ text: pick(WORDS, 2), deletedOnly: true })],
    ["search: word + date range", () => {
      const from = new Date(T0.getTime() + rand() * spanMs * 0.8);
      return { text: pick(WORDS, 2), from, to: new Date(from.getTime() + 30 * 86_400_000) };
    }],
  ];

  // Warm the caches the way a running service would be warm.
  for (let i = 0; i < 20; i++) {
    await browse(ctx, browseCase());
    await search(ctx, must(searchCases[i % searchCases.length], "search case")[1]());
  }
  const browseSamples: Sample[] = [];
  const searchSamples = new Map<string, Sample[]>(searchCases.map(([n]) => [n, []]));
  for (let i = 0; i < queries; i++) {
    const b = browseCase();
    browseSamples.push(await timed(async () => (await browse(ctx, b)).entries.length));
    const [name, make] = must(searchCases[i % searchCases.length], "search case");
    const s = make();
    must(searchSamples.get(name), name).push(await timed(async () => (await search(ctx, s)).items.length));
  }
  const allSearch = [...searchSamples.values()].flat();
  return [
    figures("browse as of (one folder page)", browseSamples),
    figures("search: all shapes", allSearch),
    ...[...searchSamples].map(([n, s]) => figures(`  ${n}`, s)),
  ];
}

async function report(owner: DbHandle, appUrl: string, fill: FillInfo): Promise<void> {
  const sizeRows = await owner.pool.query<{ total: string; tsv: string }>(
    "SELECT pg_size_pretty(pg_total_relation_size('item_versions')) AS total, pg_size_pretty(pg_relation_size('item_versions_search_idx')) AS tsv",
  );
  const size = must(sizeRows.rows[0], "size row");
  log(`${fill.versions.toLocaleString("en")} versions of ${fill.items.toLocaleString("en")} items; item_versions ${size.total} (search index ${size.tsv})`);
  const app = createDb({ url: appUrl, poolMax: 2, applicationName: "holdfast-bench-catalogue" });
  let rows: Figures[];
  try {
    const ctx: TenantContext = { db: app.db, tenantId: fill.tenantId, actor: { type: "system", id: "bench" }, role: "viewer" };
    log(`measuring ${queries} browse and ${queries} search queries`);
    rows = await measure(ctx, fill);
  } finally {
    await app.close();
  }
  const table = formatTable(rows, TARGET_MS);
  const machine = `${cpus().length} vCPU ${cpus()[0]?.model.trim() ?? ""}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`;
  process.stdout.write(`\ncatalogue: ${fill.versions.toLocaleString("en")} item versions, ${fill.items.toLocaleString("en")} items, ${fill.units.length} units, one tenant (${machine})\n${table}\n`);
  const outDir = join(import.meta.dirname, "results");
  await mkdir(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15).toLowerCase();
  const file = join(outDir, `catalogue-${stamp}-${fill.versions}.json`);
  await writeFile(file, `${JSON.stringify({ at: new Date().toISOString(), machine, versions: fill.versions, items: fill.items, units: fill.units.length, fillSeconds: fill.seconds, size, targetMs: TARGET_MS, figures: rows }, null, 2)}\n`);
  log(`wrote ${file}`);
}

/** What a kept database holds: the one tenant fillCatalogue made, its units and counts. */
async function describeFilled(owner: DbHandle): Promise<FillInfo> {
  const tenant = must((await owner.pool.query<{ id: string; source: string }>("SELECT o.id, s.id AS source FROM organizations o JOIN sources s ON s.tenant_id = o.id LIMIT 1")).rows[0], "bench tenant");
  const units = await owner.pool.query<{ id: string; family: "mail" | "files" }>("SELECT id, CASE WHEN kind = 'gmail' THEN 'mail' ELSE 'files' END AS family FROM units ORDER BY external_id");
  const counts = must((await owner.pool.query<{ items: string; versions: string }>("SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM item_versions) AS versions")).rows[0], "counts");
  return { tenantId: tenant.id, sourceId: tenant.source, units: units.rows, t0: T0, maxSeq: MAX_SEQ, items: Number(counts.items), versions: Number(counts.versions), seconds: 0 };
}

async function main(): Promise<void> {
  if (args.database) {
    const u = new URL(testConfig().databaseUrl);
    u.pathname = `/${args.database}`;
    const owner = createDb({ url: u.toString(), poolMax: 1, applicationName: "holdfast-bench-catalogue-owner" });
    try {
      log(`measuring again on the kept database ${args.database}`);
      await report(owner, appUrlFor(u.toString()), await describeFilled(owner));
    } finally {
      await owner.close();
    }
    return;
  }
  log(`creating a throwaway database (${versions.toLocaleString("en")} versions, ${unitCount} units)`);
  const db = await createTestDatabase("catbench");
  let keep = args.keep;
  try {
    const fill = await fillCatalogue(db.owner, { versions, units: unitCount, seed: 0.42 }, log);
    log(`filled in ${fill.seconds.toFixed(0)} s`);
    await report(db.owner, db.appUrl, fill);
  } catch (err) {
    keep = false;
    throw err;
  } finally {
    if (keep) log(`kept database ${db.name}`);
    else await db.drop();
  }
}

await main();

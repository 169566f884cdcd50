// Source onboarding over /api/v1, end to end: the real REST handler on a real Postgres (RLS on),
// the vault on the stack's versitygw, the sandbox in-process as Google and Microsoft, and the real
// Temporal job runner on a Temporal dev server. A script's path exactly: POST /sources → GET the
// authorizeUrl (the sandbox answers the admin's decision) → GET our callback from its redirect.
// No worker runs here: the started backup and the schedule are checked through the Temporal client.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { testConfig } from "@holdfast/config";
import { eq, sources, units } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createSandbox, type Sandbox, type ServiceAccountKeyFile, type TenantSummary } from "@holdfast/sandbox";
import { createApiKey, signUp, syncDiscoveredUnits, systemContext, type Role, type Unit } from "@holdfast/services";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTemporalJobs } from "../jobs/temporal";
import { createTrpcContext } from "../trpc/context";
import { createCaller } from "../trpc/router";
import type { JobsPort } from "../jobs/port";
import { createRestHandler, type RestHandler } from "./handler";
import { memoryLogger } from "./test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const PUBLIC_URL = "http://127.0.0.1:3000";
const API = `${PUBLIC_URL}/api/v1`;
const CALLBACK = `${API}/sources/consent/callback`;

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let sandbox: Sandbox;
let url: string;
let jobs: JobsPort;
let handle: RestHandler;
let logs: () => Record<string, unknown>[];
let tenantId: string;
let ownerUserId: string;
let keys: Record<"owner" | "admin" | "viewer", string>;
let google: TenantSummary & { customerId?: string };
let ms: TenantSummary & { tenantId: string };
let fullKey: ServiceAccountKeyFile;
const taskQueue = `sources-${randomBytes(4).toString("hex")}`;

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

async function call(method: string, path: string, opts: { key?: string; body?: unknown } = {}): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = opts.key ? { authorization: `Bearer ${opts.key}` } : {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await handle(new Request(path.startsWith("http") ? path : `${API}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json };
}

/** The provider's consent page, answered as the admin would: the redirect back to our callback. */
async function consent(authorizeUrl: string, decision: "approve" | "deny"): Promise<string> {
  const res = await fetch(authorizeUrl, { headers: { "x-sandbox-consent": decision }, redirect: "manual" });
  expect(res.status).toBe(302);
  const location = res.headers.get("location") ?? "";
  expect(location.startsWith(CALLBACK)).toBe(true);
  return location;
}

/** Two free consecutive ports: the sandbox serves HTTPS on port + 1, where providersConfig expects Graph. */
async function freePortPair(): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await tryListen(port)) && (await tryListen(port + 1))) return port;
  }
  throw new Error("no two free consecutive ports");
}

async function keyFor(role: Role): Promise<string> {
  const created = await createApiKey({ db: t.app.db, tenantId, actor: { type: "system", id: "test-setup" }, role: "owner" }, { name: `${role} key`, role });
  return created.key;
}

const googleBody = (key: unknown, adminEmail: string, extra: Record<string, unknown> = {}) => ({ provider: "google_workspace", google: { serviceAccountKey: key, adminEmail }, ...extra });

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("sources"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  sandbox = await createSandbox();
  const port = await freePortPair();
  url = await sandbox.listen({ port, httpsPort: port + 1 });
  process.env.HOLDFAST_PROVIDERS = "sandbox";
  process.env.SANDBOX_URL = url;
  google = await control("POST", "/_control/tenants", { provider: "google", seed: 4101, users: 3, itemsPerUser: 2 });
  ms = await control("POST", "/_control/tenants", { provider: "microsoft", seed: 4102, users: 2, itemsPerUser: 2 });
  fullKey = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${google.id}/service-accounts`, {});
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  const mem = memoryLogger();
  logs = mem.lines;
  handle = createRestHandler({ db: t.app.db, jobs, publicUrl: PUBLIC_URL, logger: mem.logger });
  const { organization, userId } = await signUp(t.app.db, { email: `owner-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Onboarding Ltd" });
  tenantId = organization.id;
  ownerUserId = userId;
  keys = { owner: await keyFor("owner"), admin: await keyFor("admin"), viewer: await keyFor("viewer") };
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await sandbox?.close();
  await env?.teardown();
  await t?.drop();
});

describe("the vault comes first", () => {
  it("POST /sources without a vault is 412 naming POST /api/v1/vault", async () => {
    const res = await call("POST", "/sources", { key: keys.admin, body: { provider: "microsoft_365" } });
    expect(res.status).toBe(412);
    expect(res.json.error?.message).toContain("POST /api/v1/vault");
  });

  it("GET /vault says none; POST /vault needs the owner role, answers the recovery key once, and is 409 the second time", async () => {
    expect((await call("GET", "/vault", { key: keys.viewer })).json).toEqual({ provisioned: false });
    expect((await call("POST", "/vault", { key: keys.admin })).status).toBe(403);
    const created = await call("POST", "/vault", { key: keys.owner });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ bucket: expect.any(String) as string, vaultId: expect.any(String) as string, recoveryKey: expect.any(String) as string });
    expect((await call("POST", "/vault", { key: keys.owner })).status).toBe(409);
    const status = await call("GET", "/vault", { key: keys.viewer });
    expect(status.json).toEqual({ provisioned: true, bucket: created.json.bucket, vaultId: created.json.vaultId, createdAt: expect.any(String) as string, credentialsRotatedAt: null });
    expect(JSON.stringify(status.json)).not.toContain(String(created.json.recoveryKey));
  }, 60_000);
});

describe("Google Workspace", () => {
  let sourceId: string;
  let firstJob: string;

  it("POST /sources checks the key, stores it sealed and answers a PKCE consent URL for the admin", async () => {
    const res = await call("POST", "/sources", { key: keys.admin, body: googleBody(fullKey, google.adminEmail, { schedule: { timesPerDay: 4, jitterMinutes: 10, timezone: "Europe/Paris", paused: false } }) });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: "pending_consent", consentExpiresAt: expect.any(String) as string });
    sourceId = String(res.json.id);
    const u = new URL(String(res.json.authorizeUrl));
    expect(`${u.origin}${u.pathname}`).toBe(`${url}/google/o/oauth2/v2/auth`);
    const p = Object.fromEntries(u.searchParams);
    expect(p).toMatchObject({
      client_id: "holdfast-dev.apps.googleusercontent.com",
      redirect_uri: CALLBACK,
      response_type: "code",
      scope: "openid email https://www.googleapis.com/auth/admin.directory.user.readonly",
      login_hint: google.adminEmail,
      hd: google.domain,
      code_challenge_method: "S256",
      prompt: "consent",
    });
    expect(p.state?.startsWith(`${tenantId}.${sourceId}.`)).toBe(true);
    expect(p.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the nonce's hash is stored; the row's credentials are ciphertext.
    const [row] = await t.owner.db.select().from(sources).where(eq(sources.id, sourceId));
    const nonce = p.state?.split(".")[2] ?? "";
    expect(row?.consentStateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.consentStateHash).not.toContain(nonce);
    expect(row?.credentialsEnc).toMatch(/^v1\./);
    expect(row?.credentialsEnc).not.toContain("PRIVATE KEY");
  }, 60_000);

  it("a key without domain-wide delegation is 400 saying so, and nothing is stored", async () => {
    const bare = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${google.id}/service-accounts`, { delegatedScopes: [] });
    const before = await t.owner.db.select({ id: sources.id }).from(sources);
    const res = await call("POST", "/sources", { key: keys.admin, body: googleBody(bare, google.adminEmail) });
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toMatch(/domain-wide delegation/);
    expect(res.json.error?.message).not.toContain("PRIVATE KEY");
    expect(await t.owner.db.select({ id: sources.id }).from(sources)).toHaveLength(before.length);
  }, 60_000);

  it("a key delegated the directory only is 400 naming the backup scope it lacks", async () => {
    const partial = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${google.id}/service-accounts`, { delegatedScopes: ["https://www.googleapis.com/auth/admin.directory.user.readonly"] });
    const res = await call("POST", "/sources", { key: keys.admin, body: googleBody(partial, google.adminEmail) });
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toContain("https://www.googleapis.com/auth/gmail.readonly");
  }, 60_000);

  it("a user who is not an admin, a malformed key and a viewer's key are refused", async () => {
    const user = google.units.find((u) => u.email !== google.adminEmail)?.email ?? "";
    const notAdmin = await call("POST", "/sources", { key: keys.admin, body: googleBody(fullKey, user) });
    expect(notAdmin.status).toBe(400);
    expect(notAdmin.json.error?.message).toContain("super admin");
    const malformed = await call("POST", "/sources", { key: keys.admin, body: googleBody({ ...fullKey, private_key: "nope" }, google.adminEmail) });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error?.message).toContain("private_key");
    const missing = await call("POST", "/sources", { key: keys.admin, body: { provider: "google_workspace" } });
    expect(missing.status).toBe(400);
    expect((await call("POST", "/sources", { key: keys.viewer, body: googleBody(fullKey, google.adminEmail) })).status).toBe(403);
  }, 60_000);

  it("the admin's approval connects the source, schedules it and starts its first backup", async () => {
    const created = await call("POST", `/sources/${sourceId}/consent`, { key: keys.admin });
    expect(created.status).toBe(200);
    const back = await consent(String(created.json.authorizeUrl), "approve");
    const res = await call("GET", back);
    expect(res.status).toBe(200);
    const source = res.json.source as Record<string, unknown>;
    expect(source).toMatchObject({ id: sourceId, provider: "google_workspace", status: "connected", externalAccountId: google.domain, connectedAt: expect.any(String) as string });
    firstJob = String(res.json.firstBackupJobId);

    const wf = await env.client.workflow.getHandle(`backup-source:${sourceId}:first`).describe();
    expect(wf.type).toBe("backupSource");
    expect(wf.taskQueue).toBe(taskQueue);
    expect(wf.status.name).toBe("RUNNING");
    const schedule = await env.client.schedule.getHandle(`backup-schedule:${sourceId}`).describe();
    expect(schedule.spec.timezone).toBe("Europe/Paris");
    expect(schedule.spec.calendars).toHaveLength(4);
    expect(schedule.action).toMatchObject({ type: "startWorkflow", workflowType: "backupSource" });

    // The workflow's persisted input carries ids only.
    const history = await env.client.workflow.getHandle(`backup-source:${sourceId}:first`).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    expect(JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString("utf8"))).toEqual({ tenantId, sourceId, trigger: "on_demand" });

    const got = await call("GET", `/sources/${sourceId}`, { key: keys.viewer });
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ status: "connected", schedule: { timesPerDay: 4, timezone: "Europe/Paris" }, units: { total: 0, protected: 0 }, lastRun: { id: firstJob, status: "running" } });
    expect(Date.parse(String(got.json.nextRunAt))).toBeGreaterThan(Date.now());
    expect(Date.parse(String(got.json.nextRunAt))).toBeLessThanOrEqual(Date.now() + 6 * 3600_000 + 60_000);
  }, 60_000);

  it("the same redirect a second time is 400, as an unknown or a forged state is, without saying which", async () => {
    const again = await call("POST", `/sources/${sourceId}/consent`, { key: keys.admin });
    expect(again.status).toBe(409);
    const other = await call("POST", "/sources", { key: keys.admin, body: googleBody(fullKey, google.adminEmail) });
    const back = await consent(String(other.json.authorizeUrl), "approve");
    expect((await call("GET", back)).status).toBe(200);
    const replay = await call("GET", back);
    expect(replay.status).toBe(400);
    const state = new URL(back).searchParams.get("state") ?? "";
    const [, sid, nonce] = state.split(".");
    const forged = new URL(back);
    forged.searchParams.set("state", `${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}.${sid}.${nonce}`);
    const foreign = await call("GET", forged.toString());
    const garbage = await call("GET", `${CALLBACK}?state=whatever&code=x`);
    expect(foreign.status).toBe(400);
    expect(garbage.status).toBe(400);
    expect(new Set([replay.json.error?.message, foreign.json.error?.message, garbage.json.error?.message]).size).toBe(1);
  }, 60_000);

  it("a declined consent is 400 saying the admin declined; the source stays pending and a new link works", async () => {
    const created = await call("POST", "/sources", { key: keys.admin, body: googleBody(fullKey, google.adminEmail, { autoProtectNewUnits: false }) });
    const id = String(created.json.id);
    const denied = await call("GET", await consent(String(created.json.authorizeUrl), "deny"));
    expect(denied.status).toBe(400);
    expect(denied.json.error?.message).toMatch(/administrator declined/);
    expect((await call("GET", `/sources/${id}`, { key: keys.viewer })).json).toMatchObject({ status: "pending_consent", autoProtectNewUnits: false, lastRun: null, nextRunAt: null });
    const fresh = await call("POST", `/sources/${id}/consent`, { key: keys.admin });
    const ok = await call("GET", await consent(String(fresh.json.authorizeUrl), "approve"));
    expect(ok.status).toBe(200);
    expect((ok.json.source as Record<string, unknown>).status).toBe("connected");
  }, 60_000);

  it("with autoProtectNewUnits off, discovered units start excluded; units page by cursor and PATCH /units includes one", async () => {
    const created = await call("POST", "/sources", { key: keys.admin, body: googleBody(fullKey, google.adminEmail, { autoProtectNewUnits: false }) });
    const id = String(created.json.id);
    await call("GET", await consent(String(created.json.authorizeUrl), "approve"));
    const names = ["Ann", "Bob", "Cid", "Dee", "Eve"];
    await syncDiscoveredUnits(systemContext(t.app.db, tenantId, "test-worker"), {
      sourceId: id,
      units: names.map((n, i) => ({ kind: "gmail" as const, externalId: `u${i}`, displayName: `${n} — gmail`, owner: { externalId: `u${i}`, email: `${n.toLowerCase()}@${google.domain}`, state: "active" as const } })),
    });
    const seen: Unit[] = [];
    let cursor: string | null = null;
    do {
      const page = await call("GET", `/sources/${id}/units?kind=gmail&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: keys.viewer });
      expect(page.status).toBe(200);
      seen.push(...(page.json.items as Unit[]));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    expect(seen.map((u) => u.displayName)).toEqual(names.map((n) => `${n} — gmail`));
    expect(seen.every((u) => u.protection === "excluded" && !u.protected)).toBe(true);
    const first = seen[0];
    if (!first) throw new Error("no unit");
    expect((await call("PATCH", `/units/${first.id}`, { key: keys.viewer, body: { protection: "included" } })).status).toBe(403);
    const included = await call("PATCH", `/units/${first.id}`, { key: keys.admin, body: { protection: "included" } });
    expect(included.json).toMatchObject({ outcome: "applied", result: { id: first.id, protection: "included", protected: true } });
    const prot = await call("GET", `/sources/${id}/units?protected=true`, { key: keys.viewer });
    expect((prot.json.items as Unit[]).map((u) => u.id)).toEqual([first.id]);
    expect((await call("GET", `/sources/${id}`, { key: keys.viewer })).json.units).toEqual({ total: 5, protected: 1 });
  }, 60_000);

  it("consent given by another user of the domain is refused: the id token must name the source's admin", async () => {
    const created = await call("POST", "/sources", { key: keys.admin, body: googleBody(fullKey, google.adminEmail) });
    const other = google.units.find((u) => u.email !== google.adminEmail)?.email ?? "";
    const u = new URL(String(created.json.authorizeUrl));
    u.searchParams.set("login_hint", other);
    const res = await call("GET", await consent(u.toString(), "approve"));
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toContain(`Consent was given by ${other}`);
    expect((await call("GET", `/sources/${String(created.json.id)}`, { key: keys.viewer })).json.status).toBe("pending_consent");
  }, 60_000);

  it("an expired consent link is refused like any other invalid one", async () => {
    const created = await call("POST", "/sources", { key: keys.admin, body: googleBody(fullKey, google.adminEmail) });
    const back = await consent(String(created.json.authorizeUrl), "approve");
    await t.owner.db.update(sources).set({ consentExpiresAt: new Date(Date.now() - 1000) }).where(eq(sources.id, String(created.json.id)));
    const res = await call("GET", back);
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toContain("not valid any more");
  }, 60_000);

  it("PATCH changes the schedule on Temporal too, and is audited; units list and protection work", async () => {
    const patched = await call("PATCH", `/sources/${sourceId}`, { key: keys.admin, body: { displayName: "Main domain", schedule: { timesPerDay: 2, jitterMinutes: 0, timezone: "UTC", paused: true } } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ displayName: "Main domain", schedule: { timesPerDay: 2, paused: true }, nextRunAt: null });
    const schedule = await env.client.schedule.getHandle(`backup-schedule:${sourceId}`).describe();
    expect(schedule.spec.calendars).toHaveLength(2);
    expect(schedule.state.paused).toBe(true);
    expect((await call("PATCH", `/sources/${sourceId}`, { key: keys.viewer, body: { displayName: "x" } })).status).toBe(403);
    expect((await call("PATCH", `/sources/${sourceId}`, { key: keys.admin, body: {} })).status).toBe(400);
    const units = await call("GET", `/sources/${sourceId}/units?protected=true&limit=10`, { key: keys.viewer });
    expect(units).toEqual({ status: 200, json: { items: [], nextCursor: null } });
    expect((await call("GET", `/sources/${sourceId}/units?cursor=nonsense`, { key: keys.viewer })).status).toBe(400);
  }, 60_000);

  it("no response, audit row or log line carries the private key", async () => {
    const pem = fullKey.private_key.split("\n")[1] ?? "";
    expect(pem.length).toBeGreaterThan(20);
    const listed = await call("GET", "/sources", { key: keys.admin });
    expect(listed.status).toBe(200);
    expect((listed.json.items as unknown[]).length).toBeGreaterThanOrEqual(4);
    const audit = await call("GET", "/audit-events?limit=200", { key: keys.admin });
    const actions = (audit.json.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["source.created", "source.consented", "source.consent_failed", "source.updated", "vault.provision"]));
    for (const text of [JSON.stringify(listed.json), JSON.stringify(audit.json), JSON.stringify(logs())]) {
      expect(text).not.toContain(pem);
      expect(text).not.toContain("PRIVATE KEY");
      expect(text).not.toContain("sandbox-dev-secret");
    }
  });
});

describe("Microsoft 365", () => {
  it("admin consent connects the directory with the platform app, without storing its secret", async () => {
    const created = await call("POST", "/sources", { key: keys.admin, body: { provider: "microsoft_365", displayName: "Contoso" } });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    const u = new URL(String(created.json.authorizeUrl));
    expect(`${u.origin}${u.pathname}`).toBe(`${url}/microsoft/organizations/v2.0/adminconsent`);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ client_id: "5a0b1d3e-7c2f-4e6a-9b1d-0d0e5a7c3f21", redirect_uri: CALLBACK, scope: "https://graph.microsoft.com/.default" });

    const back = await consent(u.toString(), "approve");
    expect(new URL(back).searchParams.get("admin_consent")).toBe("True");
    const res = await call("GET", back);
    expect(res.status).toBe(200);
    expect(res.json.source).toMatchObject({ id, provider: "microsoft_365", status: "connected", externalAccountId: ms.tenantId, displayName: "Contoso" });
    const wf = await env.client.workflow.getHandle(`backup-source:${id}:first`).describe();
    expect(wf.status.name).toBe("RUNNING");
    await env.client.schedule.getHandle(`backup-schedule:${id}`).describe();
    const got = await call("GET", `/sources/${id}`, { key: keys.viewer });
    expect(got.json.lastRun).toMatchObject({ id: res.json.firstBackupJobId, status: "running" });
    const [row] = await t.owner.db.select().from(sources).where(eq(sources.id, id));
    expect(row?.credentialsEnc).toMatch(/^v1\./);
  }, 60_000);

  it("a declined consent and a redirect naming a directory that never consented are both 400; the source stays pending", async () => {
    const created = await call("POST", "/sources", { key: keys.admin, body: { provider: "microsoft_365" } });
    const id = String(created.json.id);
    const denied = await call("GET", await consent(String(created.json.authorizeUrl), "deny"));
    expect(denied.status).toBe(400);
    expect(denied.json.error?.message).toMatch(/administrator declined/);

    const fresh = await call("POST", `/sources/${id}/consent`, { key: keys.admin });
    const state = new URL(String(fresh.json.authorizeUrl)).searchParams.get("state") ?? "";
    const forged = `${CALLBACK}?admin_consent=True&tenant=${"1".repeat(8)}-1111-4111-8111-${"1".repeat(12)}&state=${encodeURIComponent(state)}`;
    const res = await call("GET", forged);
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toContain("could not be verified with Microsoft");
    expect((await call("GET", `/sources/${id}`, { key: keys.viewer })).json.status).toBe("pending_consent");
  }, 60_000);
});

describe("another organisation", () => {
  it("gets 404 for this organisation's sources and units, and does not see them listed", async () => {
    const { organization } = await signUp(t.app.db, { email: `b-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Org B" });
    const bKey = (await createApiKey({ db: t.app.db, tenantId: organization.id, actor: { type: "system", id: "test-setup" }, role: "owner" }, { name: "b admin", role: "admin" })).key;
    const mine = (await call("GET", "/sources", { key: keys.admin })).json.items as { id: string }[];
    const target = mine[0]?.id ?? "";
    const [unit] = await t.owner.db.select().from(units).limit(1);
    expect((await call("GET", "/sources", { key: bKey })).json).toEqual({ items: [] });
    expect((await call("GET", `/sources/${target}`, { key: bKey })).status).toBe(404);
    expect((await call("PATCH", `/sources/${target}`, { key: bKey, body: { displayName: "mine now" } })).status).toBe(404);
    expect((await call("POST", `/sources/${target}/consent`, { key: bKey })).status).toBe(404);
    expect((await call("GET", `/sources/${target}/units`, { key: bKey })).status).toBe(404);
    expect((await call("PATCH", `/units/${unit?.id ?? ""}`, { key: bKey, body: { protection: "excluded" } })).status).toBe(404);
    expect((await call("GET", "/vault", { key: bKey })).json).toEqual({ provisioned: false });
  });
});

describe("the console's tRPC router", () => {
  const as = (userId: string, publicUrl?: string) => createCaller(createTrpcContext({ db: t.app.db, userId, requestId: "sources-trpc-test", jobs, ...(publicUrl ? { publicUrl } : {}) }));

  it("lists and reads sources, shows the vault, and creates a source with a consent URL under the console's origin", async () => {
    const api = as(ownerUserId, PUBLIC_URL);
    const list = await api.sources.list({ orgId: tenantId });
    expect(list.length).toBeGreaterThan(0);
    const one = list[0];
    if (!one) throw new Error("no source");
    expect(await api.sources.get({ orgId: tenantId, id: one.id })).toEqual(one);
    expect(await api.sources.vault.status({ orgId: tenantId })).toMatchObject({ provisioned: true });
    await expect(api.sources.vault.provision({ orgId: tenantId })).rejects.toMatchObject({ code: "CONFLICT" });
    const created = await api.sources.create({ orgId: tenantId, source: { provider: "microsoft_365" } });
    expect(created.authorizeUrl).toContain(encodeURIComponent(CALLBACK));
    const again = await api.sources.consentUrl({ orgId: tenantId, id: created.id });
    expect(again.authorizeUrl).not.toBe(created.authorizeUrl);
    const updated = await api.sources.update({ orgId: tenantId, id: created.id, changes: { displayName: "Renamed" } });
    expect(updated.displayName).toBe("Renamed");
    expect(await api.sources.units({ orgId: tenantId, id: created.id })).toEqual({ items: [], nextCursor: null });
  });

  it("a stranger to the organisation gets NOT_FOUND", async () => {
    const { userId } = await signUp(t.app.db, { email: `other-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Other Ltd" });
    await expect(as(userId, PUBLIC_URL).sources.list({ orgId: tenantId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

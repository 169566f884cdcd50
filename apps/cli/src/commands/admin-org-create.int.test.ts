// Runs the real CLI as a subprocess (as an operator would, through tsx) against a fresh database,
// then uses the key it printed against the REST API.
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { createRestHandler, type RestHandler } from "@holdfast/api/rest";
import { createLogger } from "@holdfast/logger";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { eq, users } from "@holdfast/db";
import { verifyCredentials } from "@holdfast/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const CLI_DIR = resolve(import.meta.dirname, "../..");
const TSX = resolve(CLI_DIR, "node_modules/.bin/tsx");
const PASSWORD = "a-long-enough-password";
const JSON_LINE = /^\{"orgId":"[0-9a-f-]{36}","ownerUserId":"[0-9a-f-]{36}","apiKey":"hf_[a-z0-9]{12}_[A-Za-z0-9_-]{43}"\}\n$/;

let t: TestDatabase;
let rest: RestHandler;

function holdfast(args: string[], overrides: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // A clean environment: only what the CLI is documented to need.
  const merged: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.appUrl, HOLDFAST_KEK: process.env.HOLDFAST_KEK, ...overrides };
  const env = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((done) => {
    execFile(
      TSX,
      ["src/holdfast.ts", ...args],
      { cwd: CLI_DIR, env, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function create(name: string, email: string, extra: string[] = [], password = PASSWORD) {
  const res = await holdfast(["admin", "org", "create", "--name", name, "--owner-email", email, "--owner-password", password, "--json", ...extra]);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(JSON_LINE);
  return JSON.parse(res.stdout) as { orgId: string; ownerUserId: string; apiKey: string };
}

async function get(path: string, key: string) {
  const res = await rest(new Request(`http://holdfast.test/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } }));
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const email = (label: string) => `${label}-${randomBytes(3).toString("hex")}@example.test`;

beforeAll(async () => {
  t = await createTestDatabase("cli");
  rest = createRestHandler({ db: t.app.db, logger: createLogger({ level: "silent" }) });
});

afterAll(async () => {
  await t?.drop();
});

describe("holdfast admin org create", () => {
  let acme: { orgId: string; ownerUserId: string; apiKey: string };
  const acmeOwner = email("owner");

  it("creates the owner, the organisation and an owner key that works against /api/v1", async () => {
    acme = await create("Acme", acmeOwner);

    const org = await get(`/organizations/${acme.orgId}`, acme.apiKey);
    expect(org.status).toBe(200);
    expect(org.json).toMatchObject({ id: acme.orgId, name: "Acme", kind: "customer", parentId: null });

    const members = await get("/members", acme.apiKey);
    expect(members.json.items).toEqual([expect.objectContaining({ userId: acme.ownerUserId, email: acmeOwner, role: "owner" })]);

    const keys = await get("/api-keys", acme.apiKey);
    expect(keys.json.items).toEqual([expect.objectContaining({ role: "owner", name: "Owner key (holdfast CLI)" })]);

    const audit = await get("/audit-events?limit=200", acme.apiKey);
    const actions = (audit.json.items as { action: string; actorType: string; actorId: string }[]).map((e) => `${e.action} by ${e.actorType}:${e.actorId}`);
    expect(actions).toEqual(expect.arrayContaining(["organization.created by operator:cli", "member.added by operator:cli", "api_key.created by operator:cli"]));
  });

  it("stores the password with argon2id, so the owner can sign in", async () => {
    const [row] = await t.app.db.select().from(users).where(eq(users.id, acme.ownerUserId));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    const signedIn = await verifyCredentials(t.app.db, { email: acmeOwner, password: PASSWORD });
    expect(signedIn.id).toBe(acme.ownerUserId);
  });

  it("reuses an existing user when the password matches, and refuses when it does not", async () => {
    const second = await create("Acme Labs", acmeOwner);
    expect(second.ownerUserId).toBe(acme.ownerUserId);
    expect(second.orgId).not.toBe(acme.orgId);

    const wrong = await holdfast(["admin", "org", "create", "--name", "Hijack", "--owner-email", acmeOwner.toUpperCase(), "--owner-password", "not-the-right-password", "--json"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr).toContain(`A user with email ${acmeOwner} already exists and the password given is not theirs`);
  });

  it("creates a partner and a child that only the partner's key can see", async () => {
    const msp = await create("MSP", email("msp"), ["--partner"]);
    expect((await get(`/organizations/${msp.orgId}`, msp.apiKey)).json).toMatchObject({ kind: "partner" });

    const child = await create("MSP customer", email("child"), ["--parent", msp.orgId]);
    expect((await get(`/organizations/${child.orgId}`, msp.apiKey)).json).toMatchObject({ id: child.orgId, parentId: msp.orgId });
    expect((await get(`/organizations/${acme.orgId}`, msp.apiKey)).status).toBe(404);
    expect((await get(`/organizations/${msp.orgId}`, child.apiKey)).status).toBe(404);
  });

  it("refuses a parent that is missing or not a partner", async () => {
    const base = ["admin", "org", "create", "--name", "Orphan", "--owner-email", email("orphan"), "--owner-password", PASSWORD];
    const notPartner = await holdfast([...base, "--parent", acme.orgId]);
    expect(notPartner.code).toBe(1);
    expect(notPartner.stderr).toContain("is not a partner organisation");
    const missing = await holdfast([...base, "--parent", randomUUID()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Parent organisation [0-9a-f-]+ not found/);
  });

  it("prints a human-readable summary without --json", async () => {
    const res = await holdfast(["admin", "org", "create", "--name", "Readable", "--owner-email", email("readable"), "--owner-password", PASSWORD]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Created customer organisation "Readable" \([0-9a-f-]{36}\)\./);
    expect(res.stdout).toMatch(/Owner API key — shown once, store it now:\n {2}hf_[a-z0-9]{12}_\S{43}\n/);
  });

  it("fails with exit code 1 and a clear message when the database is unreachable", async () => {
    const res = await holdfast(["admin", "org", "create", "--name", "X", "--owner-email", email("x"), "--owner-password", PASSWORD], { DATABASE_URL: "postgres://holdfast@127.0.0.1:1/none" });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: Cannot reach the database at DATABASE_URL: /);
  });

  it("fails with exit code 1 naming DATABASE_URL when it is not set", async () => {
    const res = await holdfast(["admin", "org", "create", "--name", "X", "--owner-email", email("x"), "--owner-password", PASSWORD], { DATABASE_URL: undefined });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("error: Invalid database configuration: DATABASE_URL is not set\n");
  });
});

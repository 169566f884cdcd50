// The console's consent links (ADR 0011, addendum): the state carries a `.console` mark that the
// callback's answer depends on, so the mark is bound into the stored hash. Neither adding nor
// stripping it in transit may yield a state the callback accepts. No provider is contacted: an
// unknown state is refused before, and a declined consent right after, the state is consumed.
import { randomBytes } from "node:crypto";
import { eq, sources, tenantVaults, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeSourceConsent, createSource, requestSourceConsent, signUp, type ConsentCallbackOptions, type TenantContext } from "../index";
import { stateHash } from "./consent-state";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
process.env.HOLDFAST_PROVIDERS = "sandbox";
// Never reached: every callback below is refused or declined before a provider is asked anything.
process.env.SANDBOX_URL = "http://127.0.0.1:9";

const PUBLIC_URL = "https://console.example.test";
let t: TestDatabase;
let ctx: TenantContext;

const noJobs: ConsentCallbackOptions["jobs"] = {
  upsertSourceSchedule: () => Promise.reject(new Error("no job may start in this test")),
  startBackup: () => Promise.reject(new Error("no job may start in this test")),
};
const callbackOpts: ConsentCallbackOptions = { publicUrl: PUBLIC_URL, jobs: noJobs, backupWorkflowId: (id, key) => `backup-source:${id}:${key}` };

const stateOf = (authorizeUrl: string) => new URL(authorizeUrl).searchParams.get("state") ?? "";

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code?: string }).code ?? "?", message: (err as Error).message };
  }
  throw new Error("expected a refusal");
}

async function storedHash(id: string): Promise<string | null> {
  const [row] = await withTenant(t.app.db, ctx.tenantId, (tx) => tx.select({ h: sources.consentStateHash }).from(sources).where(eq(sources.id, id)));
  return row?.h ?? null;
}

beforeAll(async () => {
  t = await createTestDatabase("consent_origin");
  const { organization, userId } = await signUp(t.app.db, { email: `owner-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Origin Ltd" });
  ctx = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  // A vault row stands for a provisioned vault (onboarding only checks that there is one).
  const sealed = `v1.${randomBytes(8).toString("hex")}`;
  await withTenant(t.app.db, ctx.tenantId, (tx) => tx.insert(tenantVaults).values({ tenantId: ctx.tenantId, bucket: `hf-test-${randomBytes(4).toString("hex")}`, vaultId: "00", writerEnc: sealed, readerEnc: sealed, gcEnc: sealed, kmsKeyId: "local:test" }));
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

describe("consent links asked for by the console", () => {
  it("carry the console's mark, bound into the stored hash; stripped, the state is unknown and stays unspent", async () => {
    const created = await createSource(ctx, { provider: "microsoft_365" }, { publicUrl: PUBLIC_URL, origin: "console" });
    const state = stateOf(created.authorizeUrl);
    expect(state).toMatch(/^[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}\.console$/);
    const nonce = state.split(".")[2] ?? "";
    expect(await storedHash(created.id)).toBe(stateHash({ nonce, origin: "console" }));

    const stripped = await refusal(completeSourceConsent(t.app.db, { state: state.replace(/\.console$/, ""), error: "access_denied" }, callbackOpts));
    expect(stripped.code).toBe("VALIDATION");
    expect(stripped.message).toMatch(/not valid any more/);
    expect(await storedHash(created.id)).not.toBeNull();

    // The intact state is the one the callback consumes (declined here, so nothing connects).
    const declined = await refusal(completeSourceConsent(t.app.db, { state, error: "access_denied" }, callbackOpts));
    expect(declined.message).toMatch(/declined/);
    expect(await storedHash(created.id)).toBeNull();
  });

  it("an API caller's link has no mark, and adding one makes it unknown", async () => {
    const created = await createSource(ctx, { provider: "microsoft_365" }, { publicUrl: PUBLIC_URL });
    const state = stateOf(created.authorizeUrl);
    expect(state.endsWith(".console")).toBe(false);
    const marked = await refusal(completeSourceConsent(t.app.db, { state: `${state}.console`, error: "access_denied" }, callbackOpts));
    expect(marked.message).toMatch(/not valid any more/);
    expect(await storedHash(created.id)).not.toBeNull();

    // A fresh link for the console replaces the API's: the old one stops working.
    const fresh = await requestSourceConsent(ctx, created.id, { publicUrl: PUBLIC_URL, origin: "console" });
    expect(stateOf(fresh.authorizeUrl).endsWith(".console")).toBe(true);
    expect((await refusal(completeSourceConsent(t.app.db, { state, error: "access_denied" }, callbackOpts))).message).toMatch(/not valid any more/);
  });
});

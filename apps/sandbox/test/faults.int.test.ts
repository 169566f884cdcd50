// Fault injection through the official Graph client: dropped connections (before the response,
// after the headers, after N body bytes) reach the client as network errors — not HTTP
// statuses — and the retry succeeds; rules aimed at a tenant or a user hit only that target; and
// dropped requests give back their Graph mailbox concurrency slot.
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminConsent, appToken, createMicrosoftTenant, graphClient, registerMsApp, sandboxAgent } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let other: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let client: Client;
let otherClient: Client;
let upn: string;

async function outcome(p: Promise<unknown>): Promise<"ok" | "network" | "truncated" | number> {
  try {
    await p;
    return "ok";
  } catch (e) {
    // The client wraps a failed fetch in a GraphError with statusCode -1 (no HTTP status).
    // A body cut after the headers fails while parsing: a GraphError that carries the 200.
    if (e instanceof GraphError) return e.statusCode === -1 ? "network" : e.statusCode >= 200 && e.statusCode < 300 ? "truncated" : e.statusCode;
    throw e;
  }
}
async function addRule(rule: Record<string, unknown>): Promise<string> {
  const res = await h.control<{ rules: { id: string }[] }>("POST", "/_control/faults", { provider: "microsoft", ...rule });
  expect(res.status).toBe(201);
  return res.body.rules[0]?.id ?? "";
}
async function injected(id: string): Promise<number | undefined> {
  return (await h.control<{ rules: { id: string; injected: number }[] }>("GET", "/_control/faults")).body.rules.find((r) => r.id === id)?.injected;
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 81, users: 3, itemsPerUser: 30 });
  other = await createMicrosoftTenant(h, { seed: 82, users: 1, itemsPerUser: 10 });
  upn = tenant.adminEmail;
  const app = await registerMsApp(h);
  await adminConsent(h, tenant.tenantId, app);
  await adminConsent(h, other.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
  otherClient = graphClient(h, await appToken(h, other.tenantId, app));
});
afterEach(async () => {
  await h.control("DELETE", "/_control/faults");
});
afterAll(() => h.close());

describe("dropped connections", () => {
  it.each([
    ["request", "network"],
    ["headers", "network"],
    [{ afterBytes: 200 }, "truncated"],
  ])("drop %j fails the Graph client's call (%s), and the retry succeeds", async (drop, expected) => {
    const id = await addRule({ path: "/microsoft/graph/v1.0/users/*/mailFolders/inbox/messages", drop, times: 1 });
    const path = `/users/${upn}/mailFolders/inbox/messages`;
    expect(await outcome(client.api(path).top(5).get())).toBe(expected);
    expect(await injected(id)).toBe(1);
    const retry = (await client.api(path).top(5).get()) as { value: unknown[] };
    expect(retry.value).toHaveLength(5);
  });

  it("cuts a body after N bytes: the client sees a truncated response, never the whole one", async () => {
    await addRule({ path: "/microsoft/graph/v1.0/users/*/messages/*/$value", drop: { afterBytes: 64 }, times: 1 });
    const list = (await client.api(`/users/${upn}/messages`).top(1).get()) as { value: { id: string }[] };
    const mid = list.value[0]?.id ?? "";
    const res = await fetch(`${h.sandbox.httpsUrl}/microsoft/graph/v1.0/users/${upn}/messages/${mid}/$value`, {
      headers: { authorization: `Bearer ${await appTokenFor()}` },
      dispatcher: sandboxAgent(h),
    });
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it("gives back the mailbox concurrency slot of dropped requests", async () => {
    await addRule({ path: "/microsoft/graph/v1.0/users/*/mailFolders", drop: "headers", times: 6 });
    for (let i = 0; i < 6; i++) expect(await outcome(client.api(`/users/${upn}/mailFolders`).get())).toBe("network");
    // Graph allows 4 concurrent requests per app and mailbox: leaked slots would answer 429.
    await new Promise((r) => setTimeout(r, 50));
    expect(await outcome(client.api(`/users/${upn}/mailFolders`).get())).toBe("ok");
  });
});

describe("fault targeting", () => {
  it("hits only the named tenant (by id, domain or directory id)", async () => {
    for (const name of [other.id, other.domain, other.tenantId]) {
      const id = await addRule({ status: 500, tenant: name });
      expect(await outcome(client.api(`/users/${upn}/mailFolders`).get())).toBe("ok");
      expect(await outcome(otherClient.api(`/users/${other.adminEmail}/mailFolders`).get())).toBe(500);
      expect(await injected(id)).toBe(1);
      await h.control("DELETE", "/_control/faults");
    }
  });

  it("hits only the named user, by principal name or object id", async () => {
    const target = tenant.units[1];
    if (!target?.email) throw new Error("no second user");
    const email = target.email;
    await addRule({ status: 500, user: email.toUpperCase(), path: "/microsoft/graph/v1.0/**" });
    expect(await outcome(client.api(`/users/${upn}/mailFolders`).get())).toBe("ok");
    expect(await outcome(client.api(`/users/${email}/mailFolders`).get())).toBe(500);
    expect(await outcome(client.api(`/users/${target.id}/mailFolders`).get())).toBe(500);
    await h.control("DELETE", "/_control/faults");
    await addRule({ drop: "headers", user: target.id, times: 1 });
    expect(await outcome(client.api(`/users/${upn}/mailFolders`).get())).toBe("ok");
    expect(await outcome(client.api(`/users/${email}/mailFolders`).get())).toBe("network");
  });

  it("rejects a rule that both drops and answers a status", async () => {
    const res = await h.control("POST", "/_control/faults", { drop: "headers", status: 503 });
    expect(res.status).toBe(400);
  });
});

let cachedToken: string | undefined;
async function appTokenFor(): Promise<string> {
  if (!cachedToken) {
    const app = await registerMsApp(h);
    await adminConsent(h, tenant.tenantId, app);
    cachedToken = await appToken(h, tenant.tenantId, app);
  }
  return cachedToken;
}

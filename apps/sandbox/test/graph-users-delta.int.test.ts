// Graph users/delta through the official client: a paged first round (nextLink → deltaLink,
// $select kept), then users added and removed through the control API come back as new users and
// `@removed` entries ("changed" for a deletion, "deleted" for a permanent one).
import { RetryHandlerOptions, type Client, type GraphError } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface DeltaUser {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  mail?: string;
  "@removed"?: { reason: string };
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let client: Client;

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 64, users: 5, itemsPerUser: 10 });
  const app = await registerMsApp(h, ["User.Read.All"]);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
});
afterAll(() => h.close());

const round = (first: string, pageSize = 2) => collectPages<DeltaUser>(client, first, (r) => r.header("Prefer", `odata.maxpagesize=${pageSize}`));

describe("users delta", () => {
  it("pages the first round, then reports users added and removed since", async () => {
    const first = await round("/users/delta?$select=displayName,userPrincipalName");
    expect(first.pages).toEqual([2, 2, 1]);
    expect(first.items.map((u) => u.id).sort()).toEqual(tenant.units.map((u) => u.id).sort());
    expect(first.items.every((u) => u.displayName && u.userPrincipalName && !("mail" in u))).toBe(true);
    const deltaLink = String(first.last["@odata.deltaLink"]);
    expect(deltaLink).toContain("/users/delta?$deltatoken=");

    const quiet = await round(deltaLink);
    expect(quiet.items).toEqual([]);

    const added = (await h.control<{ id: string; userPrincipalName: string }>("POST", `/_control/tenants/${tenant.id}/users`, { givenName: "Nadia", surname: "Okafor" })).body;
    expect(added.userPrincipalName).toBe(`nadia.okafor@${tenant.domain}`);
    const leaver = tenant.units[2]?.id ?? "";
    const purged = tenant.units[3]?.id ?? "";
    expect((await h.control("DELETE", `/_control/tenants/${tenant.id}/users/${leaver}`)).status).toBe(204);
    expect((await h.control("DELETE", `/_control/tenants/${tenant.id}/users/${purged}?permanent=true`)).status).toBe(204);

    const changes = await round(String(quiet.last["@odata.deltaLink"]));
    expect(changes.items).toEqual([
      { id: added.id, displayName: "Nadia Okafor", userPrincipalName: added.userPrincipalName },
      { id: leaver, "@removed": { reason: "changed" } },
      { id: purged, "@removed": { reason: "deleted" } },
    ]);
    // The directory itself agrees: the new user is readable, the removed ones are gone.
    expect(((await client.api(`/users/${added.id}`).get()) as DeltaUser).userPrincipalName).toBe(added.userPrincipalName);
    const gone = await client
      .api(`/users/${leaver}`)
      .middlewareOptions([new RetryHandlerOptions(0, 0)])
      .get()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((gone as GraphError).statusCode).toBe(404);
    const all = await collectPages<DeltaUser>(client, "/users");
    expect(all.items.map((u) => u.id)).toContain(added.id);
    expect(all.items.map((u) => u.id)).not.toContain(leaver);
    // A fresh first round sees today's directory.
    const again = await round("/users/delta", 10);
    expect(again.items.map((u) => u.id).sort()).toEqual(all.items.map((u) => u.id).sort());
  });

  it("refuses to remove the Global Administrator or an unknown user, and bad names", async () => {
    expect((await h.control("DELETE", `/_control/tenants/${tenant.id}/users/${tenant.adminEmail}`)).status).toBe(400);
    expect((await h.control("DELETE", `/_control/tenants/${tenant.id}/users/nobody@${tenant.domain}`)).status).toBe(404);
    expect((await h.control("POST", `/_control/tenants/${tenant.id}/users`, { givenName: "<script>" })).status).toBe(400);
  });

  it("answers 400 for a token that is not one of this tenant's", async () => {
    const other = await createMicrosoftTenant(h, { seed: 65, users: 2, itemsPerUser: 5 });
    const app = await registerMsApp(h, ["User.Read.All"]);
    await adminConsent(h, other.tenantId, app);
    const otherClient = graphClient(h, await appToken(h, other.tenantId, app));
    const foreign = String((await collectPages<DeltaUser>(otherClient, "/users/delta")).last["@odata.deltaLink"]);
    for (const link of [foreign, "/users/delta?$deltatoken=garbage"]) {
      const err = await client
        .api(link)
        .middlewareOptions([new RetryHandlerOptions(0, 0)])
        .get()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((err as GraphError).statusCode).toBe(400);
    }
  });

  it("needs User.Read.All", async () => {
    const mailOnly = await registerMsApp(h, ["Mail.Read"]);
    await adminConsent(h, tenant.tenantId, mailOnly);
    const other = graphClient(h, await appToken(h, tenant.tenantId, mailOnly));
    const err = await other
      .api("/users/delta")
      .middlewareOptions([new RetryHandlerOptions(0, 0)])
      .get()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as GraphError).statusCode).toBe(403);
  });
});

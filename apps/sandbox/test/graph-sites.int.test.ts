// SharePoint sites through the official Graph client: the root site, path addressing, search,
// the document library as a drive (root/delta, content byte for byte against the manifest) and
// the Sites.Read.All permission check, and SharePoint resource-unit throttling per app.
import { createHash } from "node:crypto";
import { GraphError, RetryHandlerOptions, type Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface Site {
  id: string;
  name: string;
  displayName: string;
  webUrl: string;
  root?: object;
  siteCollection: { hostname: string };
}
interface Manifest {
  sites: { id: string; webUrl: string; drive: { id: string; items: { id: string; size: number; sha256: string }[] } }[];
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let client: Client;
let filesOnly: Client;

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 91, users: 2, itemsPerUser: 24 });
  const app = await registerMsApp(h, ["User.Read.All", "Sites.Read.All"]);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
  const mailApp = await registerMsApp(h, ["Mail.Read"]);
  await adminConsent(h, tenant.tenantId, mailApp);
  filesOnly = graphClient(h, await appToken(h, tenant.tenantId, mailApp));
});
afterAll(() => h.close());

describe("SharePoint sites", () => {
  it("finds sites by id, path and search", async () => {
    const root = (await client.api("/sites/root").get()) as Site;
    expect(root.root).toEqual({});
    const hostname = root.siteCollection.hostname;
    expect(hostname).toBe(`${tenant.domain.split(".")[0]}.sharepoint.com`);
    const byPath = (await client.api(`/sites/${hostname}:/sites/projects`).get()) as Site;
    expect(byPath).toMatchObject({ displayName: "Projects", webUrl: `https://${hostname}/sites/projects` });
    expect(((await client.api(`/sites/${byPath.id}`).get()) as Site).id).toBe(byPath.id);
    const search = (await client.api("/sites").query({ search: "finan" }).get()) as { value: Site[] };
    expect(search.value.map((s) => s.name)).toEqual(["finance"]);
    const all = (await client.api("/sites").query({ search: "*" }).get()) as { value: Site[] };
    expect(all.value).toHaveLength(3);
    const missing = (await client.api(`/sites/${hostname}:/sites/nope`).get().catch((e: unknown) => e)) as unknown;
    expect(missing instanceof GraphError && missing.statusCode).toBe(404);
  });

  it("serves the document library through the drive API, byte for byte", async () => {
    const site = (await client.api("/sites/root").get()) as Site;
    const drives = (await client.api(`/sites/${site.id}/drives`).get()) as { value: { id: string; driveType: string }[] };
    expect(drives.value).toHaveLength(1);
    const drive = drives.value[0];
    expect(drive?.driveType).toBe("documentLibrary");
    const manifest = (await h.control<Manifest>("GET", `/_control/tenants/${tenant.id}/manifest`)).body;
    const truth = manifest.sites.find((s) => s.id === site.id)?.drive;
    expect(truth?.id).toBe(drive?.id);
    const { items } = await collectPages<{ id: string; file?: object }>(client, `/drives/${drive?.id}/root/delta`, (r) => r.header("Prefer", "odata.maxpagesize=3"));
    expect(items.filter((i) => i.file).map((i) => i.id).sort()).toEqual(truth?.items.map((i) => i.id).sort());
    const first = truth?.items[0];
    const chunks: Buffer[] = [];
    for await (const c of (await client.api(`/sites/${site.id}/drive/items/${first?.id}/content`).getStream()) as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(first?.size);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(first?.sha256);
    // A user's OneDrive is a different drive (Sites.Read.All reaches it too, as in Graph).
    const personal = (await client.api(`/users/${tenant.adminEmail}/drive`).get()) as { id: string; driveType: string };
    expect(personal.driveType).toBe("business");
    expect(personal.id).not.toBe(drive?.id);
  });

  it("needs Sites.Read.All", async () => {
    const denied = (await filesOnly.api("/sites/root").get().catch((e: unknown) => e)) as unknown;
    expect(denied instanceof GraphError && denied.statusCode).toBe(403);
  });

  it("throttles an app past its resource units per minute with 429 activityLimitReached + Retry-After", async () => {
    const defaults = await h.control<{ resourceUnitsPerMinute: number; windowSeconds: number }>("GET", `/_control/tenants/${tenant.id}/throttling/sharepoint`);
    expect(defaults.body).toEqual({ resourceUnitsPerMinute: 1_200, windowSeconds: 60 });
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling/sharepoint`, { resourceUnitsPerMinute: 5 });
    const noRetry = new RetryHandlerOptions(0, 0);
    const site = (await client.api("/sites/root").middlewareOptions([noRetry]).get()) as Site; // 1
    await client.api(`/sites/${site.id}/drives`).middlewareOptions([noRetry]).get(); // 2 (a collection)
    await client.api(`/sites/${site.id}/drive/root/children`).middlewareOptions([noRetry]).get(); // 2
    const raw = (await client.api("/sites/root").middlewareOptions([noRetry]).responseType("raw" as never).get()) as Response;
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(30);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe("activityLimitReached");
    // Another app has its own budget.
    const other = await registerMsApp(h, ["Sites.Read.All"]);
    await adminConsent(h, tenant.tenantId, other);
    const otherClient = graphClient(h, await appToken(h, tenant.tenantId, other));
    expect(((await otherClient.api("/sites/root").middlewareOptions([noRetry]).get()) as Site).id).toBe(site.id);
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling/sharepoint`, {});
    expect(((await client.api("/sites/root").middlewareOptions([noRetry]).get()) as Site).id).toBe(site.id);
  });
});

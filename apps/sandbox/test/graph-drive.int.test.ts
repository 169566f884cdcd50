// OneDrive through the official Graph client: the drive, root/delta paging and change rounds
// after mutations (changed items, deleted tombstones), content download through the
// pre-authenticated redirect checked against the manifest's SHA-256, and 410 resync.
import { createHash } from "node:crypto";
import { GraphError, RetryHandlerOptions, type Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TouchedItem } from "../src/index";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, delegatedToken, graphClient, registerMsApp, sandboxAgent, type MsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface DriveItem {
  id: string;
  name?: string;
  size?: number;
  file?: { hashes?: { sha256Hash: string } };
  folder?: { childCount: number };
  root?: object;
  deleted?: { state: string };
  "@microsoft.graph.downloadUrl"?: string;
}
interface Manifest {
  units: { email: string; drive: { id: string; items: { id: string; path: string; size: number; sha256: string; version: number }[] } }[];
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let app: MsApp;
let client: Client;
let upn: string;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function driveTruth(): Promise<Manifest["units"][number]["drive"]> {
  const m = (await h.control<Manifest>("GET", `/_control/tenants/${tenant.id}/manifest`)).body;
  const d = m.units.find((u) => u.email === upn)?.drive;
  if (!d) throw new Error("no drive in the manifest");
  return d;
}
async function download(path: string): Promise<Buffer> {
  const stream = (await client.api(path).getStream()) as AsyncIterable<Uint8Array>;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 61, users: 2, itemsPerUser: 60 });
  upn = tenant.adminEmail;
  app = await registerMsApp(h);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
});
afterAll(() => h.close());

describe("OneDrive", () => {
  it("enumerates the drive with root/delta and serves content byte for byte", async () => {
    const drive = (await client.api(`/users/${upn}/drive`).get()) as { id: string; driveType: string };
    const truth = await driveTruth();
    expect(drive).toMatchObject({ id: truth.id, driveType: "business" });
    const { items, pages, last } = await collectPages<DriveItem>(client, `/drives/${drive.id}/root/delta`, (r) => r.header("Prefer", "odata.maxpagesize=4"));
    expect(pages.slice(0, -1).every((n) => n === 4)).toBe(true);
    expect(typeof last["@odata.deltaLink"]).toBe("string");
    expect(items[0]?.root).toEqual({});
    const files = items.filter((i) => i.file);
    expect(files.map((f) => f.id).sort()).toEqual(truth.items.map((t) => t.id).sort());
    for (const f of files) expect(f.file?.hashes?.sha256Hash.toLowerCase()).toBe(truth.items.find((t) => t.id === f.id)?.sha256);
    for (const t of truth.items.slice(0, 6)) {
      const bytes = await download(`/drives/${drive.id}/items/${t.id}/content`);
      expect(bytes.length).toBe(t.size);
      expect(sha(bytes)).toBe(t.sha256);
    }
    // The download URL itself needs no token.
    const direct = await fetch(String(files[0]?.["@microsoft.graph.downloadUrl"]), { dispatcher: sandboxAgent(h) });
    expect(direct.status).toBe(200);
  });

  it("reports changes and deletions after mutations, then expires into 410 resyncRequired", async () => {
    const driveId = (await driveTruth()).id;
    const first = await collectPages<DriveItem>(client, `/users/${upn}/drive/root/delta`);
    const touched: TouchedItem[] = [];
    for (const kind of ["edit", "delete", "create", "move"] as const) {
      touched.push(...(await h.control<{ touched: TouchedItem[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind, fraction: 0.2, seed: 5, units: [upn] })).body.touched.filter((t) => t.drive === driveId));
    }
    const deletedIds = new Set(touched.filter((t) => t.action === "deleted").map((t) => t.id));
    expect(deletedIds.size).toBeGreaterThan(0);
    const round = await collectPages<DriveItem>(client, String(first.last["@odata.deltaLink"]));
    expect(new Set(round.items.filter((i) => i.deleted).map((i) => i.id))).toEqual(deletedIds);
    const changed = new Set(round.items.filter((i) => !i.deleted).map((i) => i.id));
    expect(changed).toEqual(new Set(touched.filter((t) => t.action !== "deleted" && !deletedIds.has(t.id)).map((t) => t.id)));
    // Applying the round gives the manifest's file set and hashes.
    const local = new Map(first.items.filter((i) => i.file).map((i) => [i.id, i.file?.hashes?.sha256Hash.toLowerCase()]));
    for (const i of round.items) {
      if (i.deleted) local.delete(i.id);
      else if (i.file) local.set(i.id, i.file.hashes?.sha256Hash.toLowerCase());
    }
    const truth = await driveTruth();
    expect(new Map(truth.items.map((t) => [t.id, t.sha256]))).toEqual(local);
    // A download URL names one version: after an edit the old one is gone.
    const edited = touched.find((t) => t.action === "edited" && !deletedIds.has(t.id));
    const staleUrl = first.items.find((i) => i.id === edited?.id)?.["@microsoft.graph.downloadUrl"];
    expect(staleUrl).toBeDefined();
    expect((await fetch(String(staleUrl), { dispatcher: sandboxAgent(h) })).status).toBe(404);

    await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, { units: [upn] });
    const err: unknown = await client
      .api(String(round.last["@odata.deltaLink"]))
      .middlewareOptions([new RetryHandlerOptions(0, 0)])
      .get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).statusCode).toBe(410);
    expect((err as GraphError).code).toBe("resyncRequired");
  });

  it("keeps delegated tokens to their own drive", async () => {
    const other = tenant.units[1]?.email ?? "";
    const tokens = await delegatedToken(h, tenant.tenantId, app, other, ["Files.Read"]);
    const own = graphClient(h, String(tokens.access_token));
    expect(((await own.api("/me/drive/root/children").get()) as { value: DriveItem[] }).value.filter((i) => i.folder).map((i) => i.name)).toEqual(["Documents", "Pictures", "Projects"]);
    const denied: unknown = await own.api(`/users/${upn}/drive`).get().catch((e: unknown) => e);
    expect((denied as GraphError).statusCode).toBe(403);
  });
});

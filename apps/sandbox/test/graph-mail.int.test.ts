// Graph mail through the official @microsoft/microsoft-graph-client with an app-only token:
// users paging, folders, per-folder delta (nextLink/deltaLink, changes and @removed after
// mutations, 410 resync), MIME $value against the manifest's SHA-256, create/import round
// trips, attachments and upload sessions, and Outlook throttling with Retry-After.
import { createHash, randomBytes } from "node:crypto";
import { FileUpload, GraphError, LargeFileUploadTask, RetryHandlerOptions, type Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TouchedItem } from "../src/index";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface Item {
  id: string;
  folderId: string;
  folder: string;
  size: number;
  sha256: string;
  isRead: boolean;
}
interface Manifest {
  units: { email: string; folders: { id: string; path: string }[]; items: Item[] }[];
}
interface Msg {
  id: string;
  subject?: string;
  isRead?: boolean;
  parentFolderId?: string;
  "@removed"?: { reason: string };
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let client: Client;
let upn: string;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const noRetry = () => new RetryHandlerOptions(0, 0);

async function manifest(): Promise<Manifest> {
  return (await h.control<Manifest>("GET", `/_control/tenants/${tenant.id}/manifest`)).body;
}
const itemsOf = (m: Manifest, email = upn) => m.units.find((u) => u.email === email)?.items ?? [];
async function bytes(path: string): Promise<Buffer> {
  const stream = (await client.api(path).getStream()) as AsyncIterable<Uint8Array>;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
async function graphError(p: Promise<unknown>): Promise<GraphError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 51, users: 7, itemsPerUser: 90 });
  upn = tenant.adminEmail;
  const app = await registerMsApp(h);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
});
afterAll(() => h.close());

describe("users", () => {
  it("pages with $top and absolute nextLinks, and narrows with $select", async () => {
    const { items, pages } = await collectPages<{ id: string; displayName: string; mail?: string }>(client, "/users?$top=3&$select=id,displayName");
    expect(pages).toEqual([3, 3, 1]);
    expect(items.map((u) => u.id)).toEqual(tenant.units.map((u) => u.id));
    expect(items[0]).toEqual({ id: tenant.units[0]?.id, displayName: tenant.units[0]?.name });
    const one = (await client.api(`/users/${tenant.units[2]?.email}`).get()) as { id: string; userPrincipalName: string };
    expect(one.id).toBe(tenant.units[2]?.id);
    expect((await graphError(client.api("/users/nobody@example.com").get())).statusCode).toBe(404);
  });
});

describe("mail folders and messages", () => {
  it("lists the folder tree with counts that match the ground truth", async () => {
    const truth = itemsOf(await manifest());
    const top = (await client.api(`/users/${upn}/mailFolders`).get()) as { value: { id: string; displayName: string; totalItemCount: number; childFolderCount: number }[] };
    const names = top.value.map((f) => f.displayName);
    expect(names).toEqual(expect.arrayContaining(["Inbox", "Sent Items", "Archive", "Deleted Items", "Junk Email", "Clients"]));
    for (const f of top.value) expect(f.totalItemCount).toBe(truth.filter((i) => i.folderId === f.id).length);
    const inboxChildren = (await client.api(`/users/${upn}/mailFolders/inbox/childFolders`).get()) as { value: { id: string; displayName: string }[] };
    expect(inboxChildren.value.map((f) => f.displayName).sort()).toEqual(["Projects", "Receipts"]);
    const projects = inboxChildren.value.find((f) => f.displayName === "Projects");
    const nested = (await client.api(`/users/${upn}/mailFolders/${projects?.id}/childFolders`).get()) as { value: { displayName: string }[] };
    expect(nested.value.map((f) => f.displayName)).toEqual(["Apollo"]);
    // Only well-known names stand in for ids.
    expect((await graphError(client.api(`/users/${upn}/mailFolders/projects`).get())).statusCode).toBe(404);
  });

  it("pages a folder's messages newest first with $skip nextLinks", async () => {
    const truth = itemsOf(await manifest()).filter((i) => i.folder === "Inbox");
    const { items, pages } = await collectPages<Msg & { receivedDateTime: string }>(client, `/users/${upn}/mailFolders/inbox/messages?$top=20&$select=subject,receivedDateTime`);
    expect(pages.slice(0, -1).every((n) => n === 20)).toBe(true);
    expect(items.map((m) => m.id).sort()).toEqual(truth.map((t) => t.id).sort());
    const times = items.map((m) => Date.parse(m.receivedDateTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("serves each message's MIME byte for byte as the manifest hashes it", async () => {
    const truth = itemsOf(await manifest());
    for (const item of truth.slice(0, 25)) {
      const raw = await bytes(`/users/${upn}/messages/${item.id}/$value`);
      expect(raw.length).toBe(item.size);
      expect(sha(raw)).toBe(item.sha256);
    }
  });
});

describe("per-folder delta", () => {
  async function deltaRound(first: string, pageSize: number): Promise<{ items: Msg[]; pages: number[]; deltaLink: string }> {
    const { items, pages, last } = await collectPages<Msg>(client, first, (r) => r.header("Prefer", `odata.maxpagesize=${pageSize}`));
    expect(last["@odata.nextLink"]).toBeUndefined();
    const deltaLink = last["@odata.deltaLink"];
    expect(typeof deltaLink).toBe("string");
    return { items, pages, deltaLink: String(deltaLink) };
  }

  it("syncs a folder, then returns exactly the changes a mutation made", async () => {
    const inboxId = (await manifest()).units.find((u) => u.email === upn)?.folders.find((f) => f.path === "Inbox")?.id ?? "";
    const inboxTruth = itemsOf(await manifest()).filter((i) => i.folderId === inboxId);
    const initial = await deltaRound(`/users/${upn}/mailFolders/inbox/messages/delta?$select=subject,isRead,parentFolderId`, 7);
    expect(initial.pages.slice(0, -1).every((n) => n === 7)).toBe(true);
    expect(initial.items.map((m) => m.id).sort()).toEqual(inboxTruth.map((i) => i.id).sort());
    expect(initial.items.every((m) => m.parentFolderId === inboxId && "subject" in m)).toBe(true);

    // Nothing changed: an empty round and a fresh deltaLink.
    const idle = await deltaRound(initial.deltaLink, 7);
    expect(idle.items).toEqual([]);

    const touched: TouchedItem[] = [];
    for (const kind of ["edit", "move", "delete", "create"] as const) {
      const res = await h.control<{ touched: TouchedItem[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind, fraction: 0.15, seed: 7, units: [upn] });
      touched.push(...res.body.touched);
    }
    const inInbox = (t: TouchedItem) => t.folderId === inboxId || t.from === inboxId;
    const round = await deltaRound(idle.deltaLink, 5);
    const removed = new Set(round.items.filter((m) => m["@removed"]).map((m) => m.id));
    const changed = new Set(round.items.filter((m) => !m["@removed"]).map((m) => m.id));
    const expectRemoved = touched.filter((t) => inInbox(t) && (t.action === "deleted" || (t.action === "moved" && t.from === inboxId))).map((t) => t.id);
    const expectChanged = touched.filter((t) => (t.action === "edited" || t.action === "created") && t.folderId === inboxId).map((t) => t.id);
    expect(expectRemoved.length).toBeGreaterThan(0);
    expect(expectChanged.length).toBeGreaterThan(0);
    // An edited message that was later deleted or moved out is reported as removed only.
    expect([...removed].sort()).toEqual([...new Set(expectRemoved)].sort());
    expect([...changed].sort()).toEqual(expectChanged.filter((id) => !removed.has(id) && !touched.some((t) => t.id === id && t.action === "moved" && t.folderId !== inboxId)).sort());
    expect(round.items.filter((m) => m["@removed"]).every((m) => m["@removed"]?.reason === "deleted")).toBe(true);
    // Applying the round to the first sync gives the folder as the manifest has it now.
    const local = new Set(initial.items.map((m) => m.id));
    for (const m of round.items) {
      if (m["@removed"]) local.delete(m.id);
      else local.add(m.id);
    }
    expect([...local].sort()).toEqual(itemsOf(await manifest()).filter((i) => i.folderId === inboxId).map((i) => i.id).sort());
    const moved = touched.find((t) => t.action === "moved" && t.folderId !== inboxId && t.from === inboxId);
    expect(moved).toBeDefined();
    if (moved) {
      const target = await deltaRound(`/users/${upn}/mailFolders/${String(moved.folderId)}/messages/delta`, 100);
      expect(target.items.map((m) => m.id)).toContain(moved.id);
    }
  });

  it("answers 410 syncStateNotFound for an expired token, and a full resync recovers", async () => {
    const first = await deltaRound(`/users/${upn}/mailFolders/archive/messages/delta`, 50);
    await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, { units: [upn] });
    const gone = await graphError(client.api(first.deltaLink).middlewareOptions([noRetry()]).get());
    expect(gone.statusCode).toBe(410);
    expect(gone.code).toBe("syncStateNotFound");
    const again = await deltaRound(`/users/${upn}/mailFolders/archive/messages/delta`, 50);
    expect(again.items.map((m) => m.id).sort()).toEqual(first.items.map((m) => m.id).sort());
    expect((await deltaRound(again.deltaLink, 50)).items).toEqual([]);
  });

  it("expires tokens once more changes happened than the tenant retains", async () => {
    const small = await createMicrosoftTenant(h, { seed: 52, users: 1, itemsPerUser: 20, historyRetention: 2 });
    const app = await registerMsApp(h);
    await adminConsent(h, small.tenantId, app);
    const c = graphClient(h, await appToken(h, small.tenantId, app));
    const first = await collectPages<Msg>(c, `/users/${small.adminEmail}/messages?$top=1000`);
    const start = (await c.api(`/users/${small.adminEmail}/mailFolders/drafts/messages/delta`).get()) as { "@odata.deltaLink": string };
    const deleteOne = (id: string) => c.api(`/users/${small.adminEmail}/messages/${id}`).delete();
    await deleteOne(first.items[0]?.id ?? "");
    await deleteOne(first.items[1]?.id ?? "");
    expect(((await c.api(start["@odata.deltaLink"]).get()) as { value: unknown[] }).value).toEqual([]);
    await deleteOne(first.items[2]?.id ?? "");
    expect((await graphError(c.api(start["@odata.deltaLink"]).middlewareOptions([noRetry()]).get())).statusCode).toBe(410);
  });
});

describe("restore: create, import, attachments, upload sessions", () => {
  it("imports MIME into a folder and serves the same bytes back", async () => {
    const source = itemsOf(await manifest(), tenant.units[3]?.email).find((i) => i.size > 3000);
    const original = await bytes(`/users/${tenant.units[3]?.email}/messages/${source?.id}/$value`);
    const created = (await client.api(`/users/${upn}/mailFolders/archive/messages`).header("Content-Type", "text/plain").post(original.toString("base64"))) as Msg;
    expect(created.parentFolderId).toBe((await client.api(`/users/${upn}/mailFolders/archive`).get() as { id: string }).id);
    const back = await bytes(`/users/${upn}/messages/${created.id}/$value`);
    expect(sha(back)).toBe(source?.sha256);
    expect(itemsOf(await manifest()).find((i) => i.id === created.id)?.sha256).toBe(source?.sha256);
    const bad = await graphError(client.api(`/users/${upn}/mailFolders/archive/messages`).header("Content-Type", "text/plain").post("not base64 at all!"));
    expect(bad.statusCode).toBe(400);
  });

  it("creates a JSON message, adds a small attachment and a large one through an upload session", async () => {
    const created = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).post({
      subject: "Quarterly report ✓",
      body: { contentType: "HTML", content: "<p>See attached.</p>" },
      toRecipients: [{ emailAddress: { name: "Ops", address: "ops@example.com" } }],
      singleValueExtendedProperties: [{ id: "Integer 0x0E07", value: "1" }],
    })) as Msg & { isDraft: boolean; body: { contentType: string }; toRecipients: unknown[] };
    expect(created.subject).toBe("Quarterly report ✓");
    expect(created.isDraft).toBe(false);
    expect(created.body.contentType).toBe("html");
    expect(created.toRecipients).toEqual([{ emailAddress: { name: "Ops", address: "ops@example.com" } }]);

    const small = Buffer.from("tiny attachment\n");
    await client.api(`/users/${upn}/messages/${created.id}/attachments`).post({ "@odata.type": "#microsoft.graph.fileAttachment", name: "note.txt", contentType: "text/plain", contentBytes: small.toString("base64") });

    const big = randomBytes(1_100_000);
    const session = (await client.api(`/users/${upn}/messages/${created.id}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: "file", name: "data.bin", size: big.length, contentType: "application/octet-stream" } })) as { uploadUrl: string; nextExpectedRanges: string[] };
    expect(session.nextExpectedRanges).toEqual(["0"]);
    // Out of order: 416, nothing stored.
    const wrong = await client.api(session.uploadUrl).headers({ "Content-Range": `bytes 10-19/${big.length}`, "Content-Type": "application/octet-stream" }).responseType("raw" as never).put(big.subarray(10, 20)) as Response;
    expect(wrong.status).toBe(416);
    const task = new LargeFileUploadTask(client, new FileUpload(big, "data.bin", big.length), { url: session.uploadUrl, expiry: new Date(Date.now() + 600_000) }, { rangeSize: 320 * 1024 });
    const result = await task.upload();
    expect(result.location).toContain("/attachments(");

    const list = (await client.api(`/users/${upn}/messages/${created.id}/attachments`).get()) as { value: { id: string; name: string; size: number; contentBytes: string }[] };
    expect(list.value.map((a) => [a.name, a.size])).toEqual([
      ["note.txt", small.length],
      ["data.bin", big.length],
    ]);
    const got = await bytes(`/users/${upn}/messages/${created.id}/attachments/${list.value[1]?.id}/$value`);
    expect(got.equals(big)).toBe(true);
    const msg = (await client.api(`/users/${upn}/messages/${created.id}`).select("hasAttachments").get()) as { hasAttachments: boolean };
    expect(msg.hasAttachments).toBe(true);
    const raw = await bytes(`/users/${upn}/messages/${created.id}/$value`);
    expect(itemsOf(await manifest()).find((i) => i.id === created.id)?.sha256).toBe(sha(raw));
  });
});

describe("throttling", () => {
  it("answers 429 ApplicationThrottled with Retry-After past the per-mailbox request budget", async () => {
    const limits = await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, { requestsPerWindow: 5, windowSeconds: 120 });
    expect(limits.body).toEqual({ requestsPerWindow: 5, windowSeconds: 120, concurrentRequests: 4 });
    const target = tenant.units[4]?.email ?? "";
    for (let i = 0; i < 5; i++) await client.api(`/users/${target}/mailFolders/inbox`).middlewareOptions([noRetry()]).get();
    const raw = (await client.api(`/users/${target}/mailFolders/inbox`).middlewareOptions([noRetry()]).responseType("raw" as never).get()) as Response;
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(100);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe("ApplicationThrottled");
    // Another mailbox has its own budget; the directory is not a mailbox.
    expect(((await client.api(`/users/${tenant.units[5]?.email}/mailFolders/inbox`).get()) as { displayName: string }).displayName).toBe("Inbox");
    await client.api("/users").get();
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, {});
  });

  it("limits concurrent requests per mailbox; the client's retry handler honours Retry-After", async () => {
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, { concurrentRequests: 2 });
    await h.control("POST", "/_control/faults", { provider: "microsoft", path: "/microsoft/graph/v1.0/users/*/mailFolders/inbox", delayMs: 1000 });
    const target = tenant.units[6]?.email ?? "";
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => ((await client.api(`/users/${target}/mailFolders/inbox`).middlewareOptions([noRetry()]).responseType("raw" as never).get()) as Response).status),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    // With the default retry handler (Retry-After: 1) every request gets through eventually.
    const started = Date.now();
    const results = (await Promise.all(Array.from({ length: 3 }, () => client.api(`/users/${target}/mailFolders/inbox`).get()))) as { displayName: string }[];
    expect(results.every((r) => r.displayName === "Inbox")).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await h.control("DELETE", "/_control/faults");
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, {});
  });

  it("injects Graph-shaped faults", async () => {
    await h.control("POST", "/_control/faults", { provider: "microsoft", path: "/microsoft/graph/v1.0/users", status: 503, retryAfter: 2, times: 1 });
    const raw = (await client.api("/users").middlewareOptions([noRetry()]).responseType("raw" as never).get()) as Response;
    expect(raw.status).toBe(503);
    expect(raw.headers.get("retry-after")).toBe("2");
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe("ServiceUnavailable");
    await h.control("DELETE", "/_control/faults");
  });
});

describe("ground truth", () => {
  it("ransomware replaces messages in place; the manifest and delta both show it", async () => {
    const t = await createMicrosoftTenant(h, { seed: 53, users: 1, itemsPerUser: 30 });
    const app = await registerMsApp(h);
    await adminConsent(h, t.tenantId, app);
    const c = graphClient(h, await appToken(h, t.tenantId, app));
    const before = (await h.control<Manifest>("GET", `/_control/tenants/${t.id}/manifest`)).body.units[0]?.items ?? [];
    const start = await collectPages<Msg>(c, `/users/${t.adminEmail}/mailFolders/junkemail/messages/delta`);
    const hit = (await h.control<{ touched: TouchedItem[] }>("POST", `/_control/tenants/${t.id}/mutations`, { kind: "ransomware", fraction: 0.4, seed: 2 })).body.touched;
    expect(hit.length).toBeGreaterThan(3);
    const after = (await h.control<Manifest>("GET", `/_control/tenants/${t.id}/manifest`)).body.units[0]?.items ?? [];
    expect(after).toHaveLength(before.length);
    const victim = hit.find((x) => before.find((b) => b.id === x.id)?.folder === "Junk Email");
    expect(victim).toBeDefined();
    if (victim) {
      const round = await collectPages<Msg>(c, String(start.last["@odata.deltaLink"]));
      expect(round.items.find((m) => m.id === victim.id)?.["@removed"]).toEqual({ reason: "deleted" });
      expect(round.items.some((m) => m.id === victim.replacedBy)).toBe(true);
    }
    const replaced = after.find((a) => a.id === hit[0]?.replacedBy);
    expect(replaced?.folder).toBe(before.find((b) => b.id === hit[0]?.id)?.folder);
    expect(replaced?.sha256).not.toBe(before.find((b) => b.id === hit[0]?.id)?.sha256);
    expect(after.some((a) => a.id === hit[0]?.id)).toBe(false);
  });
});

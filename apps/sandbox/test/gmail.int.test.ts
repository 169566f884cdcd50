// Gmail through the official googleapis client: paging and filters, every message format,
// attachments, labels, profile, insert/import (media, multipart, JSON), history with its 404
// resync, faults with Retry-After — checked against the control API's ground truth.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { OAuth2Client } from "google-auth-library";
import type { gmail_v1 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary, TouchedItem } from "../src/index";
import { gmail, googleRoot, httpStatus, startSandbox, userToken, type Harness } from "./harness";

const MAIL = "https://mail.google.com/";
const METADATA = "https://www.googleapis.com/auth/gmail.metadata";

interface ManifestItem {
  id: string;
  labelIds: string[];
  size: number;
  sha256: string;
  internalDate: string;
}
interface Manifest {
  units: { email: string; historyId: string; items: ManifestItem[] }[];
}

let h: Harness;
let tenant: TenantSummary;
let admin: string;
let auth: OAuth2Client;
let api: gmail_v1.Gmail;

async function manifest(id = tenant.id): Promise<Manifest> {
  const res = await h.control<Manifest>("GET", `/_control/tenants/${id}/manifest`);
  expect(res.status).toBe(200);
  return res.body;
}
function itemsOf(m: Manifest, email: string): ManifestItem[] {
  return m.units.find((u) => u.email === email)?.items ?? [];
}
async function listAll(client: gmail_v1.Gmail, params: gmail_v1.Params$Resource$Users$Messages$List): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let pageToken: string | undefined;
  do {
    const res = await client.users.messages.list({ userId: "me", ...params, pageToken });
    const page = res.data.messages ?? [];
    pages.push(page.length);
    ids.push(...page.map((m) => m.id ?? ""));
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return { ids, pages };
}
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 31, users: 2, itemsPerUser: 230 });
  admin = tenant.adminEmail;
  auth = await userToken(h, admin, [MAIL]);
  api = gmail(h.url, auth);
});
afterAll(() => h.close());

describe("messages.list", () => {
  it("pages through every message, newest first, matching the ground truth", async () => {
    const truth = itemsOf(await manifest(), admin);
    expect(truth).toHaveLength(230);
    const { ids, pages } = await listAll(api, { includeSpamTrash: true, maxResults: 100 });
    expect(pages).toEqual([100, 100, 30]);
    expect(ids).toEqual(truth.map((t) => t.id).reverse());
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it("leaves out SPAM and TRASH by default and filters by labelIds and q", async () => {
    const truth = itemsOf(await manifest(), admin);
    const expectIds = (pred: (t: ManifestItem) => boolean) => truth.filter(pred).map((t) => t.id).reverse();
    const clean = (t: ManifestItem) => !t.labelIds.includes("SPAM") && !t.labelIds.includes("TRASH");
    expect((await listAll(api, { maxResults: 500 })).ids).toEqual(expectIds(clean));
    expect(expectIds(clean).length).toBeLessThan(230);
    expect((await listAll(api, { labelIds: ["INBOX", "UNREAD"] })).ids).toEqual(expectIds((t) => clean(t) && t.labelIds.includes("INBOX") && t.labelIds.includes("UNREAD")));
    expect((await listAll(api, { labelIds: ["SPAM"] })).ids).toEqual(expectIds((t) => t.labelIds.includes("SPAM")));
    expect((await listAll(api, { q: "is:unread -in:inbox" })).ids).toEqual(expectIds((t) => clean(t) && t.labelIds.includes("UNREAD") && !t.labelIds.includes("INBOX")));
    const cut = Number(truth[100]?.internalDate);
    expect((await listAll(api, { q: `after:${Math.floor(cut / 1000) + 1} in:anywhere` })).ids).toEqual(expectIds((t) => Number(t.internalDate) >= (Math.floor(cut / 1000) + 1) * 1000));
    await expect(api.users.messages.list({ userId: "me", q: "quarterly report" }, { retry: false })).rejects.toMatchObject({ status: 400 });
  });
});

describe("messages.get", () => {
  it("format=raw returns the exact bytes the manifest hashes", async () => {
    const truth = itemsOf(await manifest(), admin);
    for (const t of [truth[0], truth[117], truth[229]]) {
      const res = await api.users.messages.get({ userId: "me", id: t?.id ?? "", format: "raw" });
      const raw = Buffer.from(res.data.raw ?? "", "base64url");
      expect(sha(raw)).toBe(t?.sha256);
      expect(res.data.sizeEstimate).toBe(t?.size);
      expect(res.data.internalDate).toBe(t?.internalDate);
      expect(res.data.labelIds).toEqual(t?.labelIds);
      expect(res.data.payload).toBeUndefined();
      expect(raw.toString("latin1")).toMatch(new RegExp(`^Delivered-To: ${admin}\r\n`));
    }
  });

  it("format=metadata narrows headers; format=minimal has no payload", async () => {
    const [first] = (await api.users.messages.list({ userId: "me", maxResults: 1 })).data.messages ?? [];
    const meta = await api.users.messages.get({ userId: "me", id: first?.id ?? "", format: "metadata", metadataHeaders: ["subject", "Delivered-To"] });
    expect(meta.data.payload?.headers?.map((x) => x.name?.toLowerCase()).every((n) => n === "subject" || n === "delivered-to")).toBe(true);
    expect(meta.data.payload?.headers?.find((x) => x.name === "Delivered-To")?.value).toBe(admin);
    expect(meta.data.payload?.parts).toBeUndefined();
    expect(meta.data.payload?.body).toBeUndefined();
    const minimal = await api.users.messages.get({ userId: "me", id: first?.id ?? "", format: "minimal" });
    expect(minimal.data.payload).toBeUndefined();
    expect(minimal.data.raw).toBeUndefined();
    expect(minimal.data.labelIds).toEqual(meta.data.labelIds);
    await expect(api.users.messages.get({ userId: "me", id: "ffffffffffffffff" }, { retry: false })).rejects.toMatchObject({ status: 404 });
  });

  it("the gmail.metadata scope may not read bodies or search", async () => {
    const metaOnly = gmail(h.url, await userToken(h, admin, [METADATA]));
    const [first] = (await metaOnly.users.messages.list({ userId: "me", maxResults: 1 })).data.messages ?? [];
    await expect(metaOnly.users.messages.get({ userId: "me", id: first?.id ?? "", format: "full" }, { retry: false })).rejects.toMatchObject({ status: 403 });
    await expect(metaOnly.users.messages.list({ userId: "me", q: "is:unread" }, { retry: false })).rejects.toMatchObject({ status: 403 });
    expect((await metaOnly.users.messages.get({ userId: "me", id: first?.id ?? "", format: "metadata" })).data.payload?.headers?.length).toBeGreaterThan(3);
  });
});

const attachment = randomBytes(3000);
const MULTIPART = [
  "From: Alice <alice@example.org>",
  `To: ${"admin"}`,
  "Subject: =?UTF-8?B?w4l0w6k=?= report",
  "Date: Tue, 15 Nov 1994 08:12:31 +0000",
  "Message-ID: <restore-1@example.org>",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="outer"',
  "",
  "This is a multi-part message in MIME format.",
  "--outer",
  "Content-Type: multipart/alternative; boundary=inner",
  "",
  "--inner",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Hello =C3=A9t=C3=A9, see the report.",
  "--inner",
  "Content-Type: text/html; charset=utf-8",
  "",
  "<p>Hello</p>",
  "--inner--",
  "--outer",
  'Content-Type: application/pdf; name="report.pdf"',
  'Content-Disposition: attachment; filename="report.pdf"',
  "Content-Transfer-Encoding: base64",
  "",
  ...(attachment.toString("base64").match(/.{1,76}/g) ?? []),
  "--outer--",
  "",
].join("\r\n");

describe("insert, import and the MIME tree", () => {
  it("insert via multipart upload keeps the bytes; format=full exposes the tree and attachments", async () => {
    const raw = Buffer.from(MULTIPART, "latin1");
    // googleapis builds media-upload URLs from the *per-call* rootUrl only (see README).
    const ins = await api.users.messages.insert(
      { userId: "me", requestBody: { labelIds: ["INBOX", "Label_1"] }, media: { mimeType: "message/rfc822", body: Readable.from([raw]) } },
      { rootUrl: googleRoot(h.url) },
    );
    expect(ins.data.labelIds).toEqual(["INBOX", "Label_1"]);
    const id = ins.data.id ?? "";
    const back = await api.users.messages.get({ userId: "me", id, format: "raw" });
    expect(Buffer.from(back.data.raw ?? "", "base64url").equals(raw)).toBe(true);

    const full = (await api.users.messages.get({ userId: "me", id })).data;
    const p = full.payload;
    expect(p?.partId).toBe("");
    expect(p?.mimeType).toBe("multipart/mixed");
    expect(p?.headers?.find((x) => x.name === "Subject")?.value).toBe("Été report");
    expect(p?.parts?.map((x) => [x.partId, x.mimeType, x.filename])).toEqual([
      ["0", "multipart/alternative", ""],
      ["1", "application/pdf", "report.pdf"],
    ]);
    const text = p?.parts?.[0]?.parts?.[0];
    expect(text?.partId).toBe("0.0");
    expect(Buffer.from(text?.body?.data ?? "", "base64url").toString("utf8")).toBe("Hello été, see the report.");
    expect(full.snippet).toBe("Hello été, see the report.");
    const pdf = p?.parts?.[1];
    expect(pdf?.body?.data).toBeUndefined();
    expect(pdf?.body?.size).toBe(3000);
    const att = await api.users.messages.attachments.get({ userId: "me", messageId: id, id: pdf?.body?.attachmentId ?? "" });
    expect(Buffer.from(att.data.data ?? "", "base64url").equals(attachment)).toBe(true);
    expect(att.data.size).toBe(3000);
  });

  it("import via media upload takes internalDate from the Date header; JSON raw insert uses receive time", async () => {
    // A per-call rootUrl may carry the /google prefix: googleapis concatenates it for uploads.
    const imp = await api.users.messages.import(
      { userId: "me", media: { mimeType: "message/rfc822", body: Readable.from([Buffer.from(MULTIPART, "latin1")]) } },
      { rootUrl: `${h.url}/google/` },
    );
    const got = await api.users.messages.get({ userId: "me", id: imp.data.id ?? "", format: "minimal" });
    expect(got.data.internalDate).toBe(String(Date.parse("Tue, 15 Nov 1994 08:12:31 +0000")));
    expect(got.data.labelIds).toEqual([]);
    const json = await api.users.messages.insert({ userId: "me", requestBody: { raw: Buffer.from("Subject: plain\r\n\r\nHi").toString("base64url"), labelIds: ["UNREAD"] } });
    const got2 = await api.users.messages.get({ userId: "me", id: json.data.id ?? "", format: "minimal" });
    expect(Number(got2.data.internalDate)).toBeGreaterThan(Date.parse("2025-01-01T00:00:00Z"));
    await expect(
      api.users.messages.insert({ userId: "me", requestBody: { raw: Buffer.from("Subject: x\r\n\r\nx").toString("base64url"), labelIds: ["NOPE"] } }, { retry: false }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("serves the same API under the /google prefix", async () => {
    const res = await fetch(`${h.url}/google/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${auth.credentials.access_token}` } });
    expect(((await res.json()) as { emailAddress: string }).emailAddress).toBe(admin);
  });

  it("labels.list has the system labels and the mailbox's user labels", async () => {
    const labels = (await api.users.labels.list({ userId: "me" })).data.labels ?? [];
    for (const id of ["INBOX", "SPAM", "TRASH", "UNREAD", "STARRED", "SENT", "DRAFT"]) expect(labels.find((l) => l.id === id)?.type).toBe("system");
    const user = labels.filter((l) => l.type === "user");
    expect(user.length).toBeGreaterThanOrEqual(3);
    expect(user[0]?.id).toBe("Label_1");
  });
});

describe("history", () => {
  it("reports exactly what the control API changed, page by page", async () => {
    const member = tenant.units[1]?.email ?? "";
    const client = gmail(h.url, await userToken(h, member, [MAIL]));
    const start = (await client.users.getProfile({ userId: "me" })).data.historyId ?? "";
    const mutate = async (kind: string, fraction: number) =>
      (await h.control<{ touched: TouchedItem[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind, fraction, seed: 5, units: [member] })).body.touched;
    const deleted = await mutate("delete", 0.05);
    const edited = await mutate("edit", 0.05);
    const created = await mutate("create", 0.02);
    expect(deleted.length).toBeGreaterThan(3);
    expect(created.length).toBe(Math.round(0.02 * (230 - deleted.length)));

    const records: gmail_v1.Schema$History[] = [];
    let pageToken: string | undefined;
    let latest = "";
    do {
      const res = await client.users.history.list({ userId: "me", startHistoryId: start, maxResults: 4, pageToken });
      records.push(...(res.data.history ?? []));
      pageToken = res.data.nextPageToken ?? undefined;
      latest = res.data.historyId ?? "";
    } while (pageToken);
    expect(records.map((r) => Number(r.id))).toEqual(records.map((r) => Number(r.id)).sort((a, b) => a - b));
    expect(records.flatMap((r) => r.messagesDeleted ?? []).map((d) => d.message?.id)).toEqual(deleted.map((t) => t.id));
    expect(records.flatMap((r) => r.messagesAdded ?? []).map((d) => d.message?.id)).toEqual(created.map((t) => t.id));
    const labelChanged = new Set(records.flatMap((r) => [...(r.labelsAdded ?? []), ...(r.labelsRemoved ?? [])]).map((d) => d.message?.id));
    expect([...labelChanged].sort()).toEqual(edited.map((t) => t.id).sort());
    expect(latest).toBe((await client.users.getProfile({ userId: "me" })).data.historyId);

    const onlyAdded = await client.users.history.list({ userId: "me", startHistoryId: start, historyTypes: ["messageAdded"], maxResults: 500 });
    expect(onlyAdded.data.history?.every((r) => r.messagesAdded?.length === 1 && !r.messagesDeleted)).toBe(true);

    // A deleted message is gone; an edited one shows its new labels and historyId.
    await expect(client.users.messages.get({ userId: "me", id: deleted[0]?.id ?? "" }, { retry: false })).rejects.toMatchObject({ status: 404 });
    const e = await client.users.messages.get({ userId: "me", id: edited[0]?.id ?? "", format: "minimal" });
    expect(e.data.labelIds).toEqual(edited[0]?.labelIds);
    expect(Number(e.data.historyId)).toBeGreaterThan(Number(start));
  });

  it("answers 404 for a startHistoryId older than the retained history, and a full resync recovers", async () => {
    const start = (await api.users.getProfile({ userId: "me" })).data.historyId ?? "";
    await h.control("POST", `/_control/tenants/${tenant.id}/mutations`, { kind: "move", fraction: 0.05, seed: 9, units: [admin] });
    expect((await api.users.history.list({ userId: "me", startHistoryId: start })).data.history?.length).toBeGreaterThan(0);
    await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, { units: [admin] });
    const err: unknown = await api.users.history.list({ userId: "me", startHistoryId: start }, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(404);
    // Resync: a full listing, then a fresh cursor from the profile.
    const fresh = (await api.users.getProfile({ userId: "me" })).data.historyId ?? "";
    expect((await listAll(api, { includeSpamTrash: true, maxResults: 500 })).ids.length).toBeGreaterThan(200);
    const after = await api.users.history.list({ userId: "me", startHistoryId: fresh });
    expect(after.data.history).toBeUndefined();
    expect(after.data.historyId).toBe(fresh);
  });

  it("expires cursors once more changes happened than the tenant retains", async () => {
    const small = await h.createTenant({ seed: 32, users: 1, itemsPerUser: 10, historyRetention: 3 });
    const client = gmail(h.url, await userToken(h, small.adminEmail, [MAIL]));
    const start = (await client.users.getProfile({ userId: "me" })).data.historyId ?? "";
    const raw = Buffer.from("Subject: hi\r\n\r\nhello").toString("base64url");
    await client.users.messages.insert({ userId: "me", requestBody: { raw } });
    await client.users.messages.insert({ userId: "me", requestBody: { raw } });
    expect((await client.users.history.list({ userId: "me", startHistoryId: start })).data.history).toHaveLength(2);
    await client.users.messages.insert({ userId: "me", requestBody: { raw } });
    await client.users.messages.insert({ userId: "me", requestBody: { raw } });
    await expect(client.users.history.list({ userId: "me", startHistoryId: start }, { retry: false })).rejects.toMatchObject({ status: 404 });
  });
});

describe("mutations and ground truth", () => {
  it("ransomware replaces messages with encrypted copies the manifest reflects", async () => {
    const t = await h.createTenant({ seed: 33, users: 1, itemsPerUser: 40 });
    const before = itemsOf(await manifest(t.id), t.adminEmail);
    const res = await h.control<{ touched: TouchedItem[] }>("POST", `/_control/tenants/${t.id}/mutations`, { kind: "ransomware", fraction: 0.25, seed: 1 });
    const hit = res.body.touched;
    expect(hit.length).toBeGreaterThan(3);
    const after = itemsOf(await manifest(t.id), t.adminEmail);
    expect(after).toHaveLength(before.length);
    const client = gmail(h.url, await userToken(h, t.adminEmail, [MAIL]));
    const victim = hit[0];
    await expect(client.users.messages.get({ userId: "me", id: victim?.id ?? "" }, { retry: false })).rejects.toMatchObject({ status: 404 });
    const replacement = await client.users.messages.get({ userId: "me", id: String(victim?.replacedBy), format: "full" });
    expect(replacement.data.payload?.filename).toBe("message.eml.locked");
    const old = before.find((b) => b.id === victim?.id);
    const neu = after.find((a) => a.id === victim?.replacedBy);
    expect(neu?.sha256).not.toBe(old?.sha256);
    expect(neu?.labelIds).toEqual(old?.labelIds);
  });
});

describe("faults", () => {
  it("injects a 429 with Retry-After, once, in Google's error shape", async () => {
    const rule = await h.control<{ rules: { id: string }[] }>("POST", "/_control/faults", { provider: "google", path: "/gmail/v1/users/*/messages", method: "GET", status: 429, retryAfter: 7, times: 1 });
    expect(rule.status).toBe(201);
    const err = (await api.users.messages.list({ userId: "me" }, { retry: false }).catch((e: unknown) => e)) as { status: number; response: { headers: Headers; data: { error: { errors: { reason: string }[]; status: string } } } };
    expect(err.status).toBe(429);
    expect(err.response.headers.get("retry-after")).toBe("7");
    expect(err.response.data.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(err.response.data.error.errors[0]?.reason).toBe("rateLimitExceeded");
    expect((await api.users.messages.list({ userId: "me" }, { retry: false })).status).toBe(200);
    const listed = await h.control<{ rules: { injected: number }[] }>("GET", "/_control/faults");
    expect(listed.body.rules[0]?.injected).toBe(1);
    expect((await h.control<{ removed: number }>("DELETE", "/_control/faults")).body.removed).toBe(1);
  });

  it("a client that retries rides out transient 503s; rate 0 never fires", async () => {
    await h.control("POST", "/_control/faults", { rules: [{ path: "/gmail/v1/users/*/profile", status: 503, retryAfter: 0, times: 2 }, { path: "/gmail/**", status: 500, rate: 0 }] });
    const res = await api.users.getProfile({ userId: "me" }, { retryConfig: { retry: 3, retryDelay: 10, statusCodesToRetry: [[500, 599]] } });
    expect(res.data.emailAddress).toBe(admin);
    const rules = (await h.control<{ rules: { injected: number }[] }>("GET", "/_control/faults")).body.rules;
    expect(rules.map((r) => r.injected)).toEqual([2, 0]);
    await h.control("DELETE", "/_control/faults");
  });
});

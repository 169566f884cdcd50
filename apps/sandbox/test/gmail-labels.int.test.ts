// Gmail users.labels write methods through googleapis (create/get/patch/update/delete): Gmail's
// name rules (409 "Label name exists or conflicts", ignoring case, system names included),
// nested names, visibility fields, `Label_<n>` ids, created labels usable by insert/import/modify,
// label deletion reported in history as labelsRemoved; and expire-history invalidating every
// cursor issued so far (even the current historyId).
import { Readable } from "node:stream";
import type { gmail_v1 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { gmail, googleRoot, httpStatus, startSandbox, userToken, type Harness } from "./harness";

const MAIL = "https://mail.google.com/";
const LABELS = "https://www.googleapis.com/auth/gmail.labels";
const READONLY = "https://www.googleapis.com/auth/gmail.readonly";

let h: Harness;
let tenant: TenantSummary;
let api: gmail_v1.Gmail;
const raw = (subject: string) => Buffer.from(`From: a@example.com\r\nTo: b@example.com\r\nSubject: ${subject}\r\nDate: Tue, 02 Jan 2024 10:00:00 +0000\r\n\r\nbody of ${subject}\r\n`).toString("base64url");

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 41, users: 2, itemsPerUser: 40 });
  api = gmail(h.url, await userToken(h, tenant.adminEmail, [MAIL]));
});
afterAll(() => h.close());

async function userLabelCount(): Promise<number> {
  return ((await api.users.labels.list({ userId: "me" })).data.labels ?? []).filter((l) => l.type === "user").length;
}

describe("labels.create / get / patch / update / delete", () => {
  it("creates nested user labels with Label_<n> ids and the given visibility, listed by labels.list", async () => {
    const before = (await api.users.labels.list({ userId: "me" })).data.labels ?? [];
    const maxN = Math.max(...before.filter((l) => l.type === "user").map((l) => Number(l.id?.replace("Label_", ""))));
    const parent = (await api.users.labels.create({ userId: "me", requestBody: { name: "Restored" } })).data;
    const child = (await api.users.labels.create({ userId: "me", requestBody: { name: "Restored/2024/Q1", labelListVisibility: "labelHide", messageListVisibility: "hide" } })).data;
    expect(parent).toMatchObject({ id: `Label_${maxN + 1}`, name: "Restored", type: "user", labelListVisibility: "labelShow", messageListVisibility: "show" });
    expect(child).toMatchObject({ id: `Label_${maxN + 2}`, name: "Restored/2024/Q1", type: "user", labelListVisibility: "labelHide", messageListVisibility: "hide" });
    // A child does not need its parent: Gmail treats "/" as part of the name.
    const orphan = (await api.users.labels.create({ userId: "me", requestBody: { name: "NoParent/Child" } })).data;
    expect(orphan.name).toBe("NoParent/Child");
    const after = (await api.users.labels.list({ userId: "me" })).data.labels ?? [];
    expect(after.map((l) => l.id)).toEqual(expect.arrayContaining([parent.id, child.id, orphan.id]));
    expect(after).toHaveLength(before.length + 3);
  });

  it("refuses a name that exists, ignoring case, or names a system label: 409 ABORTED", async () => {
    await api.users.labels.create({ userId: "me", requestBody: { name: "Clients/Acme" } });
    const count = await userLabelCount();
    for (const name of ["Clients/Acme", "clients/ACME", "INBOX", "Inbox", "starred"]) {
      const err = (await api.users.labels.create({ userId: "me", requestBody: { name } }, { retry: false }).catch((e: unknown) => e)) as { response?: { data?: { error?: { status?: string; errors?: unknown[] } } } };
      expect(httpStatus(err), name).toBe(409);
      expect(err.response?.data?.error).toMatchObject({ status: "ABORTED", errors: [{ message: "Label name exists or conflicts", reason: "aborted" }] });
    }
    expect(await userLabelCount()).toBe(count);
    // Bad input names the problem.
    await expect(api.users.labels.create({ userId: "me", requestBody: { name: "" } }, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(api.users.labels.create({ userId: "me", requestBody: { name: "X", labelListVisibility: "sometimes" } }, { retry: false })).rejects.toThrow(/label_list_visibility/);
  });

  it("gets a label with its counts, patches and updates it, and refuses renaming onto another name", async () => {
    const a = (await api.users.labels.create({ userId: "me", requestBody: { name: "PatchMe" } })).data;
    const b = (await api.users.labels.create({ userId: "me", requestBody: { name: "Other" } })).data;
    const got = (await api.users.labels.get({ userId: "me", id: a.id ?? "" })).data;
    expect(got).toMatchObject({ id: a.id, name: "PatchMe", messagesTotal: 0, messagesUnread: 0 });
    const patched = (await api.users.labels.patch({ userId: "me", id: a.id ?? "", requestBody: { labelListVisibility: "labelShowIfUnread" } })).data;
    expect(patched).toMatchObject({ name: "PatchMe", labelListVisibility: "labelShowIfUnread", messageListVisibility: "show" });
    const updated = (await api.users.labels.update({ userId: "me", id: a.id ?? "", requestBody: { id: a.id, name: "Patched/Renamed", messageListVisibility: "hide" } })).data;
    expect(updated).toMatchObject({ id: a.id, name: "Patched/Renamed", messageListVisibility: "hide" });
    // A label may keep its own name (case change included) but not take another's.
    expect((await api.users.labels.patch({ userId: "me", id: a.id ?? "", requestBody: { name: "patched/renamed" } })).data.name).toBe("patched/renamed");
    await expect(api.users.labels.patch({ userId: "me", id: a.id ?? "", requestBody: { name: "other" } }, { retry: false })).rejects.toMatchObject({ status: 409 });
    await expect(api.users.labels.update({ userId: "me", id: b.id ?? "", requestBody: {} }, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(api.users.labels.patch({ userId: "me", id: "INBOX", requestBody: { name: "Mine" } }, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(api.users.labels.get({ userId: "me", id: "Label_9999" }, { retry: false })).rejects.toMatchObject({ status: 404 });
    // System labels answer labels.get too.
    expect((await api.users.labels.get({ userId: "me", id: "INBOX" })).data).toMatchObject({ id: "INBOX", type: "system" });
  });

  it("lets insert, import and modify use a created label; labels.get counts them", async () => {
    const label = (await api.users.labels.create({ userId: "me", requestBody: { name: "Restore 2024-01" } })).data;
    const id = label.id ?? "";
    const inserted = (await api.users.messages.insert({ userId: "me", requestBody: { raw: raw("one"), labelIds: [id, "UNREAD"] } })).data;
    expect(inserted.labelIds).toEqual([id, "UNREAD"]);
    const imported = (await api.users.messages.import(
      { userId: "me", requestBody: { labelIds: [id] }, media: { mimeType: "message/rfc822", body: Readable.from(Buffer.from(raw("two"), "base64url")) } },
      { rootUrl: googleRoot(h.url) },
    )).data;
    expect(imported.labelIds).toEqual([id]);
    const seeded = (await api.users.messages.list({ userId: "me", maxResults: 500 })).data.messages?.at(-1)?.id ?? "";
    const modified = (await api.users.messages.modify({ userId: "me", id: seeded, requestBody: { addLabelIds: [id] } })).data;
    expect(modified.labelIds).toContain(id);
    expect((await api.users.labels.get({ userId: "me", id })).data).toMatchObject({ messagesTotal: 3, messagesUnread: expect.any(Number) as number });
    const listed = (await api.users.messages.list({ userId: "me", labelIds: [id] })).data.messages?.map((m) => m.id);
    expect(listed?.sort()).toEqual([inserted.id, imported.id, seeded].sort());
    // An unknown label is still refused.
    await expect(api.users.messages.insert({ userId: "me", requestBody: { raw: raw("three"), labelIds: ["Label_9999"] } }, { retry: false })).rejects.toThrow(/Invalid label: Label_9999/);
  });

  it("deletes a label: gone from labels.list and from every message, reported as labelsRemoved in history", async () => {
    const label = (await api.users.labels.create({ userId: "me", requestBody: { name: "Doomed" } })).data;
    const id = label.id ?? "";
    const a = (await api.users.messages.insert({ userId: "me", requestBody: { raw: raw("d1"), labelIds: [id, "INBOX"] } })).data;
    const b = (await api.users.messages.insert({ userId: "me", requestBody: { raw: raw("d2"), labelIds: [id] } })).data;
    const start = (await api.users.getProfile({ userId: "me" })).data.historyId ?? "";
    const del = await api.users.labels.delete({ userId: "me", id });
    expect(del.status).toBe(204);
    expect(((await api.users.labels.list({ userId: "me" })).data.labels ?? []).some((l) => l.id === id)).toBe(false);
    expect((await api.users.messages.get({ userId: "me", id: a.id ?? "", format: "minimal" })).data.labelIds).toEqual(["INBOX"]);
    expect((await api.users.messages.get({ userId: "me", id: b.id ?? "", format: "minimal" })).data.labelIds).toEqual([]);
    const history = (await api.users.history.list({ userId: "me", startHistoryId: start })).data.history ?? [];
    const removed = history.flatMap((r) => r.labelsRemoved ?? []);
    expect(removed.map((r) => r.message?.id).sort()).toEqual([a.id, b.id].sort());
    expect(removed.every((r) => r.labelIds?.length === 1 && r.labelIds[0] === id)).toBe(true);
    // The deleted label can no longer be used, and its id is not reused.
    await expect(api.users.messages.modify({ userId: "me", id: a.id ?? "", requestBody: { addLabelIds: [id] } }, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(api.users.labels.delete({ userId: "me", id }, { retry: false })).rejects.toMatchObject({ status: 404 });
    const next = (await api.users.labels.create({ userId: "me", requestBody: { name: "Doomed" } })).data;
    expect(next.id).not.toBe(id);
    await expect(api.users.labels.delete({ userId: "me", id: "INBOX" }, { retry: false })).rejects.toMatchObject({ status: 400 });
  });

  it("takes gmail.labels for writes and refuses read-only tokens", async () => {
    const labelsOnly = gmail(h.url, await userToken(h, tenant.adminEmail, [LABELS]));
    expect((await labelsOnly.users.labels.create({ userId: "me", requestBody: { name: "Via gmail.labels" } })).data.id).toMatch(/^Label_\d+$/);
    const readonly = gmail(h.url, await userToken(h, tenant.adminEmail, [READONLY]));
    await expect(readonly.users.labels.create({ userId: "me", requestBody: { name: "Nope" } }, { retry: false })).rejects.toMatchObject({ status: 403 });
    expect((await readonly.users.labels.get({ userId: "me", id: "INBOX" })).data.id).toBe("INBOX");
  });
});

describe("expire-history", () => {
  it("invalidates every cursor issued so far, the current historyId included; the next profile historyId works", async () => {
    const member = tenant.units[1]?.email ?? "";
    const client = gmail(h.url, await userToken(h, member, [MAIL]));
    const current = (await client.users.getProfile({ userId: "me" })).data.historyId ?? "";
    expect((await client.users.history.list({ userId: "me", startHistoryId: current })).data.history).toBeUndefined();
    await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, { units: [member] });
    const err = await client.users.history.list({ userId: "me", startHistoryId: current }, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(404);
    const fresh = (await client.users.getProfile({ userId: "me" })).data.historyId ?? "";
    expect(Number(fresh)).toBeGreaterThan(Number(current));
    const ok = await client.users.history.list({ userId: "me", startHistoryId: fresh });
    expect(ok.data.history).toBeUndefined();
    await client.users.messages.insert({ userId: "me", requestBody: { raw: raw("after expiry") } });
    expect((await client.users.history.list({ userId: "me", startHistoryId: fresh })).data.history).toHaveLength(1);
  });
});

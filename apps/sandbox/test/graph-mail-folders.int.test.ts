// Mail folder writes through the official Graph client, as a restore uses them: create a folder
// tree (mailFolders, childFolders), 409 ErrorFolderExists among siblings, hidden folders, import
// into the new folders and their own delta, rename (PATCH) and delete (to Deleted Items, then for
// good) — each checked against the manifest.
import { createHash } from "node:crypto";
import { GraphError, RetryHandlerOptions, type Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface MailFolder {
  id: string;
  displayName: string;
  parentFolderId: string;
  childFolderCount: number;
  totalItemCount: number;
  isHidden: boolean;
}
interface Manifest {
  units: { email: string; folders: { id: string; path: string }[]; items: { id: string; folderId: string; folder: string; sha256: string }[] }[];
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let client: Client;
let upn: string;
const noRetry = () => new RetryHandlerOptions(0, 0);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const mime = (subject: string) => Buffer.from(`From: Ann <ann@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: ${subject}\r\nDate: Tue, 04 Jun 2019 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, "")}@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${subject} body\r\n`);

async function unit() {
  const m = (await h.control<Manifest>("GET", `/_control/tenants/${tenant.id}/manifest`)).body;
  const u = m.units.find((x) => x.email === upn);
  if (!u) throw new Error("unit missing from the manifest");
  return u;
}
async function graphError(p: Promise<unknown>): Promise<GraphError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}
const importInto = async (folderId: string, subject: string) => (await client.api(`/users/${upn}/mailFolders/${folderId}/messages`).header("Content-Type", "text/plain").post(mime(subject).toString("base64"))) as { id: string; parentFolderId: string };

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 58, users: 2, itemsPerUser: 30 });
  upn = tenant.adminEmail;
  const app = await registerMsApp(h, ["Mail.ReadWrite", "User.Read.All"]);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
});
afterAll(() => h.close());

describe("mail folder writes", () => {
  let restored: MailFolder;
  let year: MailFolder;

  it("creates top-level and child folders; a duplicate name among siblings is 409 ErrorFolderExists", async () => {
    const root = (await client.api(`/users/${upn}/mailFolders/msgfolderroot`).get()) as MailFolder;
    restored = (await client.api(`/users/${upn}/mailFolders`).post({ displayName: "Restored" })) as MailFolder;
    expect(restored).toMatchObject({ displayName: "Restored", parentFolderId: root.id, childFolderCount: 0, totalItemCount: 0, isHidden: false });
    const dup = await graphError(client.api(`/users/${upn}/mailFolders`).middlewareOptions([noRetry()]).post({ displayName: "restored" }));
    expect([dup.statusCode, dup.code]).toEqual([409, "ErrorFolderExists"]);

    year = (await client.api(`/users/${upn}/mailFolders/${restored.id}/childFolders`).post({ displayName: "2019" })) as MailFolder;
    expect(year).toMatchObject({ displayName: "2019", parentFolderId: restored.id });
    // The same name under another parent is fine.
    const inboxYear = (await client.api(`/users/${upn}/mailFolders/inbox/childFolders`).post({ displayName: "2019" })) as MailFolder;
    expect(inboxYear.id).not.toBe(year.id);
    expect((await graphError(client.api(`/users/${upn}/mailFolders/${restored.id}/childFolders`).middlewareOptions([noRetry()]).post({ displayName: "2019" }))).statusCode).toBe(409);

    const top = await collectPages<MailFolder>(client, `/users/${upn}/mailFolders?$top=5`);
    expect(top.items.find((f) => f.id === restored.id)).toMatchObject({ displayName: "Restored", childFolderCount: 1 });
    const children = (await client.api(`/users/${upn}/mailFolders/${restored.id}/childFolders`).get()) as { value: MailFolder[] };
    expect(children.value.map((f) => f.id)).toEqual([year.id]);
    const u = await unit();
    expect(u.folders).toEqual(expect.arrayContaining([expect.objectContaining({ id: restored.id, path: "Restored" }), expect.objectContaining({ id: year.id, path: "Restored/2019" })]));
  });

  it("hides folders created with isHidden unless includeHiddenFolders=true", async () => {
    const hidden = (await client.api(`/users/${upn}/mailFolders/${restored.id}/childFolders`).post({ displayName: "Quiet", isHidden: true })) as MailFolder;
    expect(hidden.isHidden).toBe(true);
    const visible = (await client.api(`/users/${upn}/mailFolders/${restored.id}/childFolders`).get()) as { value: MailFolder[] };
    expect(visible.value.map((f) => f.id)).not.toContain(hidden.id);
    const all = (await client.api(`/users/${upn}/mailFolders/${restored.id}/childFolders`).query({ includeHiddenFolders: "true" }).get()) as { value: MailFolder[] };
    expect(all.value.map((f) => f.id)).toContain(hidden.id);
  });

  it("rejects bad bodies with an error naming the problem", async () => {
    const missing = await graphError(client.api(`/users/${upn}/mailFolders`).middlewareOptions([noRetry()]).post({}));
    expect(missing.statusCode).toBe(400);
    expect(missing.message).toContain("displayName");
    const hidden = await graphError(client.api(`/users/${upn}/mailFolders`).middlewareOptions([noRetry()]).post({ displayName: "X", isHidden: "yes" }));
    expect(hidden.message).toContain("isHidden");
    expect((await graphError(client.api(`/users/${upn}/mailFolders/nope/childFolders`).middlewareOptions([noRetry()]).post({ displayName: "X" }))).statusCode).toBe(404);
  });

  it("takes messages at once: import, list, and the new folder's own delta", async () => {
    const first = await importInto(year.id, "Invoice 2019-06");
    expect(first.parentFolderId).toBe(year.id);
    const listed = (await client.api(`/users/${upn}/mailFolders/${year.id}/messages`).get()) as { value: { id: string }[] };
    expect(listed.value.map((m) => m.id)).toEqual([first.id]);
    const initial = await collectPages<{ id: string }>(client, `/users/${upn}/mailFolders/${year.id}/messages/delta`);
    expect(initial.items.map((m) => m.id)).toEqual([first.id]);

    const second = await importInto(year.id, "Invoice 2019-07");
    const round = await collectPages<{ id: string }>(client, String(initial.last["@odata.deltaLink"]));
    expect(round.items.map((m) => m.id)).toEqual([second.id]);
    const u = await unit();
    expect(u.items.find((i) => i.id === second.id)).toMatchObject({ folderId: year.id, folder: "Restored/2019", sha256: sha(mime("Invoice 2019-07")) });
    expect(((await client.api(`/users/${upn}/mailFolders/${year.id}`).get()) as MailFolder).totalItemCount).toBe(2);
  });

  it("renames a folder with PATCH; a taken name is 409 and well-known folders keep theirs", async () => {
    const renamed = (await client.api(`/users/${upn}/mailFolders/${year.id}`).patch({ displayName: "Year 2019" })) as MailFolder;
    expect(renamed).toMatchObject({ id: year.id, displayName: "Year 2019", parentFolderId: restored.id });
    const u = await unit();
    expect(u.folders.find((f) => f.id === year.id)?.path).toBe("Restored/Year 2019");
    expect(u.items.filter((i) => i.folderId === year.id).every((i) => i.folder === "Restored/Year 2019")).toBe(true);
    const taken = await graphError(client.api(`/users/${upn}/mailFolders/${restored.id}`).middlewareOptions([noRetry()]).patch({ displayName: "INBOX" }));
    expect([taken.statusCode, taken.code]).toEqual([409, "ErrorFolderExists"]);
    expect((await graphError(client.api(`/users/${upn}/mailFolders/inbox`).middlewareOptions([noRetry()]).patch({ displayName: "Post" }))).statusCode).toBe(400);
  });

  it("deletes a folder to Deleted Items with its contents, then for good from there", async () => {
    const deletedItems = (await client.api(`/users/${upn}/mailFolders/deleteditems`).get()) as MailFolder;
    const inside = (await unit()).items.filter((i) => i.folderId === year.id).map((i) => i.id);
    expect(inside).toHaveLength(2);
    await client.api(`/users/${upn}/mailFolders/${restored.id}`).delete();
    expect(((await client.api(`/users/${upn}/mailFolders/${restored.id}`).get()) as MailFolder).parentFolderId).toBe(deletedItems.id);
    const moved = await unit();
    expect(moved.folders.find((f) => f.id === year.id)?.path).toBe("Deleted Items/Restored/Year 2019");
    expect(moved.items.filter((i) => i.folderId === year.id).map((i) => i.id).sort()).toEqual([...inside].sort());
    const top = await collectPages<MailFolder>(client, `/users/${upn}/mailFolders`);
    expect(top.items.map((f) => f.id)).not.toContain(restored.id);

    await client.api(`/users/${upn}/mailFolders/${restored.id}`).delete();
    expect((await graphError(client.api(`/users/${upn}/mailFolders/${restored.id}`).middlewareOptions([noRetry()]).get())).statusCode).toBe(404);
    expect((await graphError(client.api(`/users/${upn}/mailFolders/${year.id}/messages`).middlewareOptions([noRetry()]).get())).statusCode).toBe(404);
    expect((await graphError(client.api(`/users/${upn}/messages/${inside[0]}`).middlewareOptions([noRetry()]).get())).statusCode).toBe(404);
    const gone = await unit();
    expect(gone.folders.some((f) => f.id === restored.id || f.id === year.id)).toBe(false);
    expect(gone.items.some((i) => inside.includes(i.id))).toBe(false);

    const wellKnown = await graphError(client.api(`/users/${upn}/mailFolders/inbox`).middlewareOptions([noRetry()]).delete());
    expect([wellKnown.statusCode, wellKnown.code]).toEqual([400, "ErrorDeleteDistinguishedFolder"]);
  });

  it("needs Mail.ReadWrite", async () => {
    const readOnly = await registerMsApp(h, ["Mail.Read"]);
    await adminConsent(h, tenant.tenantId, readOnly);
    const reader = graphClient(h, await appToken(h, tenant.tenantId, readOnly));
    expect((await graphError(reader.api(`/users/${upn}/mailFolders`).middlewareOptions([noRetry()]).post({ displayName: "Nope" }))).statusCode).toBe(403);
  });
});

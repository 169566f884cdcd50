// The browser walk of issue 6: a person connects a source in the console, the first backup runs,
// data is lost at the provider (the sandbox, through the same provider APIs a user's client
// would call), a backup records the loss, the person finds what was lost — by search and in the
// as-of tree — restores it through the wizard and watches the job; the sandbox's manifest is the
// ground truth that it is back byte for byte. The console steps follow the UI contract the
// browse, restore and job pages are built to (names, roles, URLs); see ui/restore-*.spec.ts.
import { createSign } from "node:crypto";
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations, settled } from "./a11y";
import { followLink, screenshotAtWidths } from "./console";
import { E2E_BASE_URL } from "./env";
import { control, type Json } from "./partner";

// ---------------------------------------------------------------------------------------------
// The sandbox: its control API and its manifests.

export type Sb = <T>(method: "GET" | "POST", path: string, body?: unknown) => Promise<T>;
export const sandboxControl = (request: APIRequestContext, sandboxUrl: string): Sb => (method, path, body) => control(request, sandboxUrl, method, path, body);

export const FOLDER_MIME = "application/vnd.google-apps.folder";

export interface GoogleTenant {
  id: string;
  domain: string;
  adminEmail: string;
  units: { id: string; email: string; items: number }[];
}
export interface GmailItem {
  id: string;
  labelIds: string[];
  size: number;
  sha256: string;
}
export interface GDriveItem {
  id: string;
  path: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  sha256?: string;
  sha256Of?: string;
}
export interface GoogleManifest {
  units: { id: string; email: string; items: GmailItem[] }[];
  drives: { id: string; kind: "myDrive" | "sharedDrive"; email?: string; items: GDriveItem[] }[];
}

export interface MicrosoftTenant {
  id: string;
  tenantId: string;
  domain: string;
  adminEmail: string;
  units: { id: string; email: string; items: number }[];
}
export interface MsMessage {
  id: string;
  /** "Inbox/Projects" */
  folder: string;
  sha256: string;
}
export interface MsFile {
  id: string;
  /** "/Documents/Report 1.docx" */
  path: string;
  sha256: string;
}
export interface MicrosoftManifest {
  units: { id: string; email: string; items: MsMessage[]; drive: { id: string; items: MsFile[] } }[];
}

// ---------------------------------------------------------------------------------------------
// Connecting a source in the console.

/** Creates the vault on the connect page if the organisation has none yet (its recovery key is shown once). */
async function vaultIfNeeded(page: Page): Promise<void> {
  const create = page.getByRole("button", { name: "Create the vault" });
  const provider = page.getByRole("radio", { name: /Google Workspace/ });
  await expect(create.or(provider).first()).toBeVisible({ timeout: 30_000 });
  if (await create.isVisible()) {
    await create.click();
    expect((await page.getByLabel("Recovery key", { exact: true }).inputValue()).length).toBeGreaterThan(16);
    await page.getByRole("button", { name: "I have saved the recovery key" }).click();
  }
  await expect(provider).toBeVisible();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export interface Connected {
  sourceId: string;
}

/**
 * Google Workspace, the way connect-source.spec.ts walks it (condensed): a sandbox tenant and the
 * service account key its admin made; the console's connect form; the provider's consent page,
 * approved by the super admin; back on the source's page with its first backup running.
 */
export async function connectGoogleInConsole(page: Page, sb: Sb, orgId: string, seed: { seed: number; users: number; itemsPerUser: number; driveFilesPerUser: number }): Promise<Connected & { google: GoogleTenant; serviceAccountKey: Json }> {
  const google = await sb<GoogleTenant>("POST", "/_control/tenants", { provider: "google", ...seed });
  const serviceAccountKey = await sb<Json>("POST", `/_control/tenants/${google.id}/service-accounts`, {});
  await page.goto(`/o/${orgId}/sources/connect`);
  await vaultIfNeeded(page);
  await page.getByRole("radio", { name: /Google Workspace/ }).check();
  await page.getByLabel("Super admin's email").fill(google.adminEmail);
  await page.getByLabel("Service account key (JSON)").fill(JSON.stringify(serviceAccountKey));
  await page.getByRole("button", { name: "Continue to Google" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/o/"), { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: /wants to access your Google/ })).toBeVisible();
  await page.getByRole("radio", { name: new RegExp(escapeRe(google.adminEmail)) }).check();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(new RegExp(`/o/${orgId}/sources/[0-9a-f-]{36}\\?connected=1$`), { timeout: 30_000 });
  await expect(page.getByText("Google Workspace is connected")).toBeVisible();
  const sourceId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  return { sourceId, google, serviceAccountKey };
}

/**
 * Microsoft 365: the connect form has nothing to upload; the browser goes to Microsoft's admin
 * consent page (the sandbox's), where the tenant's Global Administrator approves the app for the
 * whole tenant; back on the source's page with its first backup running.
 */
export async function connectMicrosoftInConsole(page: Page, sb: Sb, orgId: string, seed: { seed: number; users: number; itemsPerUser: number }): Promise<Connected & { ms: MicrosoftTenant }> {
  const ms = await sb<MicrosoftTenant>("POST", "/_control/tenants", { provider: "microsoft", ...seed });
  await page.goto(`/o/${orgId}/sources/connect`);
  await vaultIfNeeded(page);
  await page.getByRole("radio", { name: /Microsoft 365/ }).check();
  await page.getByRole("button", { name: "Continue to Microsoft" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/o/"), { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: /wants to access your Microsoft/ })).toBeVisible();
  // The consent page lists the Global Administrators it may be; ours is the new tenant's.
  await page.getByRole("radio", { name: new RegExp(escapeRe(ms.adminEmail), "i") }).check();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(new RegExp(`/o/${orgId}/sources/[0-9a-f-]{36}\\?connected=1$`), { timeout: 30_000 });
  await expect(page.getByText("Microsoft 365 is connected")).toBeVisible();
  const sourceId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  return { sourceId, ms };
}

// ---------------------------------------------------------------------------------------------
// Backups, as the source's page shows them.

const backupCard = (page: Page) => page.locator('section[aria-labelledby="backup-heading"]');

/** On the source's page: waits for the last backup to complete; answers when it started and finished. */
export async function waitForBackupCompleted(page: Page, timeout = 120_000): Promise<{ startedAt: string; finishedAt: string }> {
  await expect(page.getByTestId("backup-status")).toHaveText("Completed", { timeout });
  const times = backupCard(page).locator("h2 + p time");
  await expect(times).toHaveCount(2);
  return { startedAt: (await times.nth(0).getAttribute("datetime")) ?? "", finishedAt: (await times.nth(1).getAttribute("datetime")) ?? "" };
}

/** On the source's page: "Back up now", then waits for that new backup (a later start) to complete. */
export async function backUpNow(page: Page, after: { startedAt: string }, timeout = 120_000): Promise<{ startedAt: string; finishedAt: string }> {
  await page.getByRole("button", { name: "Back up now" }).click();
  const started = backupCard(page).locator("h2 + p time").first();
  await expect.poll(async () => Date.parse((await started.getAttribute("datetime", { timeout: 2_000 }).catch(() => null)) ?? "") > Date.parse(after.startedAt), { timeout: 30_000, message: "a new backup started" }).toBe(true);
  return waitForBackupCompleted(page, timeout);
}

// ---------------------------------------------------------------------------------------------
// Losing data at the provider, through the provider's own API on the sandbox.

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** A Google access token for `subject`, as a service account with domain-wide delegation gets one (RS256 JWT bearer grant). */
export async function googleToken(request: APIRequestContext, key: Json, subject: string, scopes: string[]): Promise<string> {
  const tokenUri = String(key.token_uri);
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: key.private_key_id }));
  const claims = b64url(JSON.stringify({ iss: key.client_email, sub: subject, scope: scopes.join(" "), aud: tokenUri, iat: now, exp: now + 600 }));
  const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(String(key.private_key)).toString("base64url");
  const res = await request.post(tokenUri, { form: { grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: `${header}.${claims}.${signature}` } });
  expect(res.status(), `Google token for ${subject}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The longest word of a subject: what a person types into search to find it. */
export function searchWordOf(subject: string): string {
  const word = subject.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0] ?? "";
  expect(word.length, `no searchable word in "${subject}"`).toBeGreaterThan(2);
  return word;
}

export interface LostMessage {
  id: string;
  subject: string;
  sha256: string;
  /** Microsoft: the message's folder path. */
  folder?: string;
}
export interface LostFolder {
  /** "/Documents/Reports" */
  path: string;
  name: string;
  files: { path: string; name: string; sha256: string }[];
}

/** Deletes one Inbox message of `email` for good (users.messages.delete) and answers what it was. */
export async function deleteGmailMessage(request: APIRequestContext, sandboxUrl: string, key: Json, manifest: GoogleManifest, email: string): Promise<LostMessage> {
  const token = await googleToken(request, key, email, ["https://mail.google.com/"]);
  const auth = { Authorization: `Bearer ${token}` };
  const mailbox = manifest.units.find((u) => u.email === email)?.items ?? [];
  const inbox = mailbox.filter((m) => m.labelIds.includes("INBOX") && !m.labelIds.some((l) => ["TRASH", "SPAM", "DRAFT"].includes(l)));
  for (const m of inbox) {
    const res = await request.get(`${sandboxUrl}/gmail/v1/users/me/messages/${m.id}?format=metadata&metadataHeaders=Subject`, { headers: auth });
    expect(res.status(), await res.text()).toBe(200);
    const subject = ((await res.json()) as { payload: { headers: { name: string; value: string }[] } }).payload.headers.find((h) => h.name.toLowerCase() === "subject")?.value ?? "";
    // One that a search can find by a word of its subject.
    if (!subject || (subject.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0] ?? "").length < 5) continue;
    const del = await request.delete(`${sandboxUrl}/gmail/v1/users/me/messages/${m.id}`, { headers: auth });
    expect(del.status(), await del.text()).toBe(204);
    return { id: m.id, subject, sha256: m.sha256 };
  }
  throw new Error(`no Inbox message of ${email} with a searchable subject`);
}

const isGFile = (i: GDriveItem) => i.mimeType !== FOLDER_MIME;

/**
 * Deletes one folder of `email`'s My Drive with the files in it, for good (files.delete, deepest
 * first), and answers what it held. Prefers a folder without sub-folders whose files all have
 * bytes of their own (not Google-native documents, whose hash is of an export).
 */
export async function deleteGoogleDriveFolder(request: APIRequestContext, sandboxUrl: string, key: Json, manifest: GoogleManifest, email: string): Promise<LostFolder> {
  const items = (manifest.drives.find((d) => d.kind === "myDrive" && d.email === email)?.items ?? []).filter((i) => !i.trashed);
  const below = (p: string) => items.filter((i) => i.path.startsWith(`${p}/`));
  const candidates = items
    .filter((f) => !isGFile(f) && below(f.path).some(isGFile))
    .map((f) => ({ f, inside: below(f.path), leaf: !below(f.path).some((i) => !isGFile(i)), bytes: below(f.path).filter(isGFile).every((i) => i.sha256Of === "content") }))
    .sort((a, b) => Number(b.leaf && b.bytes) - Number(a.leaf && a.bytes) || Number(b.bytes) - Number(a.bytes) || a.inside.length - b.inside.length);
  const pick = candidates[0];
  if (!pick) throw new Error(`${email}'s My Drive has no folder with files`);
  const token = await googleToken(request, key, email, ["https://www.googleapis.com/auth/drive"]);
  const auth = { Authorization: `Bearer ${token}` };
  const doomed = [...pick.inside].sort((a, b) => b.path.split("/").length - a.path.split("/").length || Number(isGFile(b)) - Number(isGFile(a)));
  for (const i of [...doomed, pick.f]) {
    const del = await request.delete(`${sandboxUrl}/drive/v3/files/${i.id}`, { headers: auth });
    expect(del.status(), `deleting ${i.path}: ${await del.text()}`).toBe(204);
  }
  return { path: pick.f.path, name: pick.f.name, files: pick.inside.filter(isGFile).map((i) => ({ path: i.path, name: i.name, sha256: i.sha256 ?? "" })) };
}

/**
 * Graph as an app the tenant's admin consented to: a registration of our own with the sandbox
 * (mail and files, read and write), consented by the Global Administrator, and a client
 * credentials token for the tenant. Answers a fetch for Graph v1.0 paths.
 */
export async function graphClient(request: APIRequestContext, sandboxUrl: string, sb: Sb, ms: MicrosoftTenant) {
  const redirect = "http://127.0.0.1:9/e2e-walk";
  const app = await sb<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "microsoft", name: "e2e walk (the customer's own script)", redirectUris: [redirect], appRoles: ["Mail.ReadWrite", "Files.ReadWrite.All"] });
  const consent = new URL(`${sandboxUrl}/microsoft/${ms.tenantId}/v2.0/adminconsent`);
  for (const [k, v] of Object.entries({ client_id: app.clientId, redirect_uri: redirect, scope: "https://graph.microsoft.com/.default", state: "walk", login_hint: ms.adminEmail })) consent.searchParams.set(k, v);
  const approved = await request.get(consent.toString(), { headers: { "X-Sandbox-Consent": "approve" }, maxRedirects: 0 });
  expect(approved.status(), await approved.text()).toBe(302);
  const tokenRes = await request.post(`${sandboxUrl}/microsoft/${ms.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret, scope: "https://graph.microsoft.com/.default" } });
  expect(tokenRes.status(), await tokenRes.text()).toBe(200);
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const graph = `${sandboxUrl}/microsoft/graph/v1.0`;
  return (method: "GET" | "DELETE", path: string) => request.fetch(`${graph}${path}`, { method, headers: { Authorization: `Bearer ${token}` }, ignoreHTTPSErrors: true });
}
export type Graph = Awaited<ReturnType<typeof graphClient>>;

/** Deletes one Inbox message of `email` (Graph DELETE: gone, not in Deleted Items) and answers what it was. */
export async function deleteOutlookMessage(graph: Graph, manifest: MicrosoftManifest, email: string): Promise<LostMessage> {
  const unit = manifest.units.find((u) => u.email.toLowerCase() === email.toLowerCase());
  const upn = encodeURIComponent(email);
  for (const m of unit?.items.filter((x) => x.folder === "Inbox") ?? []) {
    const res = await graph("GET", `/users/${upn}/messages/${m.id}?$select=subject`);
    expect(res.status(), await res.text()).toBe(200);
    const subject = ((await res.json()) as { subject?: string }).subject ?? "";
    if (!subject || (subject.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0] ?? "").length < 5) continue;
    const del = await graph("DELETE", `/users/${upn}/messages/${m.id}`);
    expect(del.status(), await del.text()).toBe(204);
    return { id: m.id, subject, sha256: m.sha256, folder: m.folder };
  }
  throw new Error(`no Inbox message of ${email} with a searchable subject`);
}

/** Deletes one OneDrive folder of `email` with everything in it (Graph DELETE on the folder) and answers what it held. */
export async function deleteOneDriveFolder(graph: Graph, manifest: MicrosoftManifest, email: string): Promise<LostFolder> {
  const unit = manifest.units.find((u) => u.email.toLowerCase() === email.toLowerCase());
  const files = unit?.drive.items ?? [];
  const folders = [...new Set(files.flatMap((f) => f.path.split("/").slice(1, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join("/")}`)))];
  const below = (p: string) => files.filter((f) => f.path.startsWith(`${p}/`));
  // The smallest folder with files in it, so the restore is quick; sub-folders are fine.
  const path = folders.filter((p) => below(p).length > 0).sort((a, b) => below(a).length - below(b).length)[0];
  if (!path) throw new Error(`${email}'s OneDrive has no folder with files`);
  const del = await graph("DELETE", `/users/${encodeURIComponent(email)}/drive/root:${path.split("/").map(encodeURIComponent).join("/")}:`);
  expect(del.status(), `deleting ${path}: ${await del.text()}`).toBe(204);
  return { path, name: path.split("/").at(-1) ?? "", files: below(path).map((f) => ({ path: f.path, name: f.path.split("/").at(-1) ?? "", sha256: f.sha256 })) };
}

// ---------------------------------------------------------------------------------------------
// Finding and restoring, in the console (the UI contract's names).

/** Axe, then screenshots at 360 and 1920 px, of the page as it is. */
export async function checkAndShoot(page: Page, name: string): Promise<void> {
  await settled(page);
  await expectNoSeriousA11yViolations(page, name);
  await screenshotAtWidths(page, name);
}

/**
 * The search page: "Deleted items only" and a word of the lost message's subject; the result is
 * there, marked Deleted. Visits its item page (screenshot, axe) and comes back. Answers the
 * result's name as the console shows it.
 */
export async function findDeletedBySearch(page: Page, orgId: string, lost: LostMessage, shots: string): Promise<string> {
  await page.goto(`/o/${orgId}/search`);
  await settled(page);
  const form = page.getByRole("search");
  await form.getByRole("textbox", { name: "Search backups" }).fill(searchWordOf(lost.subject));
  await page.getByRole("checkbox", { name: "Deleted items only" }).check();
  await form.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/[?&]deleted=1/);
  const results = page.getByRole("list", { name: "Search results" });
  const row = results.getByRole("listitem").filter({ hasText: lost.subject });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row.getByText("Deleted", { exact: true })).toBeVisible();
  const name = (await row.getByRole("link").first().innerText()).trim();
  await checkAndShoot(page, `${shots}-search-results`);

  // Its item page: the versions, a preview, a download.
  await followLink(page, row.getByRole("link", { name, exact: true }), new RegExp(`/o/${orgId}/items/[^/?]+`));
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("list", { name: "Versions" }).getByRole("listitem").first()).toBeVisible();
  await checkAndShoot(page, `${shots}-item`);
  await page.goBack();
  await expect(results.getByRole("listitem").filter({ hasText: lost.subject })).toHaveCount(1);
  return name;
}

/** From a selection on the search results: "Restore selected" opens the wizard. */
export async function restoreSearchResult(page: Page, name: string): Promise<void> {
  await page.getByRole("list", { name: "Search results" }).getByRole("checkbox", { name: `Select ${name}` }).check();
  await page.getByRole("button", { name: "Restore selected" }).click();
  await page.waitForURL(/\/restore\?/);
}

const dayName = (iso: string, timeZone: string) => {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  // "28 November 2026" (en-GB) or "November 28, 2026" (en-US), with or without the weekday.
  return new RegExp(`(^|\\s)${parts.day} ${parts.month},? ${parts.year}$|${parts.month} ${parts.day}, ${parts.year}$`);
};

/**
 * Browse: the unit of `email` whose kind label matches `kind` (a link of the list "Units"); "Choose point in time" → the day
 * of `snapshotBefore` → the earliest backup of that day, which must be before `lostAt`; then the
 * lost folder is in the listing (walking into its parents) and is selected. Answers the asOf.
 */
export async function selectFolderAsOf(page: Page, orgId: string, opts: { email: string; kind: RegExp; folder: LostFolder; snapshotBefore: string; lostAt: number; timeZone: string; shots: string }): Promise<string> {
  await page.goto(`/o/${orgId}/browse`);
  await settled(page);
  const units = page.getByRole("list", { name: "Units" });
  // The unit's link names it (its display name, the owner's address) and its kind ("Drive", "OneDrive").
  const unitLink = units.getByRole("link").filter({ hasText: new RegExp(escapeRe(opts.email), "i") }).filter({ hasText: opts.kind });
  await expect(unitLink).toHaveCount(1, { timeout: 30_000 });
  await followLink(page, unitLink, new RegExp(`/o/${orgId}/browse/[^/?]+`));
  await settled(page);
  const listing = page.getByRole("list", { name: "Folder contents" });
  // Now (no asOf): the folder is gone from the latest backup.
  await expect(page.getByTestId("as-of").locator("time")).toHaveCount(1);
  await expect(listing.getByRole("link", { name: opts.folder.path.split("/")[1] ?? "", exact: true })).toHaveCount(opts.folder.path.split("/").length === 2 ? 0 : 1);

  await page.getByRole("button", { name: "Choose point in time" }).click();
  const dialog = page.getByRole("dialog", { name: "Choose a point in time" });
  await expect(dialog).toBeVisible();
  const day = dialog.getByRole("button", { name: dayName(opts.snapshotBefore, opts.timeZone) });
  // The month's calendar renders once the snapshots are read; only then is a day's absence meaningful.
  await expect(dialog.getByRole("table").first()).toBeVisible({ timeout: 30_000 });
  for (let i = 0; i < 2 && !(await day.isVisible()); i++) {
    const previous = dialog.getByRole("button", { name: "Previous month" });
    await expect(previous, "the backup's day is in an earlier month").toBeEnabled();
    await previous.click();
  }
  await expect(day).toBeEnabled();
  await day.click();
  const snapshots = dialog.getByRole("button", { name: /^Backup at \d{1,2}:\d{2}(:\d{2})?/ });
  await expect(snapshots.first()).toBeVisible();
  const labels = await snapshots.allInnerTexts();
  expect(labels.length, `snapshots of the day: ${labels.join(", ")}`).toBeGreaterThanOrEqual(2);
  const seconds = (l: string) => {
    const [h = 0, m = 0, s = 0] = (/(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(l)?.slice(1) ?? []).map((x) => Number(x ?? 0));
    return h * 3600 + m * 60 + s;
  };
  const earliest = labels.reduce((a, b) => (seconds(b) < seconds(a) ? b : a));
  await screenshotAtWidths(page, `${opts.shots}-point-in-time`);
  await expectNoSeriousA11yViolations(page, `${opts.shots} point-in-time dialog`);
  await dialog.getByRole("button", { name: earliest.trim(), exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/[?&]asOf=/);
  const asOf = new URL(page.url()).searchParams.get("asOf") ?? "";
  expect(Date.parse(asOf), `asOf ${asOf} is before the loss`).toBeLessThan(opts.lostAt);
  await expect(page.getByTestId("as-of").locator("time")).toHaveAttribute("datetime", asOf);

  // The folder is back in the tree as of then; walk to its parent, keeping the asOf.
  const segments = opts.folder.path.split("/").filter(Boolean);
  for (const parent of segments.slice(0, -1)) {
    await followLink(page, listing.getByRole("link", { name: parent, exact: true }), new RegExp(`[?&]path=[^&]*${encodeURIComponent(parent).replace(/%20/g, "(%20|\\+)")}`));
    await expect(page).toHaveURL(/[?&]asOf=/);
  }
  await expect(page.getByRole("navigation", { name: "Folder path" }).getByRole("link").first()).toBeVisible();
  await expect(listing.getByRole("link", { name: opts.folder.name, exact: true })).toBeVisible({ timeout: 30_000 });
  await checkAndShoot(page, `${opts.shots}-browse`);
  await listing.getByRole("checkbox", { name: `Select ${opts.folder.name}` }).check();
  await page.getByRole("button", { name: "Restore selected" }).click();
  await page.waitForURL(/\/restore\?/);
  return asOf;
}

/**
 * The wizard, for a restore to the original place that skips what exists: checks its sections,
 * screenshots it, starts it and lands on the job's page. Answers the job's id.
 */
export async function runRestoreWizard(page: Page, orgId: string, shots: string, expectWhat: RegExp): Promise<string> {
  await expect(page.getByRole("heading", { level: 1, name: "Restore" })).toBeVisible({ timeout: 30_000 });
  for (const h of ["What", "Point in time", "Where to", "If an item already exists", "Review"]) await expect(page.getByRole("heading", { level: 2, name: h })).toBeVisible();
  await expect(page.getByRole("main")).toContainText(expectWhat);
  await expect(page.getByLabel("Restore as of")).toBeVisible();
  // A radio group: role radiogroup, or a fieldset (role group) with its legend.
  const where = page.getByRole("radiogroup", { name: "Restore to" }).or(page.getByRole("group", { name: "Restore to" }));
  await where.getByRole("radio", { name: /^Original location/ }).check();
  await page.getByRole("radio", { name: /^Skip it/ }).check();
  await checkAndShoot(page, `${shots}-wizard`);
  await page.getByRole("button", { name: "Start restore" }).click();
  await page.waitForURL(new RegExp(`/o/${orgId}/jobs/[^/?]+$`), { timeout: 30_000 });
  return new URL(page.url()).pathname.split("/").at(-1) ?? "";
}

/** The job's page: it reaches Completed, and each of `names` has a row saying Restored. */
export async function expectRestoreJobRestored(page: Page, names: string[], shots: string, timeout = 120_000): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: /^Restore of / })).toBeVisible();
  await expect(page.getByRole("progressbar").first()).toBeVisible();
  await expect(page.getByTestId("job-status")).toHaveText("Completed", { timeout });
  const rows = page.getByRole("list", { name: "Items" }).getByRole("listitem").or(page.getByRole("table", { name: "Items" }).locator("tbody tr"));
  for (const name of names) {
    const row = rows.filter({ hasText: name });
    await expect(row.first(), `a row for ${name}`).toBeVisible();
    await expect(row.first()).toContainText("Restored");
  }
  // It survives a reload: the state is the server's.
  await page.reload();
  await expect(page.getByTestId("job-status")).toHaveText("Completed");
  await checkAndShoot(page, `${shots}-job`);
}

// ---------------------------------------------------------------------------------------------
// The ground truth: the lost items are back, byte for byte.

export function expectGoogleRestored(after: GoogleManifest, email: string, message: LostMessage, folder: LostFolder): void {
  const mailbox = after.units.find((u) => u.email === email)?.items ?? [];
  expect(mailbox.filter((m) => m.sha256 === message.sha256), `the message "${message.subject}" is back once, byte-identical`).toHaveLength(1);
  const live = (after.drives.find((d) => d.kind === "myDrive" && d.email === email)?.items ?? []).filter((i) => !i.trashed);
  expect(live.some((i) => i.mimeType === FOLDER_MIME && i.path === folder.path), `the folder ${folder.path} is back`).toBe(true);
  const problems: string[] = [];
  for (const f of folder.files) {
    const there = live.filter((i) => i.mimeType !== FOLDER_MIME && i.path === f.path);
    if (there.length !== 1) problems.push(`${f.path}: ${there.length} live files at the path`);
    else if (there[0]?.sha256 !== f.sha256) problems.push(`${f.path}: hash ${there[0]?.sha256}, was ${f.sha256}`);
  }
  expect(problems, "every file of the folder is back at its path with the same bytes").toEqual([]);
}

export function expectMicrosoftRestored(after: MicrosoftManifest, email: string, message: LostMessage, folder: LostFolder): void {
  const unit = after.units.find((u) => u.email.toLowerCase() === email.toLowerCase());
  const back = (unit?.items ?? []).filter((m) => m.sha256 === message.sha256);
  expect(back.map((m) => m.folder), `the message "${message.subject}" is back once, in ${message.folder}, byte-identical`).toEqual([message.folder]);
  const files = unit?.drive.items ?? [];
  const problems: string[] = [];
  for (const f of folder.files) {
    const there = files.filter((i) => i.path === f.path);
    if (there.length !== 1) problems.push(`${f.path}: ${there.length} files at the path`);
    else if (there[0]?.sha256 !== f.sha256) problems.push(`${f.path}: hash ${there[0]?.sha256}, was ${f.sha256}`);
  }
  expect(problems, "every file of the folder is back at its path with the same bytes").toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// End-user self-service (ADR 0016).

/**
 * A person of a protected directory, in a browser of their own: "Sign in with Google|Microsoft" on
 * the console's sign-in page → the provider's account chooser (the sandbox's) → back, signed in,
 * on their own data (`/o/{orgId}/browse`). The caller closes the context.
 */
export async function signInWithDirectory(
  browser: Browser,
  use: { timezoneId: string; locale: string; viewport: { width: number; height: number } },
  provider: "Google" | "Microsoft",
  email: string,
  orgId: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...use, baseURL: E2E_BASE_URL });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await settled(page);
  await expectNoSeriousA11yViolations(page, "sign-in with the Google and Microsoft buttons");
  await page.getByRole("button", { name: `Sign in with ${provider}` }).click();
  await page.waitForURL((u) => !u.href.startsWith(E2E_BASE_URL), { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: new RegExp(`wants to access your ${provider} account`) })).toBeVisible();
  await page.getByRole("radio", { name: new RegExp(escapeRe(email), "i") }).check();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(new RegExp(`/o/${orgId}/browse$`), { timeout: 60_000 });
  await settled(page);
  await expect(page.getByText("Self-service: your own data only").first()).toBeVisible();
  return { context, page };
}

/** The units the browse page lists whose row names `email` (one link per unit). */
export const unitLinksOf = (page: Page, email: string) =>
  page.getByRole("list", { name: "Units" }).getByRole("link").filter({ hasText: new RegExp(escapeRe(email), "i") });

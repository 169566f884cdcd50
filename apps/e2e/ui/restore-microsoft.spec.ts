// Issue 6, Microsoft 365, in real Chromium against the run's stack (serve.ts): sign up → connect
// Microsoft 365 by admin consent → the first backup completes → at Microsoft, a user's Outlook
// message and a OneDrive folder with its files are deleted → a backup records the loss → the
// person finds the message by search (deleted items only) and restores it; finds the folder in
// the tree as of the backup before the loss and restores it → each restore job completes, its
// items Restored → the sandbox's manifest has the message (in its folder) and every file of the
// folder back, byte-identical. Axe on every page visited; screenshots at 360 and 1920 px.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../src/a11y";
import { signUpInConsole } from "../src/console";
import { e2eState } from "../src/tenants";
import {
  backUpNow,
  connectMicrosoftInConsole,
  deleteOneDriveFolder,
  deleteOutlookMessage,
  expectMicrosoftRestored,
  expectRestoreJobRestored,
  findDeletedBySearch,
  graphClient,
  restoreSearchResult,
  runRestoreWizard,
  sandboxControl,
  signInWithDirectory,
  unitLinksOf,
  selectFolderAsOf,
  waitForBackupCompleted,
  type MicrosoftManifest,
} from "../src/walk";

const TIME_ZONE = "America/New_York";
test.use({ timezoneId: TIME_ZONE, locale: "en-GB", viewport: { width: 1280, height: 900 } });

test("Microsoft 365: a lost Outlook message and a lost OneDrive folder are found by search and in the as-of tree, restored, and are back byte for byte", async ({ page, request, browser }) => {
  test.setTimeout(360_000);
  const { sandboxUrl } = e2eState();
  const sb = sandboxControl(request, sandboxUrl);

  // Sign up, connect by admin consent, first backup.
  const orgId = await signUpInConsole(page, `walk-${randomBytes(4).toString("hex")}@example.test`, "Walk Microsoft Ltd");
  const { ms, sourceId } = await connectMicrosoftInConsole(page, sb, orgId, { seed: 7633, users: 2, itemsPerUser: 6 });
  const first = await waitForBackupCompleted(page);
  await expectNoSeriousA11yViolations(page, "source page after the first backup");

  // At Microsoft: a user deletes a message and a OneDrive folder with its files.
  const victim = ms.units.find((u) => u.email.toLowerCase() !== ms.adminEmail.toLowerCase())?.email ?? ms.units[0]?.email ?? "";
  const graph = await graphClient(request, sandboxUrl, sb, ms);
  const before = await sb<MicrosoftManifest>("GET", `/_control/tenants/${ms.id}/manifest`);
  const message = await deleteOutlookMessage(graph, before, victim);
  const folder = await deleteOneDriveFolder(graph, before, victim);
  const lostAt = Date.now();
  expect(folder.files.length).toBeGreaterThan(0);
  test.info().annotations.push({ type: "lost", description: `message "${message.subject}" in ${message.folder}; folder ${folder.path} with ${folder.files.map((f) => f.name).join(", ")}` });
  const during = await sb<MicrosoftManifest>("GET", `/_control/tenants/${ms.id}/manifest`);
  const unitNow = during.units.find((u) => u.email.toLowerCase() === victim.toLowerCase());
  expect(unitNow?.items.some((m) => m.id === message.id)).toBe(false);
  expect(unitNow?.drive.items.filter((f) => f.path.startsWith(`${folder.path}/`))).toEqual([]);

  // The next backup records the loss.
  await page.goto(`/o/${orgId}/sources/${sourceId}`);
  await backUpNow(page, first);

  // The message: found by search among deleted items, restored where it was.
  const name = await findDeletedBySearch(page, orgId, message, "microsoft");
  await restoreSearchResult(page, name);
  await runRestoreWizard(page, orgId, "microsoft-mail", /\b1 item\b/);
  await expectRestoreJobRestored(page, [name], "microsoft-mail");

  // The folder: in the tree as of the backup before the loss, restored with its files.
  await selectFolderAsOf(page, orgId, { email: victim, kind: /OneDrive/, folder, snapshotBefore: first.finishedAt, lostAt, timeZone: TIME_ZONE, shots: "microsoft-onedrive" });
  await runRestoreWizard(page, orgId, "microsoft-onedrive", /\b1 folder\b/);
  await expectRestoreJobRestored(page, folder.files.map((f) => f.name), "microsoft-onedrive");

  // Microsoft's ground truth: all of it back, byte-identical.
  expectMicrosoftRestored(await sb<MicrosoftManifest>("GET", `/_control/tenants/${ms.id}/manifest`), victim, message, folder);

  // Sign in with Microsoft (Entra's multi-tenant endpoint, the token's own tenant as issuer): the
  // user lands on their own mailbox, OneDrive, calendar and contacts, and nobody else's.
  const { context, page: me } = await signInWithDirectory(browser, { timezoneId: TIME_ZONE, locale: "en-GB", viewport: { width: 1280, height: 900 } }, "Microsoft", victim, orgId);
  try {
    await expect(unitLinksOf(me, victim)).toHaveCount(4, { timeout: 30_000 });
    for (const other of ms.units.filter((u) => u.email.toLowerCase() !== victim.toLowerCase())) await expect(unitLinksOf(me, other.email)).toHaveCount(0);
    await me.goto(`/o/${orgId}/jobs`);
    await expect(me.getByText("No jobs yet")).toBeVisible({ timeout: 30_000 });
  } finally {
    await context.close();
  }
});

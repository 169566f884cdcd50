// Issue 6, Google Workspace, in real Chromium against the run's stack (serve.ts): sign up →
// connect Google Workspace → the first backup completes → at Google, a user's email and a Drive
// folder with its files are deleted → a backup records the loss → the person finds the email by
// search (deleted items only) and restores it; finds the folder in the tree as of the backup
// before the loss and restores it → each restore job completes, its items Restored → the
// sandbox's manifest has the message and every file of the folder back, byte-identical.
// Every page visited passes axe; the main pages are screenshotted at 360 and 1920 px.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../src/a11y";
import { signUpInConsole } from "../src/console";
import { e2eState } from "../src/tenants";
import {
  backUpNow,
  checkAndShoot,
  connectGoogleInConsole,
  deleteGmailMessage,
  deleteGoogleDriveFolder,
  expectGoogleRestored,
  expectRestoreJobRestored,
  findDeletedBySearch,
  FOLDER_MIME,
  restoreSearchResult,
  runRestoreWizard,
  sandboxControl,
  selectFolderAsOf,
  waitForBackupCompleted,
  type GoogleManifest,
} from "../src/walk";

const TIME_ZONE = "Pacific/Auckland";
test.use({ timezoneId: TIME_ZONE, locale: "en-GB", viewport: { width: 1280, height: 900 } });

test("Google Workspace: lost mail and a lost Drive folder are found by search and in the as-of tree, restored, and are back byte for byte", async ({ page, request }) => {
  test.setTimeout(360_000);
  const { sandboxUrl } = e2eState();
  const sb = sandboxControl(request, sandboxUrl);

  // Sign up, connect, first backup.
  const orgId = await signUpInConsole(page, `walk-${randomBytes(4).toString("hex")}@example.test`, "Walk Google Ltd");
  const { google, serviceAccountKey, sourceId } = await connectGoogleInConsole(page, sb, orgId, { seed: 7521, users: 2, itemsPerUser: 6, driveFilesPerUser: 10 });
  const first = await waitForBackupCompleted(page);
  await expectNoSeriousA11yViolations(page, "source page after the first backup");

  // At Google: a user deletes an email, and a Drive folder with its files.
  const victim = google.units[0]?.email ?? "";
  const before = await sb<GoogleManifest>("GET", `/_control/tenants/${google.id}/manifest`);
  const message = await deleteGmailMessage(request, sandboxUrl, serviceAccountKey, before, victim);
  const folder = await deleteGoogleDriveFolder(request, sandboxUrl, serviceAccountKey, before, victim);
  const lostAt = Date.now();
  expect(folder.files.length).toBeGreaterThan(0);
  test.info().annotations.push({ type: "lost", description: `message "${message.subject}"; folder ${folder.path} with ${folder.files.map((f) => f.name).join(", ")}` });
  const during = await sb<GoogleManifest>("GET", `/_control/tenants/${google.id}/manifest`);
  expect(during.units.find((u) => u.email === victim)?.items.some((m) => m.id === message.id)).toBe(false);
  const liveNow = (during.drives.find((d) => d.kind === "myDrive" && d.email === victim)?.items ?? []).filter((i) => !i.trashed);
  expect(liveNow.filter((i) => i.path === folder.path || i.path.startsWith(`${folder.path}/`))).toEqual([]);
  expect(liveNow.some((i) => i.mimeType === FOLDER_MIME)).toBe(true);

  // The next backup records the loss.
  await page.goto(`/o/${orgId}/sources/${sourceId}`);
  await backUpNow(page, first);

  // The email: found by search among deleted items, restored where it was.
  const name = await findDeletedBySearch(page, orgId, message, "google");
  await restoreSearchResult(page, name);
  await runRestoreWizard(page, orgId, "google-mail", /\b1 item\b/);
  await expectRestoreJobRestored(page, [name], "google-mail");

  // The folder: in the tree as of the backup before the loss, restored with its files.
  await selectFolderAsOf(page, orgId, { email: victim, kind: /Drive/, folder, snapshotBefore: first.finishedAt, lostAt, timeZone: TIME_ZONE, shots: "google-drive" });
  await runRestoreWizard(page, orgId, "google-drive", /\b1 folder\b/);
  await expectRestoreJobRestored(page, folder.files.map((f) => f.name), "google-drive");

  // Google's ground truth: all of it back, byte-identical.
  expectGoogleRestored(await sb<GoogleManifest>("GET", `/_control/tenants/${google.id}/manifest`), victim, message, folder);

  // The overview now has a protected source with its history, and the jobs page lists all of it.
  await page.goto(`/o/${orgId}`);
  const overview = page.getByRole("list", { name: "Sources and their protection" });
  await expect(overview.getByRole("listitem").filter({ hasText: google.domain })).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByRole("img", { name: /^Protected data\./ })).toBeVisible({ timeout: 30_000 });
  await checkAndShoot(page, "google-overview");
  await page.goto(`/o/${orgId}/jobs`);
  await expect(page.getByText("Completed").first()).toBeVisible({ timeout: 30_000 });
  await checkAndShoot(page, "google-jobs");
});

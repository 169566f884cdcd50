// Issue 6, end-user self-service, in real Chromium against the run's stack (serve.ts): an admin
// signs up, connects Google Workspace and the first backup completes; at Google an ordinary user
// of the domain deletes an email and a backup records the loss. That user — never invited, not a
// member — signs in to Holdfast with Google (the sandbox's account chooser), lands on their own
// data only, finds the email by search, restores it to their own mailbox (the wizard offers no
// other person's account) and the sandbox's manifest has it back, byte-identical. Another user's
// unit, the member pages and the admin's jobs answer 404. The admin switches self-service off in
// Settings and the user's next request is refused.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { settled } from "../src/a11y";
import { followLink, signUpInConsole } from "../src/console";
import { E2E_BASE_URL } from "../src/env";
import { e2eState } from "../src/tenants";
import {
  backUpNow,
  checkAndShoot,
  connectGoogleInConsole,
  deleteGmailMessage,
  expectRestoreJobRestored,
  findDeletedBySearch,
  restoreSearchResult,
  runRestoreWizard,
  sandboxControl,
  signInWithDirectory,
  unitLinksOf,
  waitForBackupCompleted,
  type GoogleManifest,
} from "../src/walk";

const TIME_ZONE = "Europe/Berlin";
const CONTEXT = { timezoneId: TIME_ZONE, locale: "en-GB", viewport: { width: 1280, height: 900 } } as const;
test.use(CONTEXT);



/**
 * The console's "Page not found", and none of the page. A refusal by the organisation's layout
 * (another organisation, self-service switched off) is an HTTP 404; a page's own refusal comes
 * after the layout has started streaming (its loading state), so Next sends it with status 200.
 */
async function expectNotFound(page: Page, path: string, status: 404 | "streamed" = "streamed"): Promise<void> {
  const res = await page.goto(path);
  if (status === 404) expect(res?.status(), `${path} answers 404 to a self-service user`).toBe(404);
  await expect(page.getByText("Page not found", { exact: true }), `${path} is "Page not found" for a self-service user`).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 }).filter({ hasNotText: "Page not found" })).toHaveCount(0);
}

test("an ordinary user of a protected Google Workspace signs in with Google and restores their own lost email, and only that", async ({ page, request, browser }) => {
  test.setTimeout(420_000);
  const { sandboxUrl } = e2eState();
  const sb = sandboxControl(request, sandboxUrl);

  // The admin: sign up, connect Google Workspace, first backup.
  const orgId = await signUpInConsole(page, `self-${randomBytes(4).toString("hex")}@example.test`, "Self Service GmbH");
  const { google, serviceAccountKey, sourceId } = await connectGoogleInConsole(page, sb, orgId, { seed: 8831, users: 3, itemsPerUser: 5, driveFilesPerUser: 4 });
  const first = await waitForBackupCompleted(page);
  const people = google.units.map((u) => u.email).filter((e) => e.toLowerCase() !== google.adminEmail.toLowerCase());
  const [user, other] = people;
  if (!user || !other) throw new Error(`the sandbox tenant has too few ordinary users: ${people.join(", ")}`);

  // Where the other person's mailbox lives in the console (the admin sees every unit).
  await page.goto(`/o/${orgId}/browse`);
  await settled(page);
  const otherUnit = unitLinksOf(page, other).first();
  await expect(otherUnit).toBeVisible({ timeout: 30_000 });
  const otherUnitPath = new URL((await otherUnit.getAttribute("href")) ?? "", E2E_BASE_URL).pathname;

  // At Google: the user deletes an email; the next backup records the loss.
  const before = await sb<GoogleManifest>("GET", `/_control/tenants/${google.id}/manifest`);
  const message = await deleteGmailMessage(request, sandboxUrl, serviceAccountKey, before, user);
  await page.goto(`/o/${orgId}/sources/${sourceId}`);
  await backUpNow(page, first);

  // The sign-in page offers Google and Microsoft (axe on it), then the user, in a browser of their
  // own: "Sign in with Google" → Google's account chooser → back, on "My data".
  const { context: ctx, page: me } = await signInWithDirectory(browser, CONTEXT, "Google", user, orgId);
  try {
    const nav = me.getByRole("navigation").filter({ has: me.getByRole("link", { name: "My data" }) }).first();
    await expect(nav.getByRole("link", { name: "My data" })).toBeVisible();
    for (const memberOnly of ["Sources", "Members", "API keys", "Audit log", "Settings"]) await expect(nav.getByRole("link", { name: memberOnly })).toHaveCount(0);
    await expect(me.getByText("Self-service: your own data only").first()).toBeVisible();
    await expect(unitLinksOf(me, user).first()).toBeVisible({ timeout: 30_000 });
    await expect(unitLinksOf(me, other)).toHaveCount(0);
    await expect(unitLinksOf(me, google.adminEmail)).toHaveCount(0);
    await checkAndShoot(me, "self-service-my-data");

    // Found by search among deleted items, restored to their own mailbox.
    const name = await findDeletedBySearch(me, orgId, message, "self-service");
    await restoreSearchResult(me, name);
    await expect(me.getByRole("radio", { name: /another user/i })).toHaveCount(0);
    await runRestoreWizard(me, orgId, "self-service", /\b1 item\b/);
    await expectRestoreJobRestored(me, [name], "self-service");

    // Google's ground truth: the message is back once, byte-identical.
    const after = await sb<GoogleManifest>("GET", `/_control/tenants/${google.id}/manifest`);
    const mailbox = after.units.find((u) => u.email === user)?.items ?? [];
    expect(mailbox.filter((m) => m.sha256 === message.sha256), `"${message.subject}" is back once, byte-identical`).toHaveLength(1);

    // Everything that is not theirs is not there.
    await expectNotFound(me, otherUnitPath);
    for (const p of ["sources", `sources/${sourceId}`, "members", "api-keys", "audit", "settings"]) await expectNotFound(me, `/o/${orgId}/${p}`);
    await me.goto(`/o/${orgId}/jobs`);
    await expect(me.getByText("Completed").first()).toBeVisible({ timeout: 30_000 });
    await expect(me.getByText(/^Backup of /)).toHaveCount(0);

    // The admin switches self-service off; the user's very next request is refused.
    await page.goto(`/o/${orgId}/settings`);
    const toggle = page.getByRole("switch", { name: "Let people restore their own data" }).or(page.getByRole("checkbox", { name: "Let people restore their own data" }));
    await expect(toggle).toBeChecked({ timeout: 30_000 });
    await checkAndShoot(page, "settings-self-service");
    await toggle.click();
    await expect(page.getByText("Self-service is off")).toBeVisible();
    await expect(toggle).not.toBeChecked();
    await expectNotFound(me, `/o/${orgId}/browse`, 404);
    await page.goto(`/o/${orgId}/audit`);
    await expect(page.getByText("organization.self_service_disabled").first()).toBeVisible({ timeout: 30_000 });
    await followLink(page, page.getByRole("link", { name: "Settings" }).first(), new RegExp(`/o/${orgId}/settings$`));
  } finally {
    await ctx.close();
  }
});

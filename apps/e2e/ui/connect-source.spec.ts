// A person connects Google Workspace from the console, in real Chromium against the run's stack
// (serve.ts: the production console, the worker on Temporal, the vault on versitygw, apps/sandbox
// as the customer's Google): sign up → Sources → Connect → the vault → the service account's key,
// with the form's validation errors → the sandbox's consent page, where Cancel lands back on the
// source's page saying so → a new link → the tenant's admin clicks Allow → back on the source's
// page → units discovered and protected → the first backup's live progress reaches completed →
// what is protected and when the next run is.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { fitsViewport, followLink, screenshotAtWidths, signUpInConsole } from "../src/console";
import { control, type Json } from "../src/partner";
import { e2eState } from "../src/tenants";

interface GoogleTenant {
  id: string;
  domain: string;
  adminEmail: string;
  units: { id: string; email: string; items: number }[];
}

// Times must show in the viewer's zone, not the server's (UTC) nor the schedule's.
const TIME_ZONE = "Pacific/Auckland";
test.use({ timezoneId: TIME_ZONE, locale: "en-GB", viewport: { width: 1280, height: 900 } });

test("an admin connects Google Workspace in the browser, approves on the provider's page and watches the first backup complete", async ({ page, request }) => {
  // A first backup on a busy two-core CI machine can take most of two minutes on its own.
  test.setTimeout(420_000);
  const { sandboxUrl } = e2eState();
  const sb = <T>(method: "GET" | "POST", path: string, body?: unknown) => control<T>(request, sandboxUrl, method, path, body);

  // The customer's side: a Google tenant and the service account its admin made for us.
  const google = await sb<GoogleTenant>("POST", "/_control/tenants", { provider: "google", seed: 7411, users: 2, itemsPerUser: 3, driveFilesPerUser: 2 });
  const serviceAccountKey = await sb<Json>("POST", `/_control/tenants/${google.id}/service-accounts`, {});
  const seededMessages = google.units.reduce((n, u) => n + u.items, 0);

  const orgId = await signUpInConsole(page, `ada-${randomBytes(4).toString("hex")}@example.test`, "Connect Test Ltd");

  // Sources, from the sidebar: nothing yet.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Sources" }).click();
  await page.waitForURL(`**/o/${orgId}/sources`);
  await expect(page.getByRole("heading", { name: "Nothing is backed up yet" })).toBeVisible();
  await page.getByRole("link", { name: "Connect a source" }).first().click();
  await page.waitForURL(`**/o/${orgId}/sources/connect`);

  // The vault first; its recovery key is shown once.
  await page.getByRole("button", { name: "Create the vault" }).click();
  const recoveryKey = await page.getByLabel("Recovery key", { exact: true }).inputValue();
  expect(recoveryKey.length).toBeGreaterThan(16);
  await page.getByRole("button", { name: "I have saved the recovery key" }).click();
  await expect(page.getByLabel("Recovery key", { exact: true })).toHaveCount(0);

  // Google Workspace: the form names what is wrong before anything leaves the browser…
  await page.getByRole("radio", { name: /Google Workspace/ }).check();
  await page.getByLabel("Super admin's email").fill(google.adminEmail);
  const keyField = page.getByLabel("Service account key (JSON)");
  await keyField.fill("{ not json");
  await page.getByRole("button", { name: "Continue to Google" }).click();
  await expect(page.getByText(/is not valid JSON/)).toBeVisible();
  await expect(keyField).toHaveAttribute("aria-invalid", "true");
  await screenshotAtWidths(page, "connect-form-invalid");
  // …and shows the server's refusal next to the field it is about.
  await keyField.fill(JSON.stringify({ ...serviceAccountKey, type: "authorized_user" }));
  await page.getByRole("button", { name: "Continue to Google" }).click();
  await expect(page.getByText(/must be "service_account"/)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/o/${orgId}/sources/connect$`));

  // The real key: the browser goes to the provider's consent page. The admin cancels first…
  await keyField.fill(JSON.stringify(serviceAccountKey));
  await page.getByRole("button", { name: "Continue to Google" }).click();
  await page.waitForURL((u) => u.href.startsWith(sandboxUrl));
  await expect(page.getByRole("heading", { name: /wants to access your Google/ })).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  // …and lands back on the source's page, which says so and offers a new link.
  await page.waitForURL(new RegExp(`/o/${orgId}/sources/[0-9a-f-]{36}\\?consent=declined$`));
  const sourceId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await expect(page.getByText("Access was not approved")).toBeVisible();
  await expect(page.getByText("Waiting for consent")).toBeVisible();
  await page.getByRole("button", { name: "Continue to Google" }).click();
  await page.waitForURL((u) => u.href.startsWith(sandboxUrl));
  await page.getByRole("radio", { name: new RegExp(google.adminEmail.replace(/[.+]/g, "\\$&")) }).check();
  await page.getByRole("button", { name: "Allow" }).click();

  // Approved: back in the console on the source's page.
  await page.waitForURL(`**/o/${orgId}/sources/${sourceId}?connected=1`);
  await expect(page.getByText("Google Workspace is connected")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: google.domain })).toBeVisible();

  // The progress is the server's: a reload shows the same job.
  const progress = page.getByRole("progressbar", { name: "Backup progress" });
  await expect(progress).toBeVisible();
  await screenshotAtWidths(page, "source-page-just-connected");
  await page.reload();
  await expect(progress).toBeVisible();

  // Units discovered, each protected, and new ones protected automatically.
  await expect(page.getByRole("switch", { name: "Auto-protect new units" })).toHaveAttribute("aria-checked", "true");
  const units = page.getByRole("list", { name: "Units" }).getByRole("listitem");
  await expect.poll(() => units.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2 * google.units.length);
  for (const u of google.units) await expect(page.getByRole("list", { name: "Units" }).getByText(u.email).first()).toBeVisible();
  const unitSwitches = page.getByRole("list", { name: "Units" }).getByRole("switch");
  for (const s of await unitSwitches.all()) await expect(s).toHaveAttribute("aria-checked", "true");

  // The first backup runs to completion on the worker, live on the page.
  await expect(page.getByTestId("backup-status")).toHaveText("Completed", { timeout: 120_000 });
  await expect(progress).toHaveAttribute("aria-valuenow", "100");
  const items = Number((await page.getByTestId("backup-items").innerText()).replace(/[^\d]/g, ""));
  expect(items).toBeGreaterThanOrEqual(seededMessages);
  await expect(page.getByTestId("backup-bytes")).not.toHaveText(/^0 B$/);

  // Done: what is protected, and when the next run is, in the viewer's time zone.
  const unitCount = await units.count();
  await expect(page.getByTestId("units-protected")).toHaveText(`${unitCount} of ${unitCount}`);
  const nextRun = page.getByTestId("next-run").locator("time");
  const nextRunAt = (await nextRun.getAttribute("datetime")) ?? "";
  expect(Date.parse(nextRunAt)).toBeGreaterThan(Date.now());
  const expected = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE }).format(new Date(nextRunAt));
  await expect(nextRun).toHaveText(expected);
  await expect(page.getByText("Last successful backup")).toBeVisible();

  await screenshotAtWidths(page, "source-page");
  await page.setViewportSize({ width: 360, height: 780 });
  expect(await fitsViewport(page), "the source page scrolls sideways at 360 px").toBe(true);
  await page.setViewportSize({ width: 1280, height: 900 });

  // The list shows the connected source, its units, how the backup went and the next run.
  await page.goto(`/o/${orgId}/sources`);
  const row = page.getByRole("list", { name: "Sources" }).getByRole("listitem").filter({ hasText: google.domain });
  await expect(row).toContainText("Connected");
  await expect(row).toContainText(`${unitCount} of ${unitCount} units protected`);
  await expect(row).toContainText("Completed");
  await expect(row).toContainText("Next run");
  await screenshotAtWidths(page, "sources-list");
  await page.setViewportSize({ width: 360, height: 780 });
  expect(await fitsViewport(page), "the sources list scrolls sideways at 360 px").toBe(true);

  // Keyboard: the row is a link that Enter follows.
  await page.setViewportSize({ width: 1280, height: 900 });
  await followLink(page, row.getByRole("link"), new RegExp(`/o/${orgId}/sources/${sourceId}$`), "enter");
});

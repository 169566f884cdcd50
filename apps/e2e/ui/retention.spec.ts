// Issue 7, retention in the console (ADR 0018), in real Chromium against the run's stack: a new
// organisation's owner finds Retention in the sidebar, lengthens the organisation's policy (saved
// at once, and still there after a reload), is warned before sending a shortening and sends it as a
// guarded request (ADR 0020: nothing changes yet), places an organisation-wide legal hold from the
// keyboard, asks for its release (a request too; the hold stays active), and finds it all in the
// audit log. Names and roles: docs/console-ui-contract.md (Retention). What then happens to a
// request (approval, delay, cancel) is ui/guarded-requests.spec.ts.
import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { settled } from "../src/a11y";
import { fitsViewport, followLink, signUpInConsole } from "../src/console";
import { checkAndShoot } from "../src/walk";

test.use({ timezoneId: "Europe/Berlin", locale: "en-GB" });

/** The subjects of the messages the local SMTP sink (mailpit, ADR 0019) holds for `address`. */
async function inbox(request: APIRequestContext, address: string): Promise<string[]> {
  const api = process.env.MAIL_API_URL ?? "http://127.0.0.1:8025";
  const res = await request.get(`${api}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
  expect(res.ok(), `the mail sink answers at ${api}`).toBe(true);
  const body = (await res.json()) as { messages?: { Subject: string }[] };
  return (body.messages ?? []).map((m) => m.Subject);
}

test("an owner lengthens retention at once; a shortening and a hold's release become requests", async ({ page, request }) => {
  test.setTimeout(180_000);
  const owner = `retention-${randomBytes(4).toString("hex")}@example.test`;
  const orgId = await signUpInConsole(page, owner, "Retention Ltd");

  // Members find it in the sidebar, right after Jobs.
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link")).toContainText(["Jobs", "Retention"]);
  await followLink(page, nav.getByRole("link", { name: "Retention", exact: true }), new RegExp(`/o/${orgId}/retention$`));
  await expect(page.getByRole("heading", { level: 1, name: "Retention" })).toBeVisible();
  await settled(page);

  // Holdfast's default, in words, until the organisation sets its own.
  const policy = page.getByRole("region", { name: "Organisation policy" });
  const summary = policy.getByTestId("policy-summary");
  await expect(summary).toHaveText(
    "Every backup is kept 30 days. The first backup of each day is kept 90 days, of each week 26 weeks, of each month 12 months, of each year 7 years. A leaver's backups are kept at least 365 days.",
  );
  await expect(policy.getByText("Holdfast's default", { exact: false })).toBeVisible();
  await expect(policy.getByLabel("Keep every backup for (days)")).toHaveValue("30");
  await expect(policy.getByLabel("Daily points for (days)")).toHaveValue("90");
  await expect(policy.getByLabel("Weekly points for (weeks)")).toHaveValue("26");
  await expect(policy.getByLabel("Monthly points for (months)")).toHaveValue("12");
  await expect(policy.getByLabel("Yearly points for (years)")).toHaveValue("7");
  await expect(policy.getByRole("checkbox", { name: "Keep every backup forever" })).not.toBeChecked();
  await expect(policy.getByLabel("Keep a leaver's backups for (days)")).toHaveValue("365");
  const save = policy.getByRole("button", { name: "Save policy" });
  await expect(save, "nothing to save while the form is the policy in force").toBeDisabled();
  await expect(page.getByRole("region", { name: "Overrides" }).getByText("No source or account has its own policy")).toBeVisible();
  await expect(page.getByRole("region", { name: "Legal holds" }).getByText("No legal holds")).toBeVisible();
  await checkAndShoot(page, "retention");
  await page.setViewportSize({ width: 360, height: 780 });
  expect.soft(await fitsViewport(page), "the retention page scrolls sideways at 360 px").toBe(true);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Lengthening applies at once.
  await policy.getByLabel("Yearly points for (years)").fill("10");
  await expect(save).toBeEnabled();
  await save.click();
  await expect(policy.getByRole("status").filter({ hasText: "Policy saved" })).toBeVisible();
  await expect(summary).toContainText("of each year 10 years");
  await expect(policy.getByText("Set by this organisation.")).toBeVisible();
  await expect(save).toBeDisabled();
  await page.reload();
  await settled(page);
  await expect(summary).toContainText("of each year 10 years");
  await expect(policy.getByLabel("Yearly points for (years)")).toHaveValue("10");

  // A shortening is announced before it is sent, then becomes a request: nothing changes yet.
  await policy.getByLabel("Daily points for (days)").fill("7");
  const warning = policy.getByText(/shortens retention/);
  await expect(warning).toBeVisible();
  await expect(warning).toContainText("(daily)");
  await expect(warning).toContainText("another owner, administrator or guardian");
  await checkAndShoot(page, "retention-shortening");
  await expect(save).toBeEnabled();
  await save.click();
  const requested = policy.getByRole("status").filter({ hasText: /^Requested: Shorten retention for the whole organisation/ });
  await expect(requested).toBeVisible();
  await expect(requested).toContainText("It needs approval by another owner, administrator or guardian");
  await expect(requested.getByRole("link", { name: "See requests" })).toHaveAttribute("href", `/o/${orgId}/requests`);
  await page.reload();
  await settled(page);
  await expect(summary, "the policy in force is unchanged until the request runs").toContainText("of each day is kept 90 days");

  // An organisation-wide legal hold, from the keyboard.
  const holds = page.getByRole("region", { name: "Legal holds" });
  const reason = `Litigation ${randomBytes(3).toString("hex")}: preserve everything`;
  await expect(holds.getByRole("radio", { name: "Whole organisation" })).toBeChecked();
  const reasonField = holds.getByLabel("Reason");
  const place = holds.getByRole("button", { name: "Place legal hold" });
  await expect(place, "a hold needs a reason").toBeDisabled();
  await reasonField.fill(reason);
  await holds.getByRole("radio", { name: "One account" }).check();
  // A new organisation has no source yet, so there is no account to choose and nothing to place.
  await expect(holds.getByText("No accounts yet")).toBeVisible({ timeout: 30_000 });
  await expect(place).toBeDisabled();
  await holds.getByRole("radio", { name: "Whole organisation" }).check();
  await expect(place).toBeEnabled();
  await reasonField.press("Enter");
  await expect(holds.getByRole("status").filter({ hasText: "Legal hold placed" })).toBeVisible();
  const list = page.getByRole("list", { name: "Legal holds" });
  const row = list.getByRole("listitem").filter({ hasText: reason });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Whole organisation");
  await expect(row).toContainText("Active");
  await expect(reasonField).toHaveValue("");
  await checkAndShoot(page, "retention-legal-hold");
  // Releasing it is a request too: the hold stays active.
  await row.getByRole("button", { name: "Release hold: Whole organisation" }).click();
  const confirm = page.getByRole("dialog", { name: "Release this legal hold?" });
  await confirm.getByRole("button", { name: "Request release" }).click();
  await expect(holds.getByRole("status").filter({ hasText: /^Requested: Release the legal hold on the whole organisation/ })).toBeVisible();
  await expect(row).toContainText("Active");

  // Both changes are in the audit log, by their action names.
  await page.goto(`/o/${orgId}/audit`);
  await settled(page);
  const table = page.getByRole("table");
  for (const action of ["retention.policy_changed", "retention.legal_hold_placed", "guarded_request.created"]) {
    // The visible badge of the action's row (a collapsed row's details may name it too).
    await expect(table.getByText(action, { exact: true }).filter({ visible: true }).first(), `${action} is in the audit log`).toBeVisible({ timeout: 30_000 });
  }
  await expect(table.getByText("notification.failed", { exact: true }), "every announcement was sent").toHaveCount(0);

  // Every admin and owner was told of each change by email, at once.
  await expect
    .poll(() => inbox(request, owner), { timeout: 30_000, message: "the owner is emailed about the retention change and the hold" })
    .toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[Holdfast\] Retention Ltd: retention was lengthened/),
        expect.stringMatching(/^\[Holdfast\] Retention Ltd: .*legal hold was placed/i),
        expect.stringMatching(/^\[Holdfast\] Retention Ltd: requested: shorten retention/),
        expect.stringMatching(/^\[Holdfast\] Retention Ltd: requested: release a legal hold/),
      ]),
    );
});

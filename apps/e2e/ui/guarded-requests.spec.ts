// Issue 7's guarded requests in the console (ADR 0020), in real Chromium against the run's stack
// and real worker: an owner asks to shorten retention; the owner cannot approve it themself; a
// second admin (who joined by invitation and turned on two-factor) approves it with a fresh code;
// it runs only once its delay has passed, on the worker's durable timer; a request to release a
// legal hold is cancelled by the second admin and never runs. Everyone was emailed at each step.
// The controlled clock: the run's database has the platform's floor lowered (apps/e2e/src/serve.ts)
// and this organisation's delay is set to seconds as the database's owner.
// Names and roles: docs/console-ui-contract.md (Guarded requests).
import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import pg from "pg";
import { settled } from "../src/a11y";
import { followLink, signUpInConsole } from "../src/console";
import { e2eState } from "../src/tenants";
import { checkAndShoot } from "../src/walk";

const DELAY_SECONDS = 15;
const ORG = "Guarded Ltd";

/** A code from the authenticator, from the next period when this one is about to end. */
function code(setupKey: string): string {
  const now = Date.now();
  return new TOTP({ secret: Secret.fromBase32(setupKey), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: now % 30_000 > 25_000 ? now + 5_000 : now });
}

async function inbox(request: APIRequestContext, address: string): Promise<string[]> {
  const api = process.env.MAIL_API_URL ?? "http://127.0.0.1:8025";
  const res = await request.get(`${api}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
  expect(res.ok(), `the mail sink answers at ${api}`).toBe(true);
  const body = (await res.json()) as { messages?: { Subject: string }[] };
  return (body.messages ?? []).map((m) => m.Subject.replace(`[Holdfast] ${ORG}: `, ""));
}

async function personIn(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ timezoneId: "Europe/Berlin", locale: "en-GB" });
  return context.newPage();
}

async function enrolTotp(page: Page): Promise<string> {
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const setupKey = (await page.getByLabel("Setup key").inputValue()).replace(/\s+/g, "");
  await page.getByLabel("Authentication code").fill(code(setupKey));
  await page.getByRole("button", { name: "Verify and turn on" }).click();
  await expect(page.getByText("Two-factor authentication is on")).toBeVisible();
  return setupKey;
}

test("a shortening runs only after a second admin approves it and its delay passes; a cancelled request never runs", async ({ browser, request }) => {
  test.setTimeout(240_000);
  const run = randomBytes(4).toString("hex");
  const ownerEmail = `guard-owner-${run}@example.test`;
  const adminEmail = `guard-admin-${run}@example.test`;

  const owner = await personIn(browser);
  const orgId = await signUpInConsole(owner, ownerEmail, ORG);
  const db = new pg.Client({ connectionString: e2eState().migrationUrl });
  await db.connect();
  try {
    await db.query("update organizations set guard_delay_seconds = $2 where id = $1", [orgId, DELAY_SECONDS]);
  } finally {
    await db.end();
  }

  // A second administrator: their own account with two-factor on, invited by the owner.
  const admin = await personIn(browser);
  await signUpInConsole(admin, adminEmail, `Grace's own ${run}`, "Grace Guard");
  const setupKey = await enrolTotp(admin);
  await owner.goto(`/o/${orgId}/members`);
  await owner.getByLabel("Email address").fill(adminEmail);
  await owner.getByLabel("Role", { exact: true }).selectOption("admin");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  const link = await owner.getByLabel("Invitation link").inputValue();
  await admin.goto(link);
  await admin.getByRole("button", { name: "Accept invitation" }).click();
  await admin.waitForURL(new RegExp(`/o/${orgId}$`));

  // The owner asks to shorten retention: a request, announced; nothing changes yet.
  await owner.goto(`/o/${orgId}/retention`);
  await settled(owner);
  const policy = owner.getByRole("region", { name: "Organisation policy" });
  await policy.getByLabel("Daily points for (days)").fill("30");
  await policy.getByRole("button", { name: "Save policy" }).click();
  const requested = policy.getByRole("status").filter({ hasText: /^Requested: Shorten retention/ });
  await expect(requested).toBeVisible();
  await followLink(owner, requested.getByRole("link", { name: "See requests" }), new RegExp(`/o/${orgId}/requests$`));
  await expect(owner.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  const waiting = owner.getByRole("list", { name: "Waiting requests" });
  const item = waiting.getByRole("listitem").filter({ hasText: "Shorten retention" });
  await expect(item).toContainText("Waiting for approval");
  await expect(item.locator("time").first()).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);

  // The owner cannot approve their own request; the server says why, in the dialog.
  await item.getByRole("button", { name: /^Approve: Shorten retention/ }).click();
  let dialog = owner.getByRole("dialog", { name: "Approve request" });
  await dialog.getByLabel("Authentication code").fill("123456");
  await dialog.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("someone other than the person who made it");
  await dialog.getByRole("button", { name: "Close" }).click();

  // The second admin approves it with a fresh code.
  await admin.goto(`/o/${orgId}/requests`);
  await settled(admin);
  const theirs = admin.getByRole("list", { name: "Waiting requests" }).getByRole("listitem").filter({ hasText: "Shorten retention" });
  await theirs.getByRole("button", { name: /^Approve: Shorten retention/ }).click();
  dialog = admin.getByRole("dialog", { name: "Approve request" });
  await dialog.getByLabel("Authentication code").fill(code(setupKey));
  await dialog.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await checkAndShoot(admin, "requests");

  // Once its delay has passed the worker runs it; the page shows the outcome without a reload.
  const past = admin.getByRole("list", { name: "Past requests" });
  await expect(past.getByRole("listitem").filter({ hasText: "Shorten retention" })).toContainText("Carried out", { timeout: 60_000 });
  await owner.goto(`/o/${orgId}/retention`);
  await expect(owner.getByTestId("policy-summary")).toContainText("of each day is kept 30 days");

  // A hold's release, cancelled by the second admin, never runs.
  const holds = owner.getByRole("region", { name: "Legal holds" });
  await holds.getByLabel("Reason").fill(`Case ${run}`);
  await holds.getByRole("button", { name: "Place legal hold" }).click();
  await expect(holds.getByRole("status").filter({ hasText: "Legal hold placed" })).toBeVisible();
  await holds.getByRole("button", { name: "Release hold: Whole organisation" }).click();
  await owner.getByRole("dialog", { name: "Release this legal hold?" }).getByRole("button", { name: "Request release" }).click();
  await expect(holds.getByRole("status").filter({ hasText: /^Requested: Release the legal hold/ })).toBeVisible();
  await admin.reload();
  const release = admin.getByRole("list", { name: "Waiting requests" }).getByRole("listitem").filter({ hasText: "Release a legal hold" });
  await release.getByRole("button", { name: /^Cancel request: Release a legal hold/ }).click();
  const cancel = admin.getByRole("dialog", { name: "Cancel request" });
  await cancel.getByLabel("Reason").fill("We still need it");
  await cancel.getByRole("button", { name: "Cancel request" }).click();
  await expect(cancel).toHaveCount(0);
  await expect(past.getByRole("listitem").filter({ hasText: "Release a legal hold" })).toContainText("Cancelled by");
  await owner.waitForTimeout((DELAY_SECONDS + 2) * 1000);
  await owner.reload();
  await expect(owner.getByRole("list", { name: "Legal holds" }).getByRole("listitem").filter({ hasText: `Case ${run}` })).toContainText("Active");

  // Every owner and admin was told of each step.
  await expect
    .poll(() => inbox(request, adminEmail), { timeout: 30_000, message: "the second admin is emailed at every step" })
    .toEqual(
      expect.arrayContaining([
        "requested: shorten retention (needs a second person's approval)",
        "approved: shorten retention",
        "done: shorten retention",
        "requested: release a legal hold (needs a second person's approval)",
        "cancelled: release a legal hold",
      ]),
    );
  await expect.poll(() => inbox(request, ownerEmail), { timeout: 30_000 }).toEqual(expect.arrayContaining(["done: shorten retention", "cancelled: release a legal hold"]));
});

// Issue 7: rotating the vault's credentials is asked for on the settings page and is always a
// request. Only the asking and a cancellation here; an approved rotation (new identities at the
// storage provider) is the worker's integration test.
test("rotating the vault's credentials is a request: the settings card says so, links to it, and a cancelled one never runs", async ({ browser }) => {
  test.setTimeout(120_000);
  const run = randomBytes(4).toString("hex");
  const owner = await personIn(browser);
  const orgId = await signUpInConsole(owner, `vault-owner-${run}@example.test`, `Rotation ${run} Ltd`);
  const card = owner.getByRole("region", { name: "Vault credentials" });

  // Without a vault there is nothing to rotate.
  await owner.goto(`/o/${orgId}/settings`);
  await expect(card).toContainText("This organisation has no vault yet");
  await expect(card.getByRole("button", { name: "Rotate credentials" })).toHaveCount(0);

  // The vault, created on the connect page the way a new owner does (its recovery key is shown once).
  await owner.goto(`/o/${orgId}/sources/connect`);
  await owner.getByRole("button", { name: "Create the vault" }).click();
  expect((await owner.getByLabel("Recovery key", { exact: true }).inputValue()).length).toBeGreaterThan(16);
  await owner.getByRole("button", { name: "I have saved the recovery key" }).click();
  await expect(owner.getByRole("radio", { name: /Google Workspace/ })).toBeVisible();

  await owner.goto(`/o/${orgId}/settings`);
  await settled(owner);
  await expect(card.getByTestId("vault-credentials-rotated")).toHaveText("Never rotated");
  await card.getByLabel("Reason").fill(`Routine ${run}`);
  await card.getByRole("button", { name: "Rotate credentials" }).click();
  const requested = card.getByRole("status").filter({ hasText: /^Requested: Rotate the vault's credentials/ });
  await expect(requested).toContainText(`Reason given: Routine ${run}`);
  await expect(card.getByRole("button", { name: "Rotate credentials" })).toHaveCount(0);
  // After a reload it is still shown as waiting (found among the open requests), not offered again.
  await owner.reload();
  await expect(requested).toBeVisible();
  await expect(card.getByRole("button", { name: "Rotate credentials" })).toHaveCount(0);

  await followLink(owner, requested.getByRole("link", { name: "See requests" }), new RegExp(`/o/${orgId}/requests$`));
  const item = owner.getByRole("list", { name: "Waiting requests" }).getByRole("listitem").filter({ hasText: "Rotate the vault's credentials" });
  await expect(item).toContainText("Waiting for approval");
  await item.getByRole("button", { name: /^Cancel request: Rotate the vault's credentials/ }).click();
  const cancel = owner.getByRole("dialog", { name: "Cancel request" });
  await cancel.getByRole("button", { name: "Cancel request" }).click();
  await expect(cancel).toHaveCount(0);
  await expect(owner.getByRole("list", { name: "Past requests" }).getByRole("listitem").filter({ hasText: "Rotate the vault's credentials" })).toContainText("Cancelled by");

  // Nothing ran: still never rotated, and it can be asked for again.
  await owner.goto(`/o/${orgId}/settings`);
  await expect(card.getByTestId("vault-credentials-rotated")).toHaveText("Never rotated");
  await expect(card.getByRole("button", { name: "Rotate credentials" })).toBeVisible();
});

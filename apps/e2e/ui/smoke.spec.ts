import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";

const password = "correct horse battery staple";

function code(setupKey: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(setupKey), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: at });
}

async function signUp(page: Page, email: string, org: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Ada Admin");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Organisation name").fill(org);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);
  return page.url().split("/o/")[1] ?? "";
}

test("sign up, enrol TOTP, create an API key, and see all of it in the audit trail", async ({ page, request }) => {
  const email = `ada-${randomBytes(4).toString("hex")}@example.test`;
  const orgId = await signUp(page, email, "Smoke Test Ltd");
  await expect(page.getByRole("heading", { name: "Smoke Test Ltd" })).toBeVisible();

  // Enrol the second factor with the setup key shown on the page.
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const setupKey = (await page.getByLabel("Setup key").inputValue()).replace(/\s+/g, "");
  expect(setupKey).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("Authentication code").fill(code(setupKey));
  await page.getByRole("button", { name: "Verify and turn on" }).click();
  await expect(page.getByText("Two-factor authentication is on")).toBeVisible();

  // Create an API key: shown once, and it works against the REST API.
  await page.goto(`/o/${orgId}/api-keys`);
  await page.getByLabel("Key name").fill("smoke key");
  await page.getByLabel("Role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByLabel("New API key").inputValue();
  expect(key).toMatch(/^hf_[a-z0-9]{12}_/);
  await page.getByRole("button", { name: "I have saved the key" }).click();
  await expect(page.getByLabel("New API key")).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);
  const members = await request.get("/api/v1/members", { headers: { Authorization: `Bearer ${key}` } });
  expect(members.status()).toBe(200);

  // The audit trail shows what we did, newest first.
  await page.goto(`/o/${orgId}/audit`);
  const table = page.getByRole("table");
  await expect(table).toBeVisible();
  const rows = table.locator("tbody tr");
  await expect(rows.first()).toContainText("api_key.created");
  for (const action of ["api_key.created", "user.mfa_enabled", "member.added", "organization.created"]) {
    await expect(table.getByText(action, { exact: true }).first()).toBeVisible();
  }

  // Sign out; signing back in now needs the code as well as the password.
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const codeField = page.getByLabel(/authentication code/i);
  await expect(codeField).toBeVisible();
  // Use the next period's code if this one is about to expire, so the test cannot straddle a step.
  const now = Date.now();
  await codeField.fill(code(setupKey, now % 30_000 > 25_000 ? now + 5_000 : now));
  await page.getByRole("button", { name: /verify|sign in|continue/i }).click();
  await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);
  await page.goto(`/o/${orgId}/audit`);
  await expect(page.getByRole("table").locator("tbody tr").first()).toContainText("user.signed_in");
});

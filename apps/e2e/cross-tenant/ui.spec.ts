import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createTenantWithCli } from "../src/tenants";

test("a signed-in user gets not-found for every page and tRPC call of another organisation", async ({ page }) => {
  const other = createTenantWithCli("ui-xt-victim");
  const email = `eve-${randomBytes(4).toString("hex")}@example.test`;
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Eve");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByLabel("Organisation name").fill("Eve Corp");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);

  // Any id will do below the other organisation: membership is checked before the object is looked up.
  const someId = "00000000-0000-4000-8000-000000000001";
  const pages = ["", "/members", "/api-keys", "/audit", "/sources", "/sources/connect", `/sources/${someId}`, "/browse", `/browse/${someId}`, `/search?q=invoice`, `/items/${someId}`, `/restore?unit=${someId}`, "/jobs", `/jobs/${someId}`];
  for (const path of pages) {
    const res = await page.goto(`/o/${other.orgId}${path}`);
    expect(res?.status(), `/o/{other}${path}`).toBe(404);
    await expect(page.getByText(other.email)).toHaveCount(0);
  }

  // The console's byte routes (downloads, previews) answer 404 too, and never with content.
  for (const path of [`/items/${someId}/content`, `/items/${someId}/preview`, `/items/${someId}/preview?prepare=1`, `/exports/${someId}/download`]) {
    const res = await page.request.get(`/o/${other.orgId}${path}`);
    expect(res.status(), `/o/{other}${path}`).toBe(404);
    expect(res.headers()["content-disposition"], `/o/{other}${path}`).toBeUndefined();
  }

  const calls = ["members.list", "apiKeys.list", "audit.list", "organization.get", "sources.list", "dashboard.summary", "catalogue.jobs.list", "exports.list"];
  for (const proc of calls) {
    const status = await page.evaluate(async ([p, orgId]) => {
      const input = encodeURIComponent(JSON.stringify({ json: { orgId } }));
      return (await fetch(`/api/trpc/${p}?input=${input}`)).status;
    }, [proc, other.orgId] as const);
    expect(status, proc).toBe(404);
  }
});

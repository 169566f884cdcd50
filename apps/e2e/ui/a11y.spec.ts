// axe-core on every page of the console that exists before anything is backed up: signed out
// (sign-in, sign-up), then as a new organisation's owner (overview, sources, connect, members,
// API keys, audit log, account security, browse and jobs with nothing in them yet, retention,
// settings). Each page
// is checked at a phone's width and a desktop's, since the layout (sidebar vs. menu) differs.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations, settled } from "../src/a11y";
import { fitsViewport, signUpInConsole } from "../src/console";

test.use({ timezoneId: "Europe/Berlin", locale: "en-GB" });

const WIDTHS = [{ width: 360, height: 780 }, { width: 1280, height: 900 }] as const;

/** Axe at both widths; a violation names the page and the width. */
async function checkPage(page: Page, name: string): Promise<void> {
  await settled(page);
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await expectNoSeriousA11yViolations(page, `${name} at ${size.width} px`);
    expect.soft(await fitsViewport(page), `${name} scrolls sideways at ${size.width} px`).toBe(true);
  }
}

test("no serious accessibility violations on the console's pages before any data", async ({ page }) => {
  test.setTimeout(240_000);

  await page.goto("/sign-in");
  await checkPage(page, "sign-in");
  await page.goto("/sign-up");
  await checkPage(page, "sign-up");

  const orgId = await signUpInConsole(page, `a11y-${randomBytes(4).toString("hex")}@example.test`, "Accessible Ltd");
  const pages: [string, string][] = [
    ["overview", `/o/${orgId}`],
    ["sources (empty)", `/o/${orgId}/sources`],
    ["connect a source", `/o/${orgId}/sources/connect`],
    ["members", `/o/${orgId}/members`],
    ["api keys", `/o/${orgId}/api-keys`],
    ["audit log", `/o/${orgId}/audit`],
    ["account security", "/account/security"],
    ["browse (empty)", `/o/${orgId}/browse`],
    ["search (empty)", `/o/${orgId}/search`],
    ["jobs (empty)", `/o/${orgId}/jobs`],
    ["retention", `/o/${orgId}/retention`],
    ["settings", `/o/${orgId}/settings`],
  ];
  for (const [name, url] of pages) {
    await test.step(name, async () => {
      const res = await page.goto(url);
      expect(res?.status(), `${url} answered ${res?.status()}`).toBeLessThan(400);
      await checkPage(page, name);
    });
  }

  // The empty states say there is nothing yet rather than showing an empty table.
  for (const url of [`/o/${orgId}/browse`, `/o/${orgId}/jobs`]) {
    await page.goto(url);
    await settled(page);
    await expect(page.getByRole("main").getByRole("heading", { level: 3 }).first(), `${url} has no empty state`).toBeVisible();
  }
});

// Helpers for specs that drive the console in the browser as a person would.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { REPO_ROOT } from "./env";

export const PASSWORD = "correct horse battery staple";

/** Signs up through the form; returns the new organisation's id once its overview has loaded. */
export async function signUpInConsole(page: Page, email: string, org: string, name = "Ada Admin"): Promise<string> {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Organisation name").fill(org);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);
  return page.url().split("/o/")[1] ?? "";
}

const SCREENSHOTS = join(REPO_ROOT, "artifacts/e2e/screenshots");

/** Full-page screenshots of the current page at a phone's and a wide desktop's width (not committed). */
export async function screenshotAtWidths(page: Page, name: string, widths: readonly number[] = [360, 1920]): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  for (const width of widths) {
    await page.setViewportSize({ width, height: width < 640 ? 780 : 1080 });
    // Let the layout settle at the new width (responsive classes, wrapped rows).
    // From the top, so the sticky header is drawn where it belongs.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const file = join(SCREENSHOTS, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
    files.push(file);
  }
  if (before) await page.setViewportSize(before);
  return files;
}

/** True when nothing on the page is wider than the viewport (no sideways scrolling). */
export async function fitsViewport(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/**
 * Follows a link as a person would (a click, or Enter when `key`), once the page has hydrated.
 * Next 15's router could drop a navigation started in the instant of hydration on a busy machine
 * (vercel/next.js#98305). The console runs Next 16, where that is fixed (ADR 0017); the guard
 * stays: if the URL has not changed after 15 s the test records a `navigation-retried`
 * annotation (so a regression shows in the report) and follows the link again, as a person
 * clicking twice would.
 */
export async function followLink(page: Page, link: Locator, url: RegExp, how: "click" | "enter" = "click"): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  const go = async () => {
    if (how === "enter") {
      await link.focus();
      await expect(link).toBeFocused();
      await page.keyboard.press("Enter");
    } else {
      await link.click();
    }
  };
  await go();
  const arrived = await page.waitForURL(url, { timeout: 15_000 }).then(
    () => true,
    () => false,
  );
  if (!arrived) {
    test.info().annotations.push({ type: "navigation-retried", description: `${String(link)} did not navigate within 15 s (vercel/next.js#98305); followed again` });
    await go();
  }
  await expect(page).toHaveURL(url, { timeout: 30_000 });
}

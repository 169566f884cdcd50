// axe-core in the page under test: the console's pages must have no serious or critical
// accessibility violations (issue 6: "axe-core finds no serious violations on any page").
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

/** The WCAG 2.x A/AA rules plus axe's best practices (landmarks, headings, regions). */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const FAILING_IMPACTS = new Set(["serious", "critical"]);

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Waits until the page shows what it is about: its h1 is visible, no loading skeleton
 * (`animate-pulse` placeholders) is left, and its title has arrived (Next 16 streams a page's
 * metadata after a client-side navigation), so axe reads the page a person sees.
 */
export async function settled(page: Page, timeout = 30_000): Promise<void> {
  await expect(page.locator("h1").first()).toBeVisible({ timeout });
  await expect(page.locator(".animate-pulse")).toHaveCount(0, { timeout });
  await expect.poll(() => page.title(), { timeout, message: "the page's <title> has arrived" }).not.toBe("");
}

/** Runs axe on the page as it is now; returns the serious and critical violations (and records minor ones as an annotation). */
export async function seriousA11yViolations(page: Page, name: string): Promise<A11yViolation[]> {
  // The page must have settled: no skeletons left half-drawn while axe reads colours.
  await page.waitForLoadState("domcontentloaded");
  await expect.poll(() => page.title(), { timeout: 30_000, message: "the page's <title> has arrived" }).not.toBe("");
  // A sandboxed iframe (sandbox="" : no scripts) is the customer's own content, previewed
  // inert; axe cannot run inside it (its frame script would wait forever), so it is left out.
  const analysis = new AxeBuilder({ page }).withTags(TAGS).exclude("iframe[sandbox]").analyze();
  const results = await Promise.race([
    analysis,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`axe did not finish on ${name} within 60 s`)), 60_000)),
  ]);
  const all = results.violations.map((v) => ({ id: v.id, impact: v.impact ?? "unknown", help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(" ")) }));
  const minor = all.filter((v) => !FAILING_IMPACTS.has(v.impact));
  if (minor.length > 0) test.info().annotations.push({ type: `axe (minor) ${name}`, description: minor.map(describe).join("\n") });
  return all.filter((v) => FAILING_IMPACTS.has(v.impact));
}

/**
 * Fails the test when axe finds a serious or critical violation, naming the rule, its impact and
 * the offending nodes. Soft by default: the test goes on (a walk reaches its end, every page
 * gets checked) and fails at the end with every page's violations listed.
 */
export async function expectNoSeriousA11yViolations(page: Page, name: string, opts: { soft?: boolean } = {}): Promise<void> {
  const serious = await seriousA11yViolations(page, name);
  const check = opts.soft === false ? expect : expect.soft;
  check(serious.map(describe), `axe: serious or critical violations on ${name} (${page.url()})`).toEqual([]);
}

function describe(v: A11yViolation): string {
  const shown = v.targets.slice(0, 8).join(", ");
  return `${v.id} [${v.impact}] ${v.help}: ${shown}${v.targets.length > 8 ? ` … and ${v.targets.length - 8} more` : ""}`;
}

// Webhooks in the console (docs/webhooks.md), in real Chromium against the run's stack and real
// worker: an owner adds an endpoint on Settings — a receiver this test runs on 127.0.0.1 — and sees
// its signing secret once; "Send test" queues a `webhook.test` event that the worker POSTs to the
// receiver, signed with that secret; removing the endpoint is a guarded request, so the row says
// "Removal requested" and links to Requests, where it waits for a second person.
// The run's web and worker get WEBHOOK_ALLOW_HTTP=1 and WEBHOOK_ALLOW_PRIVATE=1 (apps/e2e/src/serve.ts),
// the test environment's concession so a plain-http receiver on the loopback address is allowed.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { settled } from "../src/a11y";
import { fitsViewport, followLink, signUpInConsole } from "../src/console";
import { checkAndShoot } from "../src/walk";

/** The worker's sender runs on a schedule; a test event is due at once and goes out on its next run. */
const DELIVERY_TIMEOUT_MS = 150_000;

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A webhook receiver on a free loopback port: records every POST and answers 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST") received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/holdfast`, received, server };
}

/** `Holdfast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, checked as a receiver would. */
function signedBy(secret: string, header: string | string[] | undefined, rawBody: string): boolean {
  const match = typeof header === "string" ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return false;
  const [, t, v1] = match;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1 ?? "", "hex")) && Math.abs(Date.now() / 1000 - Number(t)) < 300;
}

const typeOf = (r: Received): string | undefined => (JSON.parse(r.rawBody) as { type?: string }).type;

test("an owner adds a webhook, sees its secret once, gets a signed test event, and asks to remove it", async ({ page }) => {
  test.setTimeout(300_000);
  const receiver = await startReceiver();
  try {
    const run = randomBytes(4).toString("hex");
    const orgId = await signUpInConsole(page, `hooks-${run}@example.test`, "Hooked Ltd");

    await page.goto(`/o/${orgId}/settings`);
    await settled(page);
    const card = page.getByRole("region", { name: "Webhooks" });
    await expect(card.getByText("No webhook endpoints")).toBeVisible();

    // Adding one: the secret is shown this once, in the shown-once field, with a warning.
    await card.getByLabel("Endpoint URL").fill(receiver.url);
    await card.getByLabel("Description").fill("E2E receiver");
    await card.getByRole("button", { name: "Add endpoint" }).click();
    const shownOnce = card.getByRole("status").filter({ hasText: "Copy the signing secret now" });
    await expect(shownOnce).toBeVisible();
    await expect(shownOnce).toContainText("only time the secret is shown");
    const secret = await shownOnce.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    await expect(shownOnce.getByRole("button", { name: "Copy secret" })).toBeVisible();

    const endpoints = card.getByRole("list", { name: "Webhook endpoints" });
    const row = endpoints.getByRole("listitem").filter({ hasText: receiver.url });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("E2E receiver");
    await expect(row).toContainText("Active");
    await expect(row).toContainText(`${secret.slice(0, 10)}…`);
    await expect(row).not.toContainText(secret);
    await checkAndShoot(page, "settings-webhooks");
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await fitsViewport(page), "the Webhooks card fits a 360 px screen").toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Dismissed, or after a reload, the secret is gone for good.
    await shownOnce.getByRole("button", { name: "I have saved the secret" }).click();
    await expect(card.getByLabel("Signing secret")).toHaveCount(0);
    await page.reload();
    await settled(page);
    await expect(row).toHaveCount(1);
    await expect(card.getByLabel("Signing secret")).toHaveCount(0);
    await expect(page.locator("body")).not.toContainText(secret);

    // A test event: queued at once, then POSTed by the worker, signed with the secret.
    await row.getByRole("button", { name: `Send test: ${receiver.url}` }).click();
    await expect(row.getByRole("status").filter({ hasText: "Test event queued" })).toBeVisible();
    await expect(row.getByTestId("webhook-last-delivery")).toContainText(/webhook\.test/);
    await expect(row.getByTestId("webhook-last-delivery")).toContainText(/Pending|Delivered/);
    await expect
      .poll(() => receiver.received.filter((r) => typeOf(r) === "webhook.test").length, { timeout: DELIVERY_TIMEOUT_MS, message: "the worker POSTs the test event to the receiver" })
      .toBeGreaterThan(0);
    const delivered = receiver.received.find((r) => typeOf(r) === "webhook.test");
    if (!delivered) throw new Error("unreachable: the poll saw the test event");
    expect(signedBy(secret, delivered.headers["holdfast-signature"], delivered.rawBody), "the Holdfast-Signature header verifies with the secret shown once").toBe(true);
    expect(delivered.headers["content-type"]).toMatch(/^application\/json/);
    const event = JSON.parse(delivered.rawBody) as { id: string; organization: { id: string }; text: string };
    expect(delivered.headers["holdfast-event-id"]).toBe(event.id);
    expect(event.organization.id).toBe(orgId);
    expect(delivered.rawBody).not.toContain(secret);
    // The console follows the delivery on its own (it polls while one is pending).
    await expect(row.getByTestId("webhook-last-delivery")).toContainText("Delivered", { timeout: 30_000 });
    await expect(row.getByTestId("webhook-last-delivery")).toContainText("HTTP 200");

    // Removing it is a guarded request: confirmed in a dialog that says so, then "Requested".
    await row.getByRole("button", { name: `Remove: ${receiver.url}` }).click();
    const dialog = page.getByRole("dialog", { name: "Remove this webhook endpoint?" });
    await expect(dialog).toContainText("another of them must approve it");
    await dialog.getByRole("button", { name: "Request removal" }).click();
    await expect(dialog).toHaveCount(0);
    const requested = row.getByRole("status").filter({ hasText: /^Requested: Remove the webhook endpoint/ });
    await expect(requested).toBeVisible();
    await expect(row).toContainText("Removal requested");
    await expect(row.getByRole("button", { name: `Remove: ${receiver.url}` })).toHaveCount(0);

    // After a reload the row still says so, from the endpoint's open request, with the link.
    await page.reload();
    await settled(page);
    const waiting = row.getByRole("status").filter({ hasText: /^Removal requested/ });
    await expect(waiting).toBeVisible();
    await checkAndShoot(page, "settings-webhooks-removal-requested");
    await followLink(page, waiting.getByRole("link", { name: "See requests" }), new RegExp(`/o/${orgId}/requests$`));
    const item = page.getByRole("list", { name: "Waiting requests" }).getByRole("listitem").filter({ hasText: "Remove a webhook endpoint" });
    await expect(item).toContainText("Waiting for approval");
  } finally {
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  }
});

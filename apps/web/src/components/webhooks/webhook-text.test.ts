import { describe, expect, it } from "vitest";
import { anyPending, attemptOutcome, deliveryStatus, endpointStatus } from "./webhook-text";

const ID = "0b7f5a4e-2d0c-4a7e-9a51-6f1f0f3e2a10";

describe("endpointStatus", () => {
  it("says removed once disabled, even with the request that removed it still referenced", () => {
    expect(endpointStatus({ disabledAt: "2026-11-28T10:00:00.000Z", removalRequestId: ID })).toEqual({ label: "Removed", tone: "neutral" });
  });

  it("says a removal is waiting while the endpoint is still active", () => {
    expect(endpointStatus({ disabledAt: null, removalRequestId: ID }).label).toBe("Removal requested");
    expect(endpointStatus({ disabledAt: null, removalRequestId: null }).label).toBe("Active");
  });
});

describe("attemptOutcome", () => {
  it("has nothing to say before the first attempt", () => {
    expect(attemptOutcome({ attempts: 0, lastStatusCode: null, lastError: null })).toBeNull();
  });

  it("names the HTTP status, or the error when nothing answered, and counts retries", () => {
    expect(attemptOutcome({ attempts: 1, lastStatusCode: 204, lastError: null })).toBe("HTTP 204");
    expect(attemptOutcome({ attempts: 3, lastStatusCode: 503, lastError: null })).toBe("HTTP 503 · 3 attempts");
    expect(attemptOutcome({ attempts: 2, lastStatusCode: null, lastError: "connection refused" })).toBe("connection refused · 2 attempts");
    expect(attemptOutcome({ attempts: 1, lastStatusCode: 410, lastError: "Gone" })).toBe("HTTP 410 (Gone)");
  });
});

describe("deliveryStatus and anyPending", () => {
  it("labels each status", () => {
    expect(deliveryStatus({ status: "pending" }).label).toBe("Pending");
    expect(deliveryStatus({ status: "delivered" }).tone).toBe("success");
    expect(deliveryStatus({ status: "failed" }).tone).toBe("danger");
  });

  it("keeps polling only while some endpoint's last delivery waits", () => {
    const d = (status: "pending" | "delivered" | "failed") => ({ lastDelivery: { status } });
    expect(anyPending([d("delivered"), { lastDelivery: null }])).toBe(false);
    expect(anyPending([d("delivered"), d("pending")])).toBe(true);
    expect(anyPending(undefined)).toBe(false);
  });
});

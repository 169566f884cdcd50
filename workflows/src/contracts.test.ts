import { GENESIS_HASH } from "@holdfast/db";
import { describe, expect, it } from "vitest";
import { AUDIT_CHAIN_PAGE_SIZE, VerifyAuditChainInput, VerifyAuditChainPageInput, workflowIds } from "./contracts";

const tenantId = "3f1c2b9e-8a4d-4c6e-9b7a-1d2e3f4a5b6c";

describe("contracts", () => {
  it("workflow ids are business ids: kind, tenant, scheduled time", () => {
    expect(workflowIds.verifyAuditChain(tenantId, new Date("2026-01-02T03:04:05.678Z"))).toBe(
      `verify-audit-chain:${tenantId}:2026-01-02T03:04:05.678Z`,
    );
  });

  it("a verification input needs a tenant uuid and bounds its page size", () => {
    expect(VerifyAuditChainInput.safeParse({ tenantId }).success).toBe(true);
    expect(VerifyAuditChainInput.safeParse({ tenantId: "acme" }).success).toBe(false);
    expect(VerifyAuditChainInput.safeParse({ tenantId, pageSize: 0 }).success).toBe(false);
    expect(VerifyAuditChainInput.safeParse({ tenantId, pageSize: AUDIT_CHAIN_PAGE_SIZE.max + 1 }).success).toBe(false);
  });

  it("a page cursor carries a SHA-256 or null for the chain's start", () => {
    expect(VerifyAuditChainPageInput.safeParse({ tenantId, afterSeq: 0, prevHash: null, limit: 10 }).success).toBe(true);
    expect(VerifyAuditChainPageInput.safeParse({ tenantId, afterSeq: 3, prevHash: GENESIS_HASH, limit: 10 }).success).toBe(true);
    expect(VerifyAuditChainPageInput.safeParse({ tenantId, afterSeq: 3, prevHash: "abc", limit: 10 }).success).toBe(false);
    expect(VerifyAuditChainPageInput.safeParse({ tenantId, afterSeq: -1, prevHash: null, limit: 10 }).success).toBe(false);
  });
});

// Activity factory (CONVENTIONS §11): the worker injects its dependencies once, and workflow
// definitions see only `import type { Activities }`.
import type { Database } from "@holdfast/db";
import type { VerifyAuditChainPageInput, VerifyAuditChainPageResult } from "../contracts";
import { verifyAuditChainPage } from "./verify-audit-chain-page";

export interface ActivityDeps {
  /** Connected as the application role: every read goes through withTenant and RLS. */
  db: Database;
}

export function createActivities(deps: ActivityDeps) {
  return {
    verifyAuditChainPage: (input: VerifyAuditChainPageInput): Promise<VerifyAuditChainPageResult> => verifyAuditChainPage(deps, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;

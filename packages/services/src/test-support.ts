// Shared by the services' integration tests (not exported from the package).
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { totpCode } from "@holdfast/auth";
import type { Database } from "@holdfast/db";
import type { DomainError } from "./errors";
import type { GuardRunner } from "./guard/types";
import { guardApprove, GuardRefusedError } from "./guard/worker";
import { signUp } from "./users/sign-up";
import { confirmTotpEnrolment, startTotpEnrolment } from "./users/totp";

/** The domain error code a verb's promise rejects with ("VALIDATION" for a boundary ZodError), or "resolved". */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    // Boundary schemas throw ZodError, which every transport maps to a validation error.
    if ((err as Error).name === "ZodError") return "VALIDATION";
    return (err as DomainError).code ?? String(err);
  }
  return "resolved";
}

/** A loopback port nothing listens on (it was free a moment ago): a server that is down. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * A guard runner without Temporal: an approval goes straight to the guard's definer function, as
 * the guardedRequest workflow's update does; starting and cancelling are no-ops. `guardDb` is read
 * at call time (the test database is created in beforeAll).
 */
export function directGuardRunner(guardDb: () => Database): GuardRunner {
  return {
    startGuardedRequest: () => Promise.resolve(),
    async approveGuardedRequest({ workflowId, userId }) {
      try {
        await guardApprove(guardDb(), workflowId.replace(/^guarded-request:/, ""), userId);
        return { approved: true };
      } catch (err) {
        if (err instanceof GuardRefusedError) return { approved: false, code: err.code, reason: err.message };
        throw err;
      }
    },
    signalGuardedRequestCancelled: () => Promise.resolve(),
  };
}

/** A person who signed up (with their own organisation) and enrolled TOTP: `code()` is a fresh code. */
export async function enrolledPerson(db: Database, label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const { secret } = await startTotpEnrolment(db, userId);
  await confirmTotpEnrolment(db, userId, totpCode(secret));
  return { userId, email, tenantId: organization.id, code: () => totpCode(secret) };
}

// Shared by the services' integration tests (not exported from the package).
import { createServer } from "node:net";
import type { DomainError } from "./errors";

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

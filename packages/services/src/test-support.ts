// Shared by the services' integration tests (not exported from the package).
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

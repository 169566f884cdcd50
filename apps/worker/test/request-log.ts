// The sandbox's request log (apps/sandbox/src/control/request-log.ts) around a piece of work: the
// provider's side of the wire, which sees every request whatever path it took through our
// throttle and retries. Paths come without query strings; nothing secret is kept.
import type { LoggedRequest } from "@holdfast/sandbox";
import type { Control } from "./drill";

export type { LoggedRequest };

/** Records the provider traffic of `fn`; the recording is cleared afterwards. Refuses a log that dropped entries. */
export async function recordRequests<T>(control: Control, fn: () => Promise<T>): Promise<{ result: T; requests: LoggedRequest[] }> {
  await control("POST", "/_control/requests", {});
  try {
    const result = await fn();
    const log = await control<{ requests: LoggedRequest[]; dropped: number }>("GET", "/_control/requests");
    if (log.dropped > 0) throw new Error(`the request log dropped ${log.dropped} entries: raise its capacity`);
    return { result, requests: log.requests };
  } finally {
    await control("DELETE", "/_control/requests");
  }
}

// Where a consent started in the console lands the browser. The provider redirects to the public
// callback (/api/v1/sources/consent/callback), which answers JSON for scripts; for the console's
// own links (their state ends in `.console`, a mark bound into the stored hash: ADR 0011, addendum)
// that answer becomes a 303 to the source's page, saying how it went.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ConsentOutcome = "declined" | "failed" | "unavailable";

/** The organisation and source a console state names, or null for a script's state (or garbage). */
export function consoleConsentTarget(state: string | null): { orgId: string; sourceId: string } | null {
  const parts = state?.split(".") ?? [];
  if (parts.length !== 4 || parts[3] !== "console") return null;
  const [orgId = "", sourceId = ""] = parts;
  if (!UUID.test(orgId) || !UUID.test(sourceId)) return null;
  return { orgId: orgId.toLowerCase(), sourceId: sourceId.toLowerCase() };
}

/**
 * The console URL for the callback's answer. Only an outcome code travels in the URL (the reason
 * is in the audit log as `source.consent_failed`), so nobody can put words on our page with a link.
 */
export function consentLandingUrl(publicUrl: string, target: { orgId: string; sourceId: string }, status: number, providerError: string | null): string {
  const url = new URL(`/o/${target.orgId}/sources/${target.sourceId}`, publicUrl);
  if (status >= 200 && status < 300) url.searchParams.set("connected", "1");
  else url.searchParams.set("consent", providerError ? "declined" : status === 503 ? "unavailable" : "failed");
  return url.toString();
}

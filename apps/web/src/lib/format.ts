/** `27 Nov 2025, 14:05:09` in the viewer's time zone (or the one given, for tests and SSR). */
export function formatDateTime(iso: string, opts: { timeZone?: string; locale?: string; seconds?: boolean } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(opts.locale, {
    dateStyle: "medium",
    timeStyle: opts.seconds ? "medium" : "short",
    timeZone: opts.timeZone,
  }).format(d);
}

export function formatDate(iso: string, opts: { timeZone?: string; locale?: string } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(opts.locale, { dateStyle: "medium", timeZone: opts.timeZone }).format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["week", 7 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/** `3 days ago`, `in 6 days`, `just now`. */
export function formatRelative(iso: string, now: number = Date.now(), locale?: string): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (Math.abs(seconds) < 45) return "just now";
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds / 60), "minute");
}

/** Groups a base32 secret in fours so it can be typed into an authenticator by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, "").match(/.{1,4}/g)?.join(" ") ?? secret;
}

export function initials(nameOrEmail: string): string {
  const base = nameOrEmail.includes("@") ? (nameOrEmail.split("@")[0] ?? "") : nameOrEmail;
  const parts = base.split(/[\s._-]+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ""}${parts[1]?.[0] ?? ""}` : base.slice(0, 2);
  return letters.toUpperCase() || "?";
}

/** Only same-site paths may be a post-sign-in destination; anything else goes home. */
export function safeCallbackUrl(raw: string | string[] | null | undefined, fallback = "/"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}

export const AUDIT_ACTIONS: { value: string; label: string }[] = [
  { value: "user.signed_in", label: "Signed in" },
  { value: "user.mfa_enabled", label: "Two-factor enabled" },
  { value: "organization.created", label: "Organisation created" },
  { value: "member.invited", label: "Member invited" },
  { value: "member.invitation_revoked", label: "Invitation revoked" },
  { value: "member.joined", label: "Member joined" },
  { value: "member.added", label: "Member added" },
  { value: "member.role_changed", label: "Role changed" },
  { value: "member.removed", label: "Member removed" },
  { value: "api_key.created", label: "API key created" },
  { value: "api_key.revoked", label: "API key revoked" },
  { value: "user.signed_in_with_identity", label: "Signed in with Google or Microsoft (self-service)" },
  { value: "organization.self_service_enabled", label: "End-user self-service switched on" },
  { value: "organization.self_service_disabled", label: "End-user self-service switched off" },
  { value: "retention.policy_changed", label: "Retention policy changed" },
  { value: "retention.shorten_refused", label: "Retention shortening refused" },
  { value: "retention.legal_hold_placed", label: "Legal hold placed" },
  { value: "retention.legal_hold_release_refused", label: "Legal hold release refused" },
];

export function auditActionLabel(action: string): string {
  return AUDIT_ACTIONS.find((a) => a.value === action)?.label ?? action;
}

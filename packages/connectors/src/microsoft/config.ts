// Configuration of one Microsoft 365 source: an app registration (client credentials after
// admin consent), where the identity platform and Graph live, how TLS is trusted, and the
// shared Throttle. Everything here stays inside the activity that builds the connector: none of
// it is ever written into a unit, a descriptor, a cursor, an error or a log line.
import type { Dispatcher } from "undici";
import { z } from "zod";
import { Throttle } from "../core/throttle";

export const MICROSOFT_AUTHORITY_HOST = "https://login.microsoftonline.com";
export const MICROSOFT_GRAPH_BASE_URL = "https://graph.microsoft.com";
/** The resource every client-credentials token is requested for (`/.default` = the consented app roles). */
export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";

const httpsOrHttpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL")
  .transform((u) => u.replace(/\/+$/, ""));

export const MicrosoftLimits = z.object({
  /**
   * Outlook service limits per app and mailbox (throttling-limits, "Outlook service limits"):
   * 10,000 requests per 10 minutes and 4 concurrent requests. The bucket is sized so that no
   * 10-minute span can exceed the limit: burst + rate × 600 s ≤ 10,000 (1,000 + 15/s × 600).
   */
  mailboxBurst: z.number().int().min(1).default(1000),
  mailboxRequestsPerSecond: z.number().positive().default(15),
  mailboxConcurrency: z.number().int().min(1).default(4),
  /**
   * SharePoint resource units per app and tenant per minute (1,200 for ≤ 1,000 licences, "Avoid
   * getting throttled or blocked in SharePoint Online"): burst + rate × 60 s ≤ 1,200 (120 + 18/s × 60).
   */
  sharePointBurst: z.number().int().min(1).default(120),
  sharePointUnitsPerSecond: z.number().positive().default(18),
});
export type MicrosoftLimits = z.infer<typeof MicrosoftLimits>;

export const CalendarWindow = z.object({
  /** Days before "now" the calendarView delta window starts. */
  pastDays: z.number().int().min(0).default(730),
  /** Days after "now" it ends. */
  futureDays: z.number().int().min(1).default(365),
});
export type CalendarWindow = z.infer<typeof CalendarWindow>;

export const MicrosoftConnectorConfig = z.object({
  /** The customer's directory (tenant) id, a GUID, or its verified domain. */
  tenantId: z.string().trim().min(1, "tenantId is required"),
  /** Our app registration's client id. */
  clientId: z.string().trim().min(1, "clientId is required"),
  clientSecret: z.string().min(1, "clientSecret is required"),
  endpoints: z
    .object({
      /** `https://login.microsoftonline.com`; the token endpoint is `<authorityHost>/<tenant>/oauth2/v2.0/token`. */
      authorityHost: httpsOrHttpUrl.default(MICROSOFT_AUTHORITY_HOST),
      /** `https://graph.microsoft.com`; the Graph client appends `/v1.0/…`. Must be https (the client only parses https links). */
      graphBaseUrl: httpsOrHttpUrl.default(MICROSOFT_GRAPH_BASE_URL),
    })
    .prefault({}),
  /** An undici dispatcher for every request (e.g. an Agent that trusts a private CA). */
  dispatcher: z.custom<Dispatcher>((v) => v === undefined || (typeof v === "object" && v !== null && typeof (v as { dispatch?: unknown }).dispatch === "function"), "dispatcher must be an undici Dispatcher").optional(),
  /** The transport (default: the global fetch). Tests wrap it to observe what goes over the wire. */
  fetch: z.custom<typeof fetch>((v) => v === undefined || typeof v === "function", "fetch must be a function").optional(),
  throttle: z.instanceof(Throttle, { message: "throttle must be a Throttle from @holdfast/connectors" }),
  limits: MicrosoftLimits.prefault({}),
  calendarWindow: CalendarWindow.prefault({}),
  /** Page size asked of delta queries (`Prefer: odata.maxpagesize`). */
  pageSize: z.number().int().min(1).max(1000).default(200),
  /** Read each file's sharing permissions into its metadata (5 SharePoint resource units per file). */
  drivePermissions: z.boolean().default(true),
  /** Files up to this size are uploaded with one PUT; larger ones through an upload session. */
  simpleUploadMaxBytes: z.number().int().min(1).max(250 * 1024 * 1024).default(4 * 1024 * 1024),
  /** Upload-session slice size; must be a multiple of 320 KiB (Graph's documented requirement). */
  uploadChunkBytes: z
    .number()
    .int()
    .refine((n) => n > 0 && n % (320 * 1024) === 0 && n <= 60 * 1024 * 1024, "uploadChunkBytes must be a positive multiple of 320 KiB (327,680 bytes), at most 60 MiB")
    .default(10 * 320 * 1024),
});
export type MicrosoftConnectorConfigInput = z.input<typeof MicrosoftConnectorConfig>;
export type MicrosoftConnectorConfig = z.output<typeof MicrosoftConnectorConfig>;

/** Parses the configuration; errors name the field, never echo the secret. */
export function parseMicrosoftConfig(input: MicrosoftConnectorConfigInput): MicrosoftConnectorConfig {
  const r = MicrosoftConnectorConfig.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
  throw new Error(`invalid Microsoft connector configuration: ${problems}`);
}

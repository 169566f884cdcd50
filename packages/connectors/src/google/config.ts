// The Google Workspace source's configuration: a service-account key with domain-wide delegation
// (https://developers.google.com/identity/protocols/oauth2/service-account#delegatingauthority),
// the admin it acts as for the Directory, endpoints (Google's by default) and tuning knobs.
import { z } from "zod";
import type { Throttle } from "../core/throttle";

/** The JSON key file as Google issues it (IAM → Service accounts → Keys → JSON). */
export const ServiceAccountKey = z.object({
  type: z.literal("service_account"),
  client_email: z.string().email(),
  private_key: z.string().includes("PRIVATE KEY", { message: "private_key is not a PEM private key" }),
  private_key_id: z.string().optional(),
  client_id: z.string().optional(),
  project_id: z.string().optional(),
  token_uri: z.string().url().optional(),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

/** Google-native types and the Office format each is exported to by default (ref-export-formats). */
export const DEFAULT_EXPORT_FORMATS: Readonly<Record<string, string>> = {
  "application/vnd.google-apps.document": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.google-apps.spreadsheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.google-apps.presentation": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.google-apps.drawing": "application/pdf",
};

export const GoogleConnectorConfigInput = z.object({
  /** The key file's JSON (string or parsed). */
  serviceAccountKey: z.union([z.string(), z.record(z.string(), z.unknown())]),
  /** A super admin of the domain: the subject for Directory calls and shared drives. */
  adminEmail: z.string().email(),
  /** Google's API root (googleapis `rootUrl`); the sandbox's origin in tests. */
  rootUrl: z.string().url().default("https://www.googleapis.com/"),
  /** Where the JWT bearer grant is posted. */
  tokenUrl: z.string().url().default("https://oauth2.googleapis.com/token"),
  /** Drive files above this size are not backed up (recorded as `unsupported`). Default 5 GiB. */
  maxFileBytes: z.number().int().positive().default(5 * 1024 ** 3),
  /** Uploads up to this size go multipart, larger ones resumable. Default 5 MiB (Drive's advice). */
  resumableThresholdBytes: z.number().int().positive().default(5 * 1024 * 1024),
  /** Resumable chunk size; a multiple of 256 KiB as Drive requires. Default 8 MiB. */
  resumableChunkBytes: z
    .number()
    .int()
    .positive()
    .refine((n) => n % (256 * 1024) === 0, "resumableChunkBytes must be a multiple of 256 KiB")
    .default(8 * 1024 * 1024),
  /** Export target per Google-native MIME type; overrides DEFAULT_EXPORT_FORMATS entry by entry. */
  exportFormats: z.record(z.string(), z.string()).default({}),
  /**
   * Look restored mail up by its Message-ID (`q=rfc822msgid:`) to detect a conflict. Gmail
   * supports it; turn off only against a provider that does not.
   */
  messageIdSearch: z.boolean().default(true),
  /** People API `personFields` read and restored (People API reference, people.connections.list). */
  personFields: z
    .string()
    .regex(/^[a-zA-Z]+(,[a-zA-Z]+)*$/, "personFields is a comma-separated list of field names")
    .default("names,nicknames,emailAddresses,phoneNumbers,addresses,organizations,biographies,birthdays,urls,relations,events,userDefined,occupations,imClients,sipAddresses,locations,externalIds,miscKeywords,interests,calendarUrls,clientData,memberships,metadata"),
  /** Gmail quota units per user per minute (Gmail usage limits: 15,000). */
  gmailUnitsPerUserPerMinute: z.number().min(50, "gmailUnitsPerUserPerMinute must allow at least two messages.import calls (50 units)").default(15_000),
  /** Drive queries per user per minute (Drive API quota: 12,000 per 60 s per user). */
  driveRequestsPerUserPerMinute: z.number().min(2).default(12_000),
  /** Calendar queries per user per minute (Calendar API default: 600). */
  calendarRequestsPerUserPerMinute: z.number().min(2).default(600),
  /** People API reads per user per minute (default quota: 90 critical reads). */
  peopleRequestsPerUserPerMinute: z.number().min(2).default(90),
  /** Directory queries per minute (Admin SDK: 2,400 per user per minute). */
  directoryRequestsPerMinute: z.number().min(2).default(2_400),
  /** Concurrent requests per user and service. */
  concurrencyPerUser: z.number().int().positive().default(8),
});
export type GoogleConnectorConfigInput = z.input<typeof GoogleConnectorConfigInput>;

export interface GoogleConnectorConfig extends Omit<z.output<typeof GoogleConnectorConfigInput>, "serviceAccountKey"> {
  key: ServiceAccountKey;
  throttle: Throttle;
}

/** Validates the configuration; errors name the field but never echo the key. */
export function parseGoogleConfig(input: GoogleConnectorConfigInput & { throttle: Throttle }): GoogleConnectorConfig {
  const parsed = GoogleConnectorConfigInput.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid Google connector config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  let raw: unknown = parsed.data.serviceAccountKey;
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new Error("invalid Google connector config: serviceAccountKey is not valid JSON");
    }
  }
  const key = ServiceAccountKey.safeParse(raw);
  if (!key.success) {
    throw new Error(`invalid Google connector config: serviceAccountKey: ${key.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const { serviceAccountKey: _secret, ...rest } = parsed.data;
  return { ...rest, key: key.data, throttle: input.throttle };
}

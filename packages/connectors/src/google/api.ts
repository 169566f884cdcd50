// The raw Google clients: one google-auth-library JWT client per impersonated user and scope set
// (domain-wide delegation: the assertion's `sub` is the user), each caching its access token until
// it expires, and googleapis services pointed at the configured root URL. Every call goes through
// the Throttle with the budget of its service and user, and every failure leaves as a
// ConnectorError.
import { JWT } from "google-auth-library";
import { google, type admin_directory_v1, type calendar_v3, type drive_v3, type gmail_v1, type people_v1 } from "googleapis";
import type { BucketLimit, RequestBudget } from "../core/throttle";
import type { GoogleConnectorConfig } from "./config";
import { classifyGoogleError } from "./errors";

const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const S = "https://www.googleapis.com/auth/";

/** Least privilege: backups read with the read-only scopes, restores write with the narrowest write scopes. */
export const GOOGLE_SCOPES = {
  directory: { read: [`${S}admin.directory.user.readonly`], write: [`${S}admin.directory.user.readonly`] },
  gmail: { read: [`${S}gmail.readonly`], write: [`${S}gmail.modify`, `${S}gmail.labels`] },
  drive: { read: [`${S}drive.readonly`], write: [`${S}drive`] },
  calendar: { read: [`${S}calendar.readonly`], write: [`${S}calendar.events`] },
  people: { read: [`${S}contacts.readonly`], write: [`${S}contacts`] },
} as const;

export type GoogleService = keyof typeof GOOGLE_SCOPES;
export type Access = "read" | "write";

/**
 * Gmail quota units per method (https://developers.google.com/gmail/api/reference/quota).
 * Unlisted methods cost what Google documents for them too (labels.create 5, messages.modify 5).
 */
export const GMAIL_UNITS = {
  getProfile: 1,
  "labels.list": 1,
  "labels.create": 5,
  "history.list": 2,
  "messages.list": 5,
  "messages.get": 5,
  "messages.modify": 5,
  "messages.import": 25,
  "messages.insert": 25,
} as const;

/**
 * A bucket that never admits more than `perMinute` requests in any minute: the burst (one
 * second's worth) plus sixty seconds of refill stays within the per-minute quota, whether the
 * provider counts in fixed or sliding windows.
 */
export function perMinuteLimit(perMinute: number, largestCost = 1): BucketLimit {
  if (perMinute < largestCost * 2) throw new Error(`a quota of ${perMinute} per minute cannot pace requests costing up to ${largestCost}`);
  // The burst must hold the dearest request (messages.import: 25 units), or it could never run.
  const capacity = Math.max(largestCost, perMinute / 60);
  return { capacity, refillPerSecond: Math.max(0.01, (perMinute - capacity) / 60) };
}

export interface CallOptions {
  /** Gmail quota units (or 1 request elsewhere). */
  cost?: number;
  /** This call reads a change cursor (404/410/expired token mean resync). */
  cursor?: boolean;
  signal?: AbortSignal;
}

export class GoogleApis {
  readonly #cfg: GoogleConnectorConfig;
  readonly #clients = new Map<string, JWT>();

  constructor(cfg: GoogleConnectorConfig) {
    this.#cfg = cfg;
  }

  get config(): GoogleConnectorConfig {
    return this.#cfg;
  }

  /** The JWT client acting as `subject` with the scopes of `service`/`access`, token cached until expiry. */
  auth(subject: string, service: GoogleService, access: Access): JWT {
    const scopes = [...GOOGLE_SCOPES[service][access]];
    const id = `${subject.toLowerCase()}\n${scopes.join(" ")}`;
    let client = this.#clients.get(id);
    if (!client) {
      client = new JWT({ email: this.#cfg.key.client_email, key: this.#cfg.key.private_key, keyId: this.#cfg.key.private_key_id, scopes, subject });
      // google-auth-library always posts the grant to Google's token URL; send it where configured.
      if (this.#cfg.tokenUrl !== GOOGLE_TOKEN_URL) {
        const tokenUrl = this.#cfg.tokenUrl;
        client.transporter.interceptors.request.add({
          resolved: (opts) => {
            if (opts.url.toString() === GOOGLE_TOKEN_URL) opts.url = new URL(tokenUrl);
            return Promise.resolve(opts);
          },
        });
      }
      this.#clients.set(id, client);
    }
    return client;
  }

  /** Base URL for media uploads: googleapis builds upload URLs from the per-call rootUrl only. */
  get rootUrl(): string {
    return this.#cfg.rootUrl.endsWith("/") ? this.#cfg.rootUrl : `${this.#cfg.rootUrl}/`;
  }

  // `retry: false`: gaxios' own retries ignore Retry-After and spend quota behind the Throttle's
  // back; the Throttle retries instead, honouring fences.
  gmail(subject: string, access: Access = "read"): gmail_v1.Gmail {
    return google.gmail({ version: "v1", auth: this.auth(subject, "gmail", access), rootUrl: this.rootUrl, retry: false });
  }
  drive(subject: string, access: Access = "read"): drive_v3.Drive {
    return google.drive({ version: "v3", auth: this.auth(subject, "drive", access), rootUrl: this.rootUrl, retry: false });
  }
  calendar(subject: string, access: Access = "read"): calendar_v3.Calendar {
    return google.calendar({ version: "v3", auth: this.auth(subject, "calendar", access), rootUrl: this.rootUrl, retry: false });
  }
  people(subject: string, access: Access = "read"): people_v1.People {
    return google.people({ version: "v1", auth: this.auth(subject, "people", access), rootUrl: this.rootUrl, retry: false });
  }
  directory(): admin_directory_v1.Admin {
    return google.admin({ version: "directory_v1", auth: this.auth(this.#cfg.adminEmail, "directory", "read"), rootUrl: this.rootUrl, retry: false });
  }

  budget(service: GoogleService, subject: string, cost: number): RequestBudget {
    const user = subject.toLowerCase();
    const perMinute = {
      gmail: this.#cfg.gmailUnitsPerUserPerMinute,
      drive: this.#cfg.driveRequestsPerUserPerMinute,
      calendar: this.#cfg.calendarRequestsPerUserPerMinute,
      people: this.#cfg.peopleRequestsPerUserPerMinute,
      directory: this.#cfg.directoryRequestsPerMinute,
    }[service];
    return {
      bucket: { key: `google:${service}:rate:${user}`, cost, limit: perMinuteLimit(perMinute, service === "gmail" ? Math.max(...Object.values(GMAIL_UNITS)) : 1) },
      slot: { key: `google:${service}:slots:${user}`, max: this.#cfg.concurrencyPerUser },
      // Retry-After from a per-user quota holds back every call of that user to that service.
      fences: [`google:${service}:fence:${user}`],
    };
  }

  /** Runs one Google call as `subject` within its budget; failures become ConnectorErrors. */
  call<T>(service: GoogleService, subject: string, op: string, fn: () => Promise<T>, options: CallOptions = {}): Promise<T> {
    return this.#cfg.throttle.run(
      this.budget(service, subject, options.cost ?? 1),
      async () => {
        try {
          return await fn();
        } catch (e) {
          throw classifyGoogleError(e, { op: `${service} ${op}`, cursor: options.cursor });
        }
      },
      options.signal,
    );
  }
}

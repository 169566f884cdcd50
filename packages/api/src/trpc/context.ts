import { randomUUID } from "node:crypto";
import type { Database } from "@holdfast/db";
import { childLogger, type Logger } from "@holdfast/logger";
import type { JobsPort } from "../jobs/port";

export interface TrpcContext {
  db: Database;
  /** From the next-auth session; null when nobody is signed in. */
  userId: string | null;
  requestId: string;
  ip?: string;
  log: Logger;
  /** Starts workflows (backups, restores, exports); procedures that need it fail without one. */
  jobs?: JobsPort;
  /** The console's public origin, for consent redirect URIs. */
  publicUrl?: string;
}

export interface CreateTrpcContextOptions {
  db: Database;
  userId?: string | null;
  /** An inbound x-request-id; replaced when absent or not a plain token. */
  requestId?: string | null;
  ip?: string | null;
  log?: Logger;
  jobs?: JobsPort;
  publicUrl?: string;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a caller-supplied request id only when it cannot inject anything into logs or headers. */
export function normalizeRequestId(candidate: string | null | undefined): string {
  return candidate && SAFE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/** The first address in x-forwarded-for (the client as seen by our proxy), else x-real-ip. */
export function clientIpFrom(headers: Pick<Headers, "get">): string | undefined {
  const first = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = first || headers.get("x-real-ip")?.trim();
  return ip && /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? ip : undefined;
}

export function createTrpcContext(opts: CreateTrpcContextOptions): TrpcContext {
  const requestId = normalizeRequestId(opts.requestId);
  return {
    db: opts.db,
    userId: opts.userId ?? null,
    requestId,
    ip: opts.ip ?? undefined,
    // Every line a procedure logs carries the request id.
    log: opts.log ? opts.log.child({ requestId }) : childLogger({ requestId, component: "trpc" }),
    ...(opts.jobs ? { jobs: opts.jobs } : {}),
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
  };
}

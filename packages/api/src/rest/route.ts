// The REST API is a table of these: one entry per operation, carrying the zod schemas that both
// validate requests/responses at runtime and generate the OpenAPI document (CONVENTIONS §8).
import type { Database } from "@holdfast/db";
import type { TenantContext } from "@holdfast/services";
import type { z } from "zod";
import type { JobsPort } from "../jobs/port";

/** What a route may reach besides its tenant context: the database, the job runner, where we are served. */
export interface ApiEnv {
  db: Database;
  /** Absent where no job runner is configured; routes that need it answer 503. */
  jobs?: JobsPort;
  /** The public origin the API is served at (`https://app.example.com`), for redirect URIs and links. */
  publicUrl: string;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}

export type SuccessStatus = 200 | 201 | 202;

/**
 * A body answered with a status other than the route's `response.status`: a route that either
 * does something at once (200) or only asks for it (202, a guarded request) returns this for the
 * second case. A class, so a body with its own `status` field is never mistaken for one.
 */
export class WithStatus<T = unknown> {
  constructor(
    readonly status: SuccessStatus,
    readonly body: T,
  ) {}
}
export const withStatus = <T>(status: SuccessStatus, body: T) => new WithStatus(status, body);

interface RouteDoc<P extends AnyObject | undefined, Q extends AnyObject | undefined, B extends z.ZodType | undefined, R extends z.ZodType> {
  method: HttpMethod;
  /** Relative to /api/v1, OpenAPI-style: `/api-keys/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  response: { status: SuccessStatus; description: string; schema: R };
  /** A second success the handler may answer with (`withStatus(status, body)`), validated against its own schema. */
  alternative?: { status: SuccessStatus; description: string; schema: z.ZodType };
  /** Error statuses this operation can answer with, besides 401 and 500 (documented for every authenticated route). */
  errors: readonly number[];
}

/** A route as the handler and the document generator see it, with its types erased. */
export interface Route extends RouteDoc<AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined, z.ZodType> {
  auth: "bearer" | "none";
  /** Set for routes that answer with a byte stream (a download) instead of JSON. */
  stream?: { contentType: string };
  run: (ctx: TenantContext | undefined, input: { params: unknown; query: unknown; body: unknown }, env: ApiEnv) => Promise<unknown>;
}

/** An operation that acts in the tenant of the calling API key. */
export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
  A extends z.ZodType = z.ZodNever,
>(
  def: Omit<RouteDoc<P, Q, B, R>, "alternative"> & {
    alternative?: { status: SuccessStatus; description: string; schema: A };
    handle: (ctx: TenantContext, input: RouteInput<P, Q, B>, env: ApiEnv) => Promise<z.input<R> | WithStatus<z.input<A>>>;
  },
): Route {
  const { handle, ...doc } = def;
  return {
    ...doc,
    auth: "bearer",
    run: (ctx, input, env) => {
      // The handler authenticates before calling run; reaching here without a tenant is a bug.
      if (!ctx) throw new Error(`route ${def.operationId} ran without a tenant context`);
      // The handler validated each part with this route's own schemas.
      return handle(ctx, input as RouteInput<P, Q, B>, env);
    },
  };
}

/**
 * An authenticated download: `handle` returns the Response (status 200, body a stream, its own
 * content type and disposition); the handler adds the request id and no-store caching. `schema`
 * documents the body (e.g. `z.string()` for binary) and is not checked against it.
 */
export function defineStreamRoute<P extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined>(
  def: RouteDoc<P, Q, undefined, z.ZodType> & { contentType: string; handle: (ctx: TenantContext, input: RouteInput<P, Q, undefined>, env: ApiEnv) => Promise<Response> },
): Route {
  const { handle, contentType, ...doc } = def;
  return {
    ...doc,
    auth: "bearer",
    stream: { contentType },
    run: (ctx, input, env) => {
      if (!ctx) throw new Error(`route ${def.operationId} ran without a tenant context`);
      return handle(ctx, input as RouteInput<P, Q, undefined>, env);
    },
  };
}

/**
 * An operation anyone may call: the OpenAPI document, and redirects from a provider's consent
 * page (which authenticate by their single-use `state`, not a key).
 */
export function definePublicRoute<Q extends AnyObject | undefined = undefined, R extends z.ZodType = z.ZodType>(
  def: RouteDoc<undefined, Q, undefined, R> & { handle: (input: RouteInput<undefined, Q, undefined>, env: ApiEnv) => Promise<z.input<R>> },
): Route {
  const { handle, ...doc } = def;
  return { ...doc, auth: "none", run: (_ctx, input, env) => handle(input as RouteInput<undefined, Q, undefined>, env) };
}

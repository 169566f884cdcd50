// The REST API is a table of these: one entry per operation, carrying the zod schemas that both
// validate requests/responses at runtime and generate the OpenAPI document (CONVENTIONS §8).
import type { TenantContext } from "@holdfast/services";
import type { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}

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
  response: { status: 200 | 201; description: string; schema: R };
  /** Error statuses this operation can answer with, besides 401 and 500 (documented for every authenticated route). */
  errors: readonly number[];
}

/** A route as the handler and the document generator see it, with its types erased. */
export interface Route extends RouteDoc<AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined, z.ZodType> {
  auth: "bearer" | "none";
  run: (ctx: TenantContext | undefined, input: { params: unknown; query: unknown; body: unknown }) => Promise<unknown>;
}

/** An operation that acts in the tenant of the calling API key. */
export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(def: RouteDoc<P, Q, B, R> & { handle: (ctx: TenantContext, input: RouteInput<P, Q, B>) => Promise<z.input<R>> }): Route {
  const { handle, ...doc } = def;
  return {
    ...doc,
    auth: "bearer",
    run: (ctx, input) => {
      // The handler authenticates before calling run; reaching here without a tenant is a bug.
      if (!ctx) throw new Error(`route ${def.operationId} ran without a tenant context`);
      // The handler validated each part with this route's own schemas.
      return handle(ctx, input as RouteInput<P, Q, B>);
    },
  };
}

/** An operation anyone may call (only the OpenAPI document). */
export function definePublicRoute<R extends z.ZodType>(def: RouteDoc<undefined, undefined, undefined, R> & { handle: () => Promise<z.input<R>> }): Route {
  const { handle, ...doc } = def;
  return { ...doc, auth: "none", run: () => handle() };
}

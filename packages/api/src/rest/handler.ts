// The /api/v1 handler: web-standard Request in, Response out, so a Next.js route handler (or any
// other server) only has to delegate to it. Per request: match → authenticate → validate →
// call the verb → validate the output → respond; every failure goes through toErrorResponse.
import { kekConfig } from "@holdfast/config";
import { type Database } from "@holdfast/db";
import { logger as rootLogger, type Logger } from "@holdfast/logger";
import { authenticateApiKey, type TenantContext } from "@holdfast/services";
import { notFound } from "@holdfast/services/errors";
import {
  bearerToken,
  forwardedIp,
  jsonResponse,
  MethodNotAllowedError,
  MissingCredentialsError,
  parseJsonBody,
  queryObject,
  readBodyText,
  readJsonBody,
  requestIdFor,
  ResponseContractError,
  toErrorResponse,
  validate,
} from "./http";
import { claimIdempotencyKey, completeIdempotencyKey, idempotencyKeyOf, releaseIdempotencyKey, REPLAYED_HEADER, requestHash, type IdempotencyScope } from "./idempotency";
import { createMatcher } from "./match";
import type { JobsPort } from "../jobs/port";
import { WithStatus, type ApiEnv, type Route } from "./route";
import { ROUTES } from "./routes";

export const API_BASE_PATH = "/api/v1";

export interface RestDeps {
  db: Database;
  /** Defaults to the process logger from @holdfast/logger. */
  logger?: Logger;
  /** Where the API is mounted; defaults to /api/v1. */
  basePath?: string;
  /** Starts workflows; routes that need it answer 503 without one. */
  jobs?: JobsPort;
  /** The public origin (for consent redirect URIs); defaults to the request's own origin. */
  publicUrl?: string;
  /** Seals the responses kept for Idempotency-Key retries; defaults to HOLDFAST_KEK. */
  kek?: Buffer;
  /** The client address recorded in the audit log; defaults to the first X-Forwarded-For hop. */
  clientIp?: (req: Request) => string | undefined;
}

export type RestHandler = (req: Request) => Promise<Response>;

async function authenticate(deps: RestDeps, req: Request, requestId: string): Promise<TenantContext> {
  const token = bearerToken(req);
  if (token === null) throw new MissingCredentialsError();
  const principal = await authenticateApiKey(deps.db, token);
  const ip = (deps.clientIp ?? forwardedIp)(req);
  return {
    db: deps.db,
    tenantId: principal.tenantId,
    actor: { type: "api_key", id: principal.keyId },
    role: principal.role,
    requestId,
    ...(ip ? { ip } : {}),
  };
}

async function run(route: Route, ctx: TenantContext | undefined, req: Request, url: URL, rawParams: Record<string, string>, env: ApiEnv, bodyText?: string): Promise<Response | { status: number; body: unknown }> {
  const input = {
    params: route.params ? validate(route.params, rawParams, "path") : undefined,
    query: route.query ? validate(route.query, queryObject(url), "query") : undefined,
    body: route.body ? validate(route.body, bodyText !== undefined ? parseJsonBody(bodyText) : await readJsonBody(req), "body") : undefined,
  };
  const result = await route.run(ctx, input, env);
  if (route.stream) {
    if (!(result instanceof Response)) throw new Error(`${route.operationId} is a download route but returned no Response`);
    return result;
  }
  // The route's other declared success (a 202 "requested" beside a 200 "applied"), if it chose it.
  const answer = result instanceof WithStatus ? result : undefined;
  const declared = answer ? (answer.status === route.alternative?.status ? route.alternative : undefined) : route.response;
  if (!declared) throw new Error(`${route.operationId} answered with status ${answer?.status}, which it does not declare`);
  const checked = declared.schema.safeParse(answer ? answer.body : result);
  if (!checked.success) throw new ResponseContractError(route.operationId, checked.error.issues);
  return { status: declared.status, body: checked.data };
}

/**
 * Keeps the first response for its retries, except a failure on our side (5xx), which is
 * forgotten so that the retry runs again. A bookkeeping failure is logged and the response stands.
 */
async function settleIdempotencyKey(scope: IdempotencyScope, response: Response, log: Logger): Promise<void> {
  try {
    if (response.status >= 500) await releaseIdempotencyKey(scope);
    else await completeIdempotencyKey(scope, response.status, await response.clone().json());
  } catch (err) {
    log.error({ err, idempotencyKey: scope.key }, "could not record the idempotent response");
  }
}

export function createRestHandler(deps: RestDeps): RestHandler {
  return createHandlerFor(ROUTES, deps);
}

/** The handler over any route table; tests use it to exercise the machinery with routes of their own. */
export function createHandlerFor(routes: readonly Route[], deps: RestDeps): RestHandler {
  const basePath = (deps.basePath ?? API_BASE_PATH).replace(/\/+$/, "");
  const match = createMatcher(routes);

  return async (req) => {
    const requestId = requestIdFor(req);
    let log = (deps.logger ?? rootLogger()).child({ requestId, component: "rest" });
    const started = performance.now();
    let response: Response;
    try {
      const url = new URL(req.url);
      const path = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : null;
      const found = path === null ? ({ kind: "not_found" } as const) : match(req.method === "HEAD" ? "GET" : req.method, path);
      if (found.kind === "not_found") throw notFound(`Endpoint ${req.method} ${url.pathname}`);
      if (found.kind === "method_not_allowed") throw new MethodNotAllowedError(req.method, found.allow);

      let ctx: TenantContext | undefined;
      if (found.route.auth === "bearer") {
        ctx = await authenticate(deps, req, requestId);
        log = log.child({ tenantId: ctx.tenantId, apiKeyId: ctx.actor.id });
      }
      const env: ApiEnv = { db: deps.db, publicUrl: (deps.publicUrl ?? url.origin).replace(/\/+$/, ""), ...(deps.jobs ? { jobs: deps.jobs } : {}) };
      const route = found.route;
      const respond = async (bodyText?: string): Promise<Response> => {
        const out = await run(route, ctx, req, url, found.params, env, bodyText);
        if (out instanceof Response) {
          out.headers.set("x-request-id", requestId);
          out.headers.set("cache-control", "no-store");
          out.headers.set("x-content-type-options", "nosniff");
          return out;
        }
        return jsonResponse(out.status, out.body, requestId);
      };
      const key = ctx && req.method === "POST" && !route.stream ? idempotencyKeyOf(req) : null;
      if (ctx && key !== null) {
        const scope: IdempotencyScope = { db: deps.db, kek: deps.kek ?? kekConfig().kek, tenantId: ctx.tenantId, principal: `${ctx.actor.type}:${ctx.actor.id}`, key };
        // Hashed as sent; only an operation that takes a body insists on JSON.
        const text = await readBodyText(req, { json: route.body !== undefined });
        const claim = await claimIdempotencyKey(scope, requestHash(req.method, url.pathname + url.search, text));
        if (claim.kind === "replay") {
          log.info({ idempotencyKey: key, status: claim.status }, "idempotent replay");
          response = jsonResponse(claim.status, claim.body, requestId, { [REPLAYED_HEADER.toLowerCase()]: "true" });
        } else {
          response = await respond(text).catch((err: unknown) => toErrorResponse(err, requestId, log));
          await settleIdempotencyKey(scope, response, log);
        }
      } else response = await respond();
    } catch (err) {
      response = toErrorResponse(err, requestId, log);
    }
    log.info({ method: req.method, path: new URL(req.url).pathname, status: response.status, ms: Math.round(performance.now() - started) }, "request");
    return response;
  };
}

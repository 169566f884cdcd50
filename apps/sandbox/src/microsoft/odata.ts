// OData query options as Graph applies them (https://learn.microsoft.com/graph/query-parameters):
// `$top` (page size, capped per resource), `$skip`, `$select` (comma-separated), and the
// `Prefer: odata.maxpagesize=N` header for delta; next pages are absolute `@odata.nextLink` URLs.
import type { FastifyRequest } from "fastify";
import { baseUrl } from "../http/base-url";
import { badRequest } from "./errors";

export const GRAPH_PATH = "/microsoft/graph/v1.0";

export type Query = Record<string, string | string[] | undefined>;

export function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

export function graphBase(req: FastifyRequest): string {
  return `${baseUrl(req)}${GRAPH_PATH}`;
}

export function top(q: Query, def: number, max: number): number {
  const raw = one(q, "$top");
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value '${raw}' for query option $top.`);
  return Math.min(n, max);
}

export function skip(q: Query): number {
  const raw = one(q, "$skip");
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid value '${raw}' for query option $skip.`);
  return n;
}

export function select(q: Query): string[] | undefined {
  const raw = one(q, "$select");
  return raw ? raw.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
}

/** `Prefer: odata.maxpagesize=N` (one of several comma-separated preferences), if present. */
export function maxPageSize(req: FastifyRequest): number | undefined {
  const prefer = ([] as string[]).concat(req.headers.prefer ?? []).join(",");
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** The same request URL with its query replaced (nextLink for $skip paging). */
export function linkWith(req: FastifyRequest, params: Record<string, string | undefined>): string {
  const u = new URL(req.url, baseUrl(req));
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  // Graph writes OData option names unencoded; the client re-parses them by name.
  return `${baseUrl(req)}${u.pathname}${u.search.replace(/%24/g, "$")}`;
}

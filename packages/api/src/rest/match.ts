// Path matching for the route table: literal segments and `{param}` segments, nothing more.
import type { HttpMethod, Route } from "./route";

type Segment = { literal: string } | { param: string };

export type RouteMatch =
  | { kind: "ok"; route: Route; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: HttpMethod[] }
  | { kind: "not_found" };

const splitPath = (path: string) => path.split("/").filter((s) => s !== "");

function compile(path: string): Segment[] {
  return splitPath(path).map((s) => {
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(s);
    return m?.[1] ? { param: m[1] } : { literal: s };
  });
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i] ?? "";
    if ("literal" in segment) {
      if (segment.literal !== part) return null;
      continue;
    }
    try {
      params[segment.param] = decodeURIComponent(part);
    } catch {
      return null; // malformed percent-encoding cannot name any resource
    }
  }
  return params;
}

/** `path` is relative to the API's base path, e.g. `/api-keys/123`. */
export function createMatcher(routes: readonly Route[]): (method: string, path: string) => RouteMatch {
  const compiled = routes.map((route) => ({ route, segments: compile(route.path) }));
  return (method, path) => {
    const parts = splitPath(path);
    const allow: HttpMethod[] = [];
    for (const { route, segments } of compiled) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { kind: "ok", route, params };
      allow.push(route.method);
    }
    return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
  };
}

// The Graph transport: the official @microsoft/microsoft-graph-client with a middleware chain of
// our own — its AuthenticationHandler (bearer only to Graph or the configured custom host), then
// a fetch step that uses our dispatcher and never follows redirects (so a bearer token can never
// travel to a download host). The client's RetryHandler is left out on purpose: every request
// runs inside our Throttle, which honours Retry-After with fences shared by all workers instead
// of retrying blind per process.
import { AuthenticationHandler, Client, GraphError, ResponseType, type Context, type GraphRequest, type Middleware } from "@microsoft/microsoft-graph-client";
import { ConnectorError, isConnectorError, isNetworkError } from "../core/errors";
import type { RequestBudget } from "../core/throttle";
import type { TokenClient } from "./auth";
import type { MicrosoftConnectorConfig } from "./config";
import { classifyGraphFailure } from "./errors";

class FetchStep implements Middleware {
  constructor(
    private readonly doFetch: typeof fetch,
    private readonly dispatcher: unknown,
  ) {}

  async execute(context: Context): Promise<void> {
    // Context.request is typed with the DOM's RequestInfo, which this Node build has no lib for.
    const request: unknown = context.request;
    context.response = await this.doFetch(request as string | Request, { ...(context.options as RequestInit), redirect: "manual", ...(this.dispatcher ? ({ dispatcher: this.dispatcher } as object) : {}) });
  }
}

/** Graph's JSON collection page (`value` plus the paging links). */
export interface GraphPage<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

/**
 * Ask Graph for immutable ids on Outlook items (mail, events, contacts): default ids change when
 * an item moves between folders, which would turn every move into delete + create.
 * https://learn.microsoft.com/graph/outlook-immutable-id
 */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

export class GraphApi {
  readonly client: Client;
  readonly #config: MicrosoftConnectorConfig;
  readonly #tokens: TokenClient;
  readonly #fetch: typeof fetch;

  constructor(config: MicrosoftConnectorConfig, tokens: TokenClient) {
    this.#config = config;
    this.#tokens = tokens;
    this.#fetch = config.fetch ?? fetch;
    const base = new URL(config.endpoints.graphBaseUrl);
    const auth = new AuthenticationHandler({ getAccessToken: () => Promise.resolve(this.#tokens.current()) });
    auth.setNext(new FetchStep(this.#fetch, config.dispatcher));
    this.client = Client.initWithMiddleware({
      baseUrl: config.endpoints.graphBaseUrl,
      defaultVersion: "v1.0",
      middleware: auth,
      ...(base.hostname === "graph.microsoft.com" ? {} : { customHosts: new Set([base.hostname]) }),
    });
  }

  // ---- budgets: the provider's own units of accounting --------------------------------------

  /** Outlook limits per app and mailbox: a bucket, 4 slots and a fence keyed by the mailbox owner's object id. */
  mailbox(userId: string): RequestBudget {
    const key = `msgraph:${this.#config.clientId}:mailbox:${userId}`;
    const l = this.#config.limits;
    return {
      bucket: { key, cost: 1, limit: { capacity: l.mailboxBurst, refillPerSecond: l.mailboxRequestsPerSecond } },
      slot: { key, max: l.mailboxConcurrency },
      fences: [key],
    };
  }

  /** SharePoint resource units per app and tenant (OneDrive is SharePoint): 1 per item/download/delta page with a token, 2 per collection, first delta or write, 5 per permissions read. */
  sharePoint(cost: number): RequestBudget {
    const key = `msgraph:${this.#config.clientId}:sharepoint:${this.#config.tenantId}`;
    const l = this.#config.limits;
    return { bucket: { key, cost, limit: { capacity: l.sharePointBurst, refillPerSecond: l.sharePointUnitsPerSecond } }, fences: [key] };
  }

  /** Directory reads (users, sites): only the tenant-wide fence. */
  directory(): RequestBudget {
    return { fences: [`msgraph:${this.#config.clientId}:tenant:${this.#config.tenantId}`] };
  }

  // ---- requests ---------------------------------------------------------------------------

  /** Runs one Graph request within `budget`: token first, then the call; failures become ConnectorErrors. */
  run<T>(budget: RequestBudget, fn: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#config.throttle.run(
      budget,
      async () => {
        await this.#tokens.get(signal);
        try {
          return await fn(this.client);
        } catch (e) {
          throw this.#classify(e, signal);
        }
      },
      signal,
    );
  }

  /** GET a JSON resource (path relative to /v1.0, or an absolute nextLink/deltaLink). */
  get<T>(budget: RequestBudget, path: string, init: { prefer?: string[]; signal?: AbortSignal } = {}): Promise<T> {
    return this.run(budget, (c) => this.request(c, path, init).get() as Promise<T>, init.signal);
  }

  request(client: Client, path: string, init: { prefer?: string[]; signal?: AbortSignal } = {}): GraphRequest {
    let r = client.api(path);
    if (init.prefer?.length) r = r.header("Prefer", init.prefer.join(", "));
    if (init.signal) r = r.option("signal", init.signal);
    return r;
  }

  /** A raw response (binary bodies, redirects); non-2xx/3xx answers are classified and thrown. */
  async raw(client: Client, build: (c: Client) => GraphRequest, method: "get" | "post" | "put" = "get", body?: unknown): Promise<Response> {
    const req = build(client).responseType(ResponseType.RAW);
    const res = (await (method === "get" ? req.get() : method === "post" ? req.post(body) : req.put(body))) as Response;
    if (res.status >= 400) throw await failureOf(res);
    return res;
  }

  /** Every item of a paged collection (users, folders, sites), following @odata.nextLink. */
  async all<T>(budget: RequestBudget, path: string, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: GraphPage<T> = await this.get<GraphPage<T>>(budget, next, signal ? { signal } : {});
      out.push(...page.value);
      next = page["@odata.nextLink"];
    }
    return out;
  }

  /**
   * A request to a pre-authenticated URL (download URL, upload session URL) with plain fetch and
   * no Authorization header, as documented ("don't send the bearer token to the upload URL").
   * Its errors are classified like Graph's; the URL itself never appears in them.
   */
  async preauthenticated(url: string, init: RequestInit, signal?: AbortSignal, opts: { download?: boolean } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await this.#fetch(url, { ...init, redirect: "follow", ...(signal ? { signal } : {}), ...(this.#config.dispatcher ? { dispatcher: this.#config.dispatcher } : {}) });
    } catch (e) {
      if (signal?.aborted) throw e;
      // Not the error itself as cause: it may quote the URL, whose query is a credential.
      const code = (e as { code?: unknown; cause?: { code?: unknown } }).code ?? (e as { cause?: { code?: unknown } }).cause?.code;
      throw classifyGraphFailure({ status: isNetworkError(e) ? 0 : -1, message: `pre-authenticated request failed${typeof code === "string" ? ` (${code})` : ""}` });
    }
    // A download URL lives about an hour: refused means expired, and a new attempt fetches a new one.
    if (opts.download && (res.status === 401 || res.status === 403)) {
      await res.body?.cancel();
      throw new ConnectorError("transient", `the pre-authenticated download URL was refused (${res.status}); it has probably expired`, { provider: "microsoft", status: res.status });
    }
    if (res.status >= 400) throw await failureOf(res);
    return res;
  }

  #classify(e: unknown, signal?: AbortSignal): unknown {
    if (isConnectorError(e)) return e;
    if (signal?.aborted) return e;
    if (e instanceof GraphError) {
      if (e.statusCode === 401) this.#tokens.invalidate();
      return classifyGraphFailure({ status: e.statusCode, code: e.code ?? undefined, message: e.message, retryAfter: e.headers?.get("retry-after") ?? null, cause: e });
    }
    if (isNetworkError(e)) return classifyGraphFailure({ status: 0, message: e instanceof Error ? e.message : String(e), cause: e });
    return e;
  }
}

/** A ConnectorError from a raw error response (Graph's envelope, or none). */
export async function failureOf(res: Response): Promise<ConnectorError> {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // not JSON: the status says enough
  }
  return classifyGraphFailure({ status: res.status, ...(code ? { code } : {}), ...(message ? { message } : {}), retryAfter: res.headers.get("retry-after") });
}

/** `users/{id}` with the id escaped for a path segment. */
export function userPath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

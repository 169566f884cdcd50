// App-only tokens through the OAuth 2.0 client-credentials grant of the Microsoft identity
// platform (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow):
// POST <authority>/<tenant>/oauth2/v2.0/token with client_id, client_secret,
// scope=https://graph.microsoft.com/.default, grant_type=client_credentials. There is no refresh
// token; a token is cached until shortly before `expires_in` and one request is shared by every
// concurrent caller. The secret goes only into that form body.
import { isNetworkError } from "../core/errors";
import type { MicrosoftConnectorConfig } from "./config";
import { GRAPH_DEFAULT_SCOPE } from "./config";
import { classifyTokenFailure } from "./errors";

/** Renew this long before the token expires, so a request never starts with a token about to lapse. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export class TokenClient {
  readonly #config: MicrosoftConnectorConfig;
  readonly #now: () => number;
  #token: { value: string; expiresAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(config: MicrosoftConnectorConfig, now: () => number = Date.now) {
    this.#config = config;
    this.#now = now;
  }

  /** A live access token (cached, or fetched once for every concurrent caller). */
  get(signal?: AbortSignal): Promise<string> {
    const t = this.#token;
    if (t && t.expiresAt - EXPIRY_MARGIN_MS > this.#now()) return Promise.resolve(t.value);
    this.#pending ??= this.#fetch(signal).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** The cached token, if any, for the Graph client's auth provider (called right after `get`). */
  current(): string {
    if (!this.#token) throw new Error("no Microsoft access token: call get() first");
    return this.#token.value;
  }

  /** Forgets the cached token (Graph said 401: the next attempt asks the identity platform again). */
  invalidate(): void {
    this.#token = undefined;
  }

  async #fetch(signal?: AbortSignal): Promise<string> {
    const { tenantId, clientId, clientSecret, endpoints, dispatcher } = this.#config;
    const url = `${endpoints.authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const doFetch = this.#config.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, scope: GRAPH_DEFAULT_SCOPE, grant_type: "client_credentials" }).toString(),
        ...(signal ? { signal } : {}),
        ...(dispatcher ? { dispatcher } : {}),
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw classifyTokenFailure({ status: isNetworkError(e) ? 0 : -1, cause: e });
    }
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    if (!res.ok || typeof body.access_token !== "string") {
      throw classifyTokenFailure({
        status: res.ok ? 502 : res.status,
        ...(typeof body.error === "string" ? { error: body.error } : {}),
        ...(typeof body.error_description === "string" ? { description: body.error_description } : res.ok ? { description: "the response carried no access_token" } : {}),
        retryAfter: res.headers.get("retry-after"),
      });
    }
    const expiresIn = Number(body.expires_in);
    const value = body.access_token;
    this.#token = { value, expiresAt: this.#now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000 };
    return value;
  }
}

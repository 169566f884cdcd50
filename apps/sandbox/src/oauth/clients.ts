// OAuth clients (the "apps" that ask for consent). Each provider has one built-in development
// client that accepts any loopback redirect URI, so `pnpm dev` works without registration;
// tests register their own through the control API.
import { randomBytes, randomUUID } from "node:crypto";
import type { ProviderId } from "./store";

export interface OAuthClient {
  provider: ProviderId;
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
  /** Accept any http://localhost|127.0.0.1|[::1] redirect (RFC 8252 §7.3 loopback redirects). */
  allowLoopback: boolean;
  /** Microsoft: the application permissions (app roles) the registration requests; granted by admin consent. */
  appRoles: string[];
}

/** What a Microsoft app registration asks for when the caller names nothing: a backup product's usual set. */
export const DEFAULT_MICROSOFT_APP_ROLES = ["User.Read.All", "Mail.Read", "Mail.ReadWrite", "Files.Read.All"];

/** What the built-in development app requests: everything Holdfast backs up and restores (mail, drives, sites, calendars, contacts). */
export const DEV_MICROSOFT_APP_ROLES = ["User.Read.All", "Mail.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Calendars.ReadWrite", "Contacts.ReadWrite"];

/** Dev-only credentials of the built-in clients; documented in the README, never valid anywhere else. */
export const DEV_CLIENTS: Record<"google" | "microsoft" | "salesforce", { clientId: string; clientSecret: string }> = {
  google: { clientId: "holdfast-dev.apps.googleusercontent.com", clientSecret: "sandbox-dev-secret" },
  // Microsoft application (client) ids are GUIDs.
  microsoft: { clientId: "5a0b1d3e-7c2f-4e6a-9b1d-0d0e5a7c3f21", clientSecret: "sandbox-dev-secret" },
  // Salesforce consumer keys start with 3MVG.
  salesforce: { clientId: "3MVG9HoldfastSandboxDevelopmentConsumerKey", clientSecret: "sandbox-dev-secret" },
};

export class ClientRegistry {
  private readonly clients = new Map<string, OAuthClient>();

  constructor() {
    for (const [provider, c] of Object.entries(DEV_CLIENTS)) {
      this.clients.set(c.clientId, {
        provider: provider as ProviderId,
        ...c,
        name: "Holdfast (development)",
        redirectUris: [],
        allowLoopback: true,
        appRoles: provider === "microsoft" ? DEV_MICROSOFT_APP_ROLES : [],
      });
    }
  }

  register(input: { provider: ProviderId; name?: string; redirectUris: string[]; appRoles?: string[] }): OAuthClient {
    const id = randomBytes(9).toString("hex");
    const clientId = input.provider === "google" ? `${id}.apps.googleusercontent.com` : input.provider === "microsoft" ? randomUUID() : id;
    const client: OAuthClient = {
      provider: input.provider,
      clientId,
      clientSecret: `sbx-${randomBytes(24).toString("base64url")}`,
      name: input.name ?? "Sandbox test client",
      redirectUris: input.redirectUris,
      allowLoopback: false,
      appRoles: input.provider === "microsoft" ? (input.appRoles ?? DEFAULT_MICROSOFT_APP_ROLES) : [],
    };
    this.clients.set(clientId, client);
    return client;
  }

  get(provider: ProviderId, clientId: string): OAuthClient | undefined {
    const c = this.clients.get(clientId);
    return c?.provider === provider ? c : undefined;
  }

  redirectAllowed(client: OAuthClient, redirectUri: string): boolean {
    if (client.redirectUris.includes(redirectUri)) return true;
    if (!client.allowLoopback) return false;
    try {
      const u = new URL(redirectUri);
      return (u.protocol === "http:" || u.protocol === "https:") && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname);
    } catch {
      return false;
    }
  }
}

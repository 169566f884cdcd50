// For the *.int.test.ts suites only: an in-process sandbox (HTTP + HTTPS), a Microsoft tenant of
// its own, an app registration with admin consent (the header-based consent the sandbox offers),
// and the connector pointed at it by endpoints + a dispatcher that trusts the sandbox CA.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { createSandbox, type Sandbox } from "@holdfast/sandbox";
import { Agent } from "undici";
import { MemoryLimiterStore, Throttle } from "../core/throttle";
import type { ItemContent, SourceConnector } from "../core/types";
import { createMicrosoftConnector, type MicrosoftConnectorConfig } from "./index";

export interface ManifestMessage {
  id: string;
  folderId: string;
  folder: string;
  isRead: boolean;
  flagged: boolean;
  size: number;
  sha256: string;
}
export interface ManifestFile {
  id: string;
  path: string;
  version: number;
  size: number;
  sha256: string;
}
export interface ManifestUnit {
  id: string;
  email: string;
  folders: { id: string; displayName: string; path: string }[];
  items: ManifestMessage[];
  drive: { id: string; items: ManifestFile[] };
  calendar: { items: { id: string; subject: string; sha256: string }[] };
  contacts: { folderId: string; items: { id: string; displayName: string; sha256: string }[] };
}
export interface Manifest {
  units: ManifestUnit[];
  sites: { id: string; webUrl: string; drive: { id: string; items: ManifestFile[] } }[];
}

export interface TenantSummary {
  id: string;
  tenantId: string;
  domain: string;
  adminEmail: string;
  units: { id: string; email: string; name: string }[];
}

export const ALL_ROLES = ["User.Read.All", "Mail.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Calendars.ReadWrite", "Contacts.ReadWrite"];

export interface MsHarness {
  sandbox: Sandbox;
  url: string;
  tenant: TenantSummary;
  app: { clientId: string; clientSecret: string };
  agent: Agent;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  manifest(): Promise<Manifest>;
  connector(extra?: Partial<MicrosoftConnectorConfig>): SourceConnector;
  close(): Promise<void>;
}

export async function startMicrosoftSandbox(input: { seed: number; users: number; itemsPerUser: number; appRoles?: string[] }): Promise<MsHarness> {
  const sandbox = await createSandbox();
  const url = await sandbox.listen({ port: 0 });
  const cert = sandbox.tls?.cert;
  if (!cert || !sandbox.httpsUrl) throw new Error("the sandbox has no HTTPS listener (is openssl installed?)");
  const httpsUrl = sandbox.httpsUrl;
  const control = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const t = await control<TenantSummary>("POST", "/_control/tenants", { provider: "microsoft", seed: input.seed, users: input.users, itemsPerUser: input.itemsPerUser });
  if (t.status !== 201) throw new Error(`tenant creation failed: ${t.status} ${JSON.stringify(t.body)}`);
  const redirectUri = "http://localhost:3000/api/auth/callback/azure-ad";
  const reg = await control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "microsoft", redirectUris: [redirectUri], appRoles: input.appRoles ?? ALL_ROLES });
  if (reg.status !== 201) throw new Error(`app registration failed: ${reg.status}`);
  const consent = new URL(`${url}/microsoft/${t.body.tenantId}/v2.0/adminconsent`);
  for (const [k, v] of Object.entries({ client_id: reg.body.clientId, redirect_uri: redirectUri, scope: "https://graph.microsoft.com/.default", state: "s" })) consent.searchParams.set(k, v);
  const c = await fetch(consent, { headers: { "x-sandbox-consent": "approve" }, redirect: "manual" });
  if (c.status !== 302 || !c.headers.get("location")?.includes("admin_consent=True")) throw new Error(`admin consent failed: ${c.status}`);
  const agent = new Agent({ connect: { ca: cert } });
  return {
    sandbox,
    url,
    tenant: t.body,
    app: reg.body,
    agent,
    control,
    manifest: async () => (await control<Manifest>("GET", `/_control/tenants/${t.body.id}/manifest`)).body,
    connector: (extra = {}) =>
      createMicrosoftConnector({
        tenantId: t.body.tenantId,
        clientId: reg.body.clientId,
        clientSecret: reg.body.clientSecret,
        endpoints: { authorityHost: `${url}/microsoft`, graphBaseUrl: `${httpsUrl}/microsoft/graph` },
        dispatcher: agent,
        throttle: new Throttle({ store: new MemoryLimiterStore() }),
        ...extra,
      }),
    close: async () => {
      await sandbox.close();
      await agent.close();
    },
  };
}

export async function sha256Of(content: ItemContent): Promise<{ sha256: string; bytes: Buffer }> {
  const parts: Buffer[] = [];
  for await (const chunk of content.body) parts.push(Buffer.from(chunk));
  const bytes = Buffer.concat(parts);
  return { sha256: createHash("sha256").update(bytes).digest("hex"), bytes };
}

/** Replays a buffer as ItemContent (what the vault hands writeItem on restore). */
export function contentOf(bytes: Buffer, contentType: string): ItemContent {
  return {
    body: Readable.from([bytes]) as AsyncIterable<Uint8Array>,
    contentType,
    size: bytes.length,
  };
}

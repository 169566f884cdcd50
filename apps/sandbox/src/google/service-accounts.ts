// Service accounts with domain-wide delegation. The control API issues a key file in Google's
// JSON format (https://cloud.google.com/iam/docs/keys-create-delete), which google-auth-library's
// JWT and GoogleAuth clients load as is; the sandbox keeps only the public half, records the
// scopes the tenant's admin "authorized" for the client id (Admin console → Security → API
// controls → Domain-wide delegation), and verifies token-request assertions against it.
import { generateKeyPair, randomBytes, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { Rng } from "../data/random";
import type { GoogleTenant } from "./tenant";

const generateRsa = promisify(generateKeyPair);

export interface ServiceAccount {
  clientEmail: string;
  clientId: string;
  keyId: string;
  tenantId: string;
  publicKey: KeyObject;
  delegatedScopes: string[];
}

export interface ServiceAccountKeyFile {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: "googleapis.com";
}

export class ServiceAccounts {
  private readonly byEmail = new Map<string, ServiceAccount>();
  private counter = 0;

  async issue(tenant: GoogleTenant, base: string, delegatedScopes: string[]): Promise<ServiceAccountKeyFile> {
    const { publicKey, privateKey } = await generateRsa("rsa", { modulusLength: 2048 });
    const n = ++this.counter;
    const project = `holdfast-sbx-${tenant.id}`;
    const clientEmail = `holdfast-backup-${n}@${project}.iam.gserviceaccount.com`;
    const rng = Rng.from("sa", tenant.id, n);
    const clientId = `1${String(rng.next()).padStart(10, "0")}${String(rng.next()).padStart(10, "0")}`.slice(0, 21);
    const keyId = randomBytes(20).toString("hex");
    this.byEmail.set(clientEmail, { clientEmail, clientId, keyId, tenantId: tenant.id, publicKey, delegatedScopes });
    return {
      type: "service_account",
      project_id: project,
      private_key_id: keyId,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: clientEmail,
      client_id: clientId,
      auth_uri: `${base}/google/o/oauth2/auth`,
      token_uri: `${base}/google/token`,
      auth_provider_x509_cert_url: `${base}/google/oauth2/v1/certs`,
      client_x509_cert_url: `${base}/google/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: "googleapis.com",
    };
  }

  get(clientEmail: string): ServiceAccount | undefined {
    return this.byEmail.get(clientEmail);
  }

  removeTenant(tenantId: string): void {
    for (const [k, sa] of this.byEmail) if (sa.tenantId === tenantId) this.byEmail.delete(k);
  }
}

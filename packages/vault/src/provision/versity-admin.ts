// versitygw's admin API (the one `versitygw admin` drives): SigV4-signed PATCH requests to
// /create-user, /delete-user, /list-users on the gateway's port, answered only for root/admin
// accounts. It needs the gateway to run an IAM backend (e.g. `--iam-dir`); a single-root gateway
// answers 501 XAdminMethodNotSupported, which we turn into an error saying exactly that.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { S3Credentials } from "../store/s3.js";
import type { IdentityAdmin, VaultIdentity } from "./types.js";

class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    if (secret === undefined) this.h = createHash("sha256");
    else if (typeof secret === "string") this.h = createHmac("sha256", secret);
    else if (ArrayBuffer.isView(secret)) this.h = createHmac("sha256", new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength));
    else this.h = createHmac("sha256", new Uint8Array(secret));
  }
  update(chunk: Uint8Array | string): void {
    this.h.update(chunk);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

export class VersityAdminError extends Error {
  override name = "VersityAdminError";
  constructor(
    message: string,
    readonly status: number,
    readonly s3Code?: string,
  ) {
    super(message);
  }
}

export type VersityRole = "admin" | "user" | "userplus";

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export class VersityAdmin implements IdentityAdmin {
  private readonly signer: SignatureV4;
  private readonly base: URL;

  constructor(opts: { endpoint: string; region: string; credentials: S3Credentials }) {
    this.base = new URL(opts.endpoint);
    this.signer = new SignatureV4({
      service: "s3",
      region: opts.region,
      credentials: { accessKeyId: opts.credentials.accessKeyId, secretAccessKey: opts.credentials.secretAccessKey },
      sha256: NodeSha256,
    });
  }

  private async patch(path: string, body: string, query: Record<string, string> = {}): Promise<string> {
    const payloadHash = createHash("sha256").update(body).digest("hex");
    const port = this.base.port ? Number(this.base.port) : undefined;
    const host = this.base.host;
    const signed = await this.signer.sign({
      method: "PATCH",
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      port,
      path,
      query,
      headers: { host, "x-amz-content-sha256": payloadHash, "content-type": "application/xml" },
      body,
    });
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, { method: "PATCH", headers: signed.headers, body });
    const text = await res.text();
    if (!res.ok) {
      const s3Code = tag(text, "Code");
      const message = tag(text, "Message") ?? text.slice(0, 200);
      if (s3Code === "XAdminMethodNotSupported") {
        throw new VersityAdminError(
          `versitygw at ${this.base.origin} runs without an IAM backend, so it cannot hold per-identity credentials; start it with --iam-dir <dir> (${message})`,
          res.status,
          s3Code,
        );
      }
      throw new VersityAdminError(`versitygw admin ${path} failed: ${res.status} ${s3Code ?? ""} ${message}`.trim(), res.status, s3Code);
    }
    return text;
  }

  async createUser(access: string, secret: string, role: VersityRole): Promise<void> {
    // The gateway unmarshals this with Go's encoding/xml into auth.Account (field names as elements).
    const xml = `<Account><Access>${xmlEscape(access)}</Access><Secret>${xmlEscape(secret)}</Secret><Role>${role}</Role><UserID>0</UserID><GroupID>0</GroupID><ProjectID>0</ProjectID></Account>`;
    await this.patch("/create-user", xml);
  }

  async deleteUser(access: string): Promise<void> {
    await this.patch("/delete-user", "", { access });
  }

  async changeBucketOwner(bucket: string, owner: string): Promise<void> {
    await this.patch("/change-bucket-owner", "", { bucket, owner });
  }

  async listUsers(): Promise<{ access: string; role: string }[]> {
    const xml = await this.patch("/list-users", "");
    const out: { access: string; role: string }[] = [];
    for (const m of xml.matchAll(/<Accounts>([\s\S]*?)<\/Accounts>/g)) {
      const body = m[1] ?? "";
      const access = tag(body, "Access");
      if (access) out.push({ access, role: tag(body, "Role") ?? "" });
    }
    return out;
  }

  // IdentityAdmin: on versitygw an identity is a plain "user" account (no buckets of its own, no
  // rights until a bucket policy names it), and the policy principal is its access key id.
  async createIdentity(accessKeyId: string, secretAccessKey: string): Promise<VaultIdentity> {
    await this.createUser(accessKeyId, secretAccessKey, "user");
    return { accessKeyId, secretAccessKey, principal: accessKeyId };
  }

  async deleteIdentity(identity: Pick<VaultIdentity, "accessKeyId">): Promise<void> {
    await this.deleteUser(identity.accessKeyId);
  }
}

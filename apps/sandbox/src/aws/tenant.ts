// An AWS customer: an account (12-digit id), the IAM role it created for Holdfast (trust policy
// naming Holdfast's principal, with an ExternalId condition), and its S3 source buckets.
//
// The buckets live on the stack's versitygw (VAULT_S3_ENDPOINT), which has no STS and no IAM
// roles, so the role is emulated like this (README "AWS"):
// - a versitygw account "sbxc…" owns the buckets (the customer, distinct from the vault's);
// - a versitygw user (AKIA…) is named in each bucket's policy with read-only actions: the role's
//   permissions. It is never handed out: AssumeRole issues per-session ASIA… keys + session token
//   that only the sandbox's S3 front (/aws/s3, s3-proxy.ts) accepts, re-signing as that user.
import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { vaultConfig } from "@holdfast/config";
import { VersityAdmin } from "@holdfast/vault/provision";
import { sha256Hex } from "../data/encoding";
import { GIVEN_NAMES } from "../data/names";
import { chosen, hash32, Rng } from "../data/random";
import { UnknownUnitError, type CreateTenantInput, type MutationInput, type Tenant, type TenantSummary, type TouchedItem } from "../tenants";
import { HOLDFAST_PRINCIPAL } from "./principal";

/** Read-only S3 actions the role grants (what a backup of a source bucket needs). */
export const SOURCE_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketVersioning", "s3:GetBucketLocation"];

export interface ObjectVersion {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  sha256: string;
}

export interface Session {
  /** ASIA… key of this session (the S3 front maps it to the role's reader identity). */
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  sessionName: string;
}

export class VersitygwUnavailableError extends Error {}

export class AwsTenant implements Tenant {
  readonly provider = "aws" as const;
  readonly accountId: string;
  readonly roleArn: string;
  readonly externalId: string;
  readonly trustedPrincipal: string;
  readonly buckets: string[];
  readonly customer: { accessKeyId: string; secretAccessKey: string };
  readonly reader: { accessKeyId: string; secretAccessKey: string };
  readonly sessions: Session[] = [];
  readonly endpoint: string;
  readonly region: string;
  private readonly objects = new Map<string, ObjectVersion[]>();
  private readonly s3: S3Client;
  private readonly admin: VersityAdmin;

  constructor(
    readonly id: string,
    readonly domain: string,
    readonly input: CreateTenantInput,
  ) {
    const rng = Rng.from("aws-account", input.seed, domain);
    this.accountId = String(100_000_000_000 + hash32("aws-account-id", input.seed, domain) * 97);
    this.roleArn = `arn:aws:iam::${this.accountId}:role/HoldfastBackupRole`;
    this.externalId = input.externalId ?? `hf-${rng.bytes(12).toString("hex")}`;
    this.trustedPrincipal = input.trustedPrincipal ?? HOLDFAST_PRINCIPAL.arn;
    // versitygw's names are global and outlive a sandbox run: a random suffix keeps runs apart.
    const tag = randomBytes(4).toString("hex");
    this.buckets = Array.from({ length: input.users }, (_, i) => `hf-sbx-${this.accountId}-${tag}-${i}`);
    this.customer = { accessKeyId: `sbxc${this.accountId}${tag}`, secretAccessKey: randomBytes(24).toString("base64url") };
    // versitygw treats ASIA… keys as its own session keys, so the reader behind the S3 front is AKIA….
    this.reader = { accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64url") };
    const cfg = vaultConfig();
    this.endpoint = cfg.endpoint;
    this.region = cfg.region;
    const root = { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey };
    this.s3 = new S3Client({ endpoint: cfg.endpoint, region: cfg.region, forcePathStyle: true, credentials: root, maxAttempts: 2 });
    this.admin = new VersityAdmin({ endpoint: cfg.endpoint, region: cfg.region, credentials: root });
  }

  /** Creates the customer's account, the role's reader identity, the buckets (versioned) and their objects. */
  async init(): Promise<void> {
    try {
      await this.admin.createUser(this.customer.accessKeyId, this.customer.secretAccessKey, "userplus");
    } catch (err) {
      throw new VersitygwUnavailableError(`versitygw at ${this.endpoint} is not usable for AWS tenants (is the stack up? \`pnpm stack status\`): ${err instanceof Error ? err.message : String(err)}`);
    }
    await this.admin.createUser(this.reader.accessKeyId, this.reader.secretAccessKey, "user");
    for (const [b, bucket] of this.buckets.entries()) {
      await this.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await this.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
      const rng = Rng.from("aws-objects", this.input.seed, this.domain, b);
      for (let i = 0; i < this.input.itemsPerUser; i++) {
        const key = `${rng.pick(["reports", "exports", "images", "logs"])}/${rng.pick(GIVEN_NAMES).toLowerCase()}-${i}.${rng.pick(["csv", "json", "bin"])}`;
        const versions = rng.chance(0.3) ? 2 + rng.int(2) : 1;
        for (let v = 0; v < versions; v++) await this.putVersion(bucket, key, content(rng, key, v));
        if (rng.chance(0.05)) await this.deleteMarker(bucket, key);
      }
      // The customer's account owns the bucket; the role's reader gets in through the bucket policy (set after the owner change).
      await this.admin.changeBucketOwner(bucket, this.customer.accessKeyId);
      await this.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(readerPolicy(bucket, this.reader.accessKeyId)) }));
    }
  }

  private async putVersion(bucket: string, key: string, body: Buffer): Promise<void> {
    const res = await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const list = this.versions(bucket);
    for (const o of list) if (o.key === key) o.isLatest = false;
    list.push({ key, versionId: res.VersionId ?? "null", isLatest: true, deleteMarker: false, size: body.length, sha256: sha256Hex(body) });
  }

  private async deleteMarker(bucket: string, key: string): Promise<void> {
    const res = await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const list = this.versions(bucket);
    for (const o of list) if (o.key === key) o.isLatest = false;
    list.push({ key, versionId: res.VersionId ?? "null", isLatest: true, deleteMarker: true, size: 0, sha256: "" });
  }

  private versions(bucket: string): ObjectVersion[] {
    let list = this.objects.get(bucket);
    if (!list) this.objects.set(bucket, (list = []));
    return list;
  }

  /** Removes every version, the buckets and both identities (best effort: a half-built tenant too). */
  async dispose(): Promise<void> {
    for (const bucket of this.buckets) {
      try {
        for (;;) {
          const page = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
          const all = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
          if (all.length === 0) break;
          for (const v of all) await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }));
        }
        await this.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      } catch {
        // Not created, or already gone.
      }
    }
    await this.admin.deleteUser(this.reader.accessKeyId).catch(() => undefined);
    await this.admin.deleteUser(this.customer.accessKeyId).catch(() => undefined);
    this.s3.destroy();
  }

  summary(): TenantSummary {
    return {
      id: this.id,
      provider: this.provider,
      domain: this.domain,
      adminEmail: `root@${this.domain}`,
      accountId: this.accountId,
      roleArn: this.roleArn,
      externalId: this.externalId,
      trustedPrincipal: this.trustedPrincipal,
      versitygwEndpoint: this.endpoint,
      s3Path: "/aws/s3",
      region: this.region,
      buckets: this.buckets,
      units: this.buckets.map((b) => ({ id: b, kind: "bucket", name: b, items: this.versions(b).filter((o) => o.isLatest && !o.deleteMarker).length })),
    };
  }

  async *manifest(): AsyncGenerator<string> {
    await Promise.resolve();
    yield `{"id":${JSON.stringify(this.id)},"provider":"aws","accountId":"${this.accountId}","units":[`;
    for (const [i, b] of this.buckets.entries()) {
      yield `${i ? "," : ""}{"id":${JSON.stringify(b)},"kind":"bucket","items":${JSON.stringify(this.versions(b))}}`;
    }
    yield "]}";
  }

  /** edit = a new version; delete = a delete marker; ransomware = a ciphertext version; create = new keys. */
  async mutate(input: MutationInput): Promise<TouchedItem[]> {
    const buckets = input.units ?? this.buckets;
    for (const b of buckets) if (!this.buckets.includes(b)) throw new UnknownUnitError(b);
    if (input.kind === "move") throw new UnknownUnitError("move is not emulated for S3 (no rename in S3)");
    const touched: TouchedItem[] = [];
    for (const bucket of buckets) {
      const live = this.versions(bucket).filter((o) => o.isLatest && !o.deleteMarker);
      if (input.kind === "create") {
        const n = Math.round(input.fraction * live.length);
        const rng = Rng.from("aws-create", input.seed, bucket);
        for (let i = 0; i < n; i++) {
          const key = `new/${input.seed}-${i}.csv`;
          await this.putVersion(bucket, key, content(rng, key, 0));
          touched.push({ unit: bucket, id: key, action: "created" });
        }
        continue;
      }
      for (const o of live) {
        if (!chosen(input.fraction, input.seed, input.kind, bucket, o.key)) continue;
        const rng = Rng.from("aws-mutate", input.seed, input.kind, o.key);
        if (input.kind === "delete") {
          await this.deleteMarker(bucket, o.key);
          touched.push({ unit: bucket, id: o.key, action: "deleted" });
        } else {
          const body = input.kind === "edit" ? Buffer.concat([content(rng, o.key, 9), Buffer.from(`edited ${input.seed}\n`)]) : rng.bytes(o.size + 16);
          await this.putVersion(bucket, o.key, body);
          touched.push({ unit: bucket, id: o.key, action: input.kind === "edit" ? "edited" : "encrypted" });
        }
      }
    }
    return touched;
  }

  expireCursors(): string[] {
    return [];
  }
}

function content(rng: Rng, key: string, version: number): Buffer {
  if (key.endsWith(".bin")) return rng.bytes(256 + rng.int(32 * 1024));
  if (key.endsWith(".json")) return Buffer.from(JSON.stringify({ key, version, values: Array.from({ length: 5 + rng.int(50) }, () => rng.int(1e6)) }));
  return Buffer.from(Array.from({ length: 3 + rng.int(100) }, (_, r) => `${r},${rng.int(1e6)},v${version}\n`).join(""));
}

function readerPolicy(bucket: string, reader: string) {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "HoldfastRoleRead", Effect: "Allow", Principal: { AWS: [reader] }, Action: SOURCE_READ_ACTIONS, Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }],
  };
}

export function generateAwsDomain(seed: number): string {
  const rng = Rng.from("aws-domain", seed);
  return `aws-${rng.bytes(3).toString("hex")}-${seed}.example.com`;
}

export function isAwsTenant(t: Tenant): t is AwsTenant {
  return t instanceof AwsTenant;
}

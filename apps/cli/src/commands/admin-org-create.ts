// `holdfast admin org create`: bootstrap an organisation with its owner and an owner-role API
// key, straight against the database. It is how the first tenant (or a partner) comes to exist,
// so it cannot go through the REST API, which needs a key to call.
import { dbConfig } from "@holdfast/config";
import { checkConnection, createDb, type Database } from "@holdfast/db";
import { bootstrapOrganization, SignUpInput, type Actor, type Organization } from "@holdfast/services";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError, type CliIo } from "../io";

const OPERATOR: Actor = { type: "operator", id: "cli" };

export const AdminOrgCreateOptions = z.object({
  name: SignUpInput.shape.organizationName,
  ownerEmail: SignUpInput.shape.email,
  ownerPassword: SignUpInput.shape.password,
  partner: z.boolean().default(false),
  parent: z.uuid({ error: "must be an organisation id (UUID)" }).optional(),
  json: z.boolean().default(false),
});
export type AdminOrgCreateOptions = z.output<typeof AdminOrgCreateOptions>;

const FLAGS: Record<string, string> = { name: "--name", ownerEmail: "--owner-email", ownerPassword: "--owner-password", parent: "--parent" };

export function parseOptions(raw: unknown): AdminOrgCreateOptions {
  const result = AdminOrgCreateOptions.safeParse(raw);
  if (result.success) return result.data;
  throw new UsageError(result.error.issues.map((i) => `${FLAGS[String(i.path[0])] ?? String(i.path[0])} ${i.message}`).join("; "));
}

export interface AdminOrgCreateResult {
  orgId: string;
  ownerUserId: string;
  apiKey: string;
  organization: Organization;
  ownerCreated: boolean;
}

/** The work itself lives in services; the CLI parses, connects and prints. */
export async function adminOrgCreate(db: Database, opts: AdminOrgCreateOptions): Promise<AdminOrgCreateResult> {
  const r = await bootstrapOrganization(db, {
    name: opts.name,
    ownerEmail: opts.ownerEmail,
    ownerPassword: opts.ownerPassword,
    kind: opts.partner ? "partner" : "customer",
    ...(opts.parent ? { parentId: opts.parent } : {}),
    actor: OPERATOR,
  });
  return { orgId: r.organization.id, ownerUserId: r.ownerUserId, apiKey: r.apiKey, organization: r.organization, ownerCreated: r.ownerCreated };
}

function render(result: AdminOrgCreateResult, email: string): string {
  const o = result.organization;
  return [
    `Created ${o.kind} organisation "${o.name}" (${o.id})${o.parentId ? ` under partner ${o.parentId}` : ""}.`,
    `Owner: ${email} (${result.ownerUserId}, ${result.ownerCreated ? "new user" : "existing user"}).`,
    `Owner API key — shown once, store it now:`,
    `  ${result.apiKey}`,
    "",
  ].join("\n");
}

export function registerAdminOrgCreate(parent: Command, io: CliIo): void {
  parent
    .command("create")
    .description("Create an organisation with an owner (created, or reused if the password matches) and an owner-role API key")
    .requiredOption("--name <name>", "organisation name")
    .requiredOption("--owner-email <email>", "the owner's email address")
    .requiredOption("--owner-password <password>", "the owner's password (at least 10 characters)")
    .option("--partner", "create a partner (MSP) organisation, which can manage child organisations")
    .option("--parent <orgId>", "create the organisation as a child of this partner organisation")
    .option("--json", 'print {"orgId","ownerUserId","apiKey"} as JSON')
    .action(async (raw: unknown) => {
      const opts = parseOptions(raw);
      // Parsing the config first means a missing DATABASE_URL is reported by name (ConfigError).
      const cfg = dbConfig(io.env);
      const handle = createDb({ url: cfg.url, poolMax: 2, applicationName: "holdfast-cli" });
      try {
        await checkConnection(handle);
        const result = await adminOrgCreate(handle.db, opts);
        io.stdout(opts.json ? `${JSON.stringify({ orgId: result.orgId, ownerUserId: result.ownerUserId, apiKey: result.apiKey })}\n` : render(result, opts.ownerEmail));
      } finally {
        await handle.close();
      }
    });
}

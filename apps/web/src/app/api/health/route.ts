import { checkHealth, downComponents } from "@holdfast/api/health";
import { temporalConfig, vaultConfig } from "@holdfast/config";
import { db } from "~/server/db";

export const dynamic = "force-dynamic";

/** 200 when the database, Temporal and the vault all answer; 503 naming whatever does not. */
export async function GET(): Promise<Response> {
  const report = await checkHealth({ db: db(), temporal: { address: temporalConfig().address }, vault: { endpoint: vaultConfig().endpoint } });
  const down = downComponents(report);
  const body = down.length ? { ...report, down, message: `Unavailable: ${down.join(", ")}` } : report;
  return Response.json(body, { status: down.length ? 503 : 200, headers: { "cache-control": "no-store" } });
}

// Each spec bootstraps its own tenants through the operator CLI, exactly as an operator would.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { E2E_STATE_FILE, REPO_ROOT, type E2eState } from "./env";

export interface Tenant {
  orgId: string;
  ownerUserId: string;
  apiKey: string;
  email: string;
  password: string;
}

export function e2eState(): E2eState {
  return JSON.parse(readFileSync(E2E_STATE_FILE, "utf8")) as E2eState;
}

export function createTenantWithCli(label: string, extra: string[] = []): Tenant {
  const state = e2eState();
  const email = `${label}-${randomBytes(4).toString("hex")}@example.test`;
  const password = `pw-${randomBytes(12).toString("hex")}`;
  const out = execFileSync(
    "pnpm",
    ["--silent", "holdfast", "admin", "org", "create", "--name", `${label} Inc`, "--owner-email", email, "--owner-password", password, "--json", ...extra],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: state.databaseUrl, HOLDFAST_KEK: state.kek, LOG_LEVEL: "warn" }, encoding: "utf8" },
  );
  const parsed = JSON.parse(out.trim().split("\n").at(-1) ?? "") as Omit<Tenant, "email" | "password">;
  return { ...parsed, email, password };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

// The environment web, worker, migrations and e2e get: every service address plus dev-only
// secrets for whatever the caller did not set itself.
import { APP_ROLE, GUARD_ROLE, HOST, PORTS, WORKER_ROLE } from "./defaults.js";
import { devSecrets } from "./dev-secrets.js";
import { stackEnv } from "./env.js";
import { withUser } from "./pg-admin.js";
import { stripe } from "./services/stripe.js";
import type { Stack } from "./stack.js";

export function appEnv(stack: Stack, ownerUrl: string): Record<string, string> {
  const env = stackEnv();
  const secrets = devSecrets();
  const authSecret = env.NEXTAUTH_SECRET ?? env.AUTH_SECRET ?? secrets.authSecret;
  const out: Record<string, string> = {
    // The app role is subject to row-level security; the owner runs migrations.
    DATABASE_URL: withUser(ownerUrl, APP_ROLE),
    // The worker's guard credential: it can only call the guard's definer functions (ADR 0020).
    GUARD_DATABASE_URL: withUser(ownerUrl, GUARD_ROLE),
    // The worker's own role: it alone writes the catalogue's history (ADR 0024).
    WORKER_DATABASE_URL: withUser(ownerUrl, WORKER_ROLE),
    DATABASE_MIGRATION_URL: ownerUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    VAULT_S3_ENDPOINT: stack.s3Endpoint,
    VAULT_S3_REGION: stack.s3.region,
    STRIPE_API_BASE: stack.stripeApiBase,
    // Notifications go here; mailpit locally, so nothing leaves the machine (MAIL_API_URL is for tests).
    SMTP_URL: stack.smtpUrl,
    // Local development only: webhook endpoints may be plain http and on this machine (a receiver on
    // localhost). Production refuses both (docs/webhooks.md).
    WEBHOOK_ALLOW_HTTP: "1",
    WEBHOOK_ALLOW_PRIVATE: "1",
    AUTH_SECRET: env.AUTH_SECRET ?? authSecret,
    NEXTAUTH_SECRET: authSecret,
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? "http://localhost:3000",
    HOLDFAST_KEK: env.HOLDFAST_KEK ?? secrets.kek,
    NEXT_TELEMETRY_DISABLED: "1",
    // apps/sandbox listens here (dev.ts starts it); web and worker reach the emulated providers here.
    SANDBOX_HOST: HOST,
    SANDBOX_PORT: String(PORTS.sandbox),
    SANDBOX_URL: `http://${HOST}:${PORTS.sandbox}`,
  };
  if (stack.s3.accessKeyId) out.VAULT_S3_ACCESS_KEY_ID = stack.s3.accessKeyId;
  if (stack.s3.secretAccessKey) out.VAULT_S3_SECRET_ACCESS_KEY = stack.s3.secretAccessKey;
  // stripe-mock accepts any test key; a real Stripe needs the caller's own.
  const key = env.STRIPE_SECRET_KEY ?? (stack.stripeApiBase === stripe.address ? "sk_test_holdfast_local" : undefined);
  if (key) out.STRIPE_SECRET_KEY = key;
  return out;
}

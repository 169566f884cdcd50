// What onboarding needs to reach the providers: Holdfast's own OAuth client / app registration
// and the endpoints (the sandbox's in development), plus an undici Agent trusting the sandbox's
// self-signed certificate for Graph, as the worker's backup ports do.
import type { providerAppsConfig } from "@holdfast/config";
import { MemoryLimiterStore, Throttle } from "@holdfast/connectors";
import { Agent } from "undici";

export type ProviderApps = ReturnType<typeof providerAppsConfig>;

let agent: { url: string; agent: Promise<Agent> } | undefined;

/** In sandbox mode, an Agent trusting the sandbox's certificate (fetched from its control API once per process). */
export function graphDispatcher(apps: ProviderApps): Promise<Agent | undefined> {
  const url = apps.sandboxUrl;
  if (!url) return Promise.resolve(undefined);
  if (agent?.url !== url) {
    const pending = fetch(`${url}/_control/tls/cert.pem`).then(async (res) => {
      if (!res.ok) throw new Error(`cannot read the sandbox certificate from ${url}: HTTP ${res.status}`);
      return new Agent({ connect: { ca: await res.text() } });
    });
    agent = { url, agent: pending };
    pending.catch(() => (agent = undefined));
  }
  return agent.agent;
}

/** A throttle for one request-time check: provider back-offs are honoured but not waited on for long. */
export function onboardingThrottle(): Throttle {
  return new Throttle({ store: new MemoryLimiterStore(), maxWaitMs: 20_000 });
}

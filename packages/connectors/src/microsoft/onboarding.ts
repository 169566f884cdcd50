// Onboarding check for a Microsoft 365 source: after an admin granted consent in their tenant,
// our app registration gets a client-credentials token there (the same TokenClient the backups
// use) and lists one user through Graph. Nothing obtained here leaves this function.
import { TokenClient } from "./auth";
import { parseMicrosoftConfig, type MicrosoftConnectorConfigInput } from "./config";
import { GraphApi, type GraphPage } from "./graph";

/** Throws a ConnectorError (`disconnected` when the app is not consented in the tenant) otherwise. */
export async function verifyMicrosoftAppAccess(input: Pick<MicrosoftConnectorConfigInput, "tenantId" | "clientId" | "clientSecret" | "endpoints" | "dispatcher" | "fetch" | "throttle">): Promise<{ users: number }> {
  const config = parseMicrosoftConfig(input);
  const api = new GraphApi(config, new TokenClient(config));
  const page = await api.get<GraphPage<{ id: string }>>(api.directory(), "/users?$select=id&$top=1");
  return { users: page.value.length };
}

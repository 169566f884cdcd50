// Microsoft 365 (Exchange mail, OneDrive, SharePoint document libraries, Outlook calendar and
// contacts) as a SourceConnector. See README.md, "Microsoft".
import type { DiscoveredUnit, SourceConnector, UnitConnector, UnitKind } from "../core/types";
import { TokenClient } from "./auth";
import { parseMicrosoftConfig, type MicrosoftConnectorConfigInput } from "./config";
import { discoverMicrosoft } from "./discover";
import { DriveConnector } from "./drive";
import { ExchangeConnector } from "./exchange";
import { GraphApi } from "./graph";
import { CalendarConnector, ContactsConnector } from "./pim";

export { classifyGraphFailure, classifyTokenFailure } from "./errors";
export { MICROSOFT_AUTHORITY_HOST, MICROSOFT_GRAPH_BASE_URL, type MicrosoftConnectorConfigInput as MicrosoftConnectorConfig } from "./config";

const KINDS = ["exchange", "onedrive", "sharepoint", "ms-calendar", "ms-contacts"] as const satisfies readonly UnitKind[];
type MicrosoftUnitKind = (typeof KINDS)[number];

export function createMicrosoftConnector(input: MicrosoftConnectorConfigInput): SourceConnector {
  const config = parseMicrosoftConfig(input);
  const tokens = new TokenClient(config);
  const api = new GraphApi(config, tokens);
  const units: Record<MicrosoftUnitKind, UnitConnector> = {
    exchange: new ExchangeConnector(api, config),
    onedrive: new DriveConnector("onedrive", api, config),
    sharepoint: new DriveConnector("sharepoint", api, config),
    "ms-calendar": new CalendarConnector(api, config),
    "ms-contacts": new ContactsConnector(api, config),
  };
  return {
    provider: "microsoft",
    unitKinds: KINDS,
    async discover(options = {}): Promise<DiscoveredUnit[]> {
      const all = await discoverMicrosoft(api, options.signal);
      return all.filter((u) => (KINDS as readonly UnitKind[]).includes(u.kind));
    },
    unit(kind: UnitKind): UnitConnector {
      if (!(KINDS as readonly UnitKind[]).includes(kind)) throw new Error(`the Microsoft connector has no ${kind} units`);
      return units[kind as MicrosoftUnitKind];
    },
  };
}
export { verifyMicrosoftAppAccess } from "./onboarding";

// Google Workspace: one service account with domain-wide delegation acts as each user of the
// domain. See README.md ("Google") for what each unit kind captures and restores.
import { ConnectorError } from "../core/errors";
import type { Throttle } from "../core/throttle";
import type { DiscoveredUnit, SourceConnector, UnitConnector, UnitKind } from "../core/types";
import { GoogleApis } from "./api";
import { parseGoogleConfig, type GoogleConnectorConfigInput } from "./config";
import { discoverGoogle } from "./discover";
import { CalendarConnector } from "./calendar";
import { ContactsConnector } from "./contacts";
import { DriveConnector } from "./drive";
import { GmailConnector } from "./gmail";

export { classifyGoogleError } from "./errors";
export { DEFAULT_EXPORT_FORMATS, type GoogleConnectorConfigInput } from "./config";
export { GOOGLE_SCOPES, GMAIL_UNITS } from "./api";

export type GoogleConnectorOptions = GoogleConnectorConfigInput & { throttle: Throttle };

export const GOOGLE_UNIT_KINDS = ["gmail", "drive", "shared-drive", "calendar", "contacts"] as const satisfies readonly UnitKind[];

export function createGoogleConnector(options: GoogleConnectorOptions): SourceConnector {
  const g = new GoogleApis(parseGoogleConfig(options));
  const gmail = new GmailConnector(g);
  const drive = new DriveConnector(g, "drive");
  const sharedDrive = new DriveConnector(g, "shared-drive");
  const calendar = new CalendarConnector(g);
  const contacts = new ContactsConnector(g);
  return {
    provider: "google",
    unitKinds: GOOGLE_UNIT_KINDS,
    discover(opts = {}): Promise<DiscoveredUnit[]> {
      return discoverGoogle(g, opts.signal);
    },
    unit(kind: UnitKind): UnitConnector {
      switch (kind) {
        case "gmail":
          return gmail;
        case "drive":
          return drive;
        case "shared-drive":
          return sharedDrive;
        case "calendar":
          return calendar;
        case "contacts":
          return contacts;
        case "exchange":
        case "onedrive":
        case "sharepoint":
        case "ms-calendar":
        case "ms-contacts":
        case "salesforce-org":
        case "s3-bucket":
          throw new ConnectorError("unsupported", `the Google connector has no ${kind} units`, { provider: "google" });
        default: {
          const never: never = kind;
          throw new ConnectorError("invalid", `unknown unit kind ${String(never)}`, { provider: "google" });
        }
      }
    },
  };
}
export { completeGoogleConsent, verifyGoogleDelegation, type DelegationCheckInput, type GoogleConsentInput } from "./onboarding";

// Microsoft Graph permissions the emulator knows, as delegated scopes (code flow) and as
// application permissions (app roles, client credentials). Graph scopes are resource-qualified
// ("https://graph.microsoft.com/Mail.Read"); clients may ask with the short form ("Mail.Read"),
// which the identity platform resolves to Graph.
export const GRAPH_RESOURCE = "https://graph.microsoft.com";
const OIDC = new Set(["openid", "profile", "email", "offline_access"]);

export const DELEGATED_SCOPES: Record<string, string> = {
  openid: "Sign you in",
  profile: "View your basic profile",
  email: "View your email address",
  offline_access: "Maintain access to data you have given it access to",
  [`${GRAPH_RESOURCE}/User.Read`]: "Sign in and read your profile",
  [`${GRAPH_RESOURCE}/User.Read.All`]: "Read all users' full profiles",
  [`${GRAPH_RESOURCE}/Mail.Read`]: "Read your mail",
  [`${GRAPH_RESOURCE}/Mail.ReadWrite`]: "Read and write access to your mail",
  [`${GRAPH_RESOURCE}/Files.Read`]: "Read your files",
  [`${GRAPH_RESOURCE}/Files.Read.All`]: "Read all files that you can access",
  [`${GRAPH_RESOURCE}/Files.ReadWrite`]: "Have full access to your files",
  [`${GRAPH_RESOURCE}/Files.ReadWrite.All`]: "Have full access to all files you have access to",
  [`${GRAPH_RESOURCE}/Sites.Read.All`]: "Read items in all site collections",
  [`${GRAPH_RESOURCE}/Sites.ReadWrite.All`]: "Edit or delete items in all site collections",
  [`${GRAPH_RESOURCE}/Calendars.Read`]: "Read your calendars",
  [`${GRAPH_RESOURCE}/Calendars.ReadWrite`]: "Have full access to your calendars",
  [`${GRAPH_RESOURCE}/Contacts.Read`]: "Read your contacts",
  [`${GRAPH_RESOURCE}/Contacts.ReadWrite`]: "Have full access to your contacts",
  [`${GRAPH_RESOURCE}/.default`]: "The permissions the app registration declares",
};

/** "Mail.Read" → "https://graph.microsoft.com/Mail.Read"; OIDC scopes and full URIs unchanged. */
export function normalizeScope(scope: string): string {
  if (OIDC.has(scope) || scope.includes("://")) return scope;
  return `${GRAPH_RESOURCE}/${scope}`;
}

/** The Graph permission names a token carries: delegated scopes without the resource, or app roles. */
export function permissionsOf(scopes: string[]): Set<string> {
  return new Set(scopes.map((s) => (s.startsWith(`${GRAPH_RESOURCE}/`) ? s.slice(GRAPH_RESOURCE.length + 1) : s)));
}

/** Per operation, the permissions any one of which suffices (each method's "Permissions" table). */
export const PERMISSIONS = {
  usersRead: { delegated: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All"], application: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All"] },
  meRead: { delegated: ["User.Read", "User.Read.All"], application: [] },
  mailRead: { delegated: ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic"], application: ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All"] },
  mailReadBody: { delegated: ["Mail.Read", "Mail.ReadWrite"], application: ["Mail.Read", "Mail.ReadWrite"] },
  mailWrite: { delegated: ["Mail.ReadWrite"], application: ["Mail.ReadWrite"] },
  filesRead: { delegated: ["Files.Read", "Files.Read.All", "Files.ReadWrite", "Files.ReadWrite.All"], application: ["Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All"] },
  // driveItem: put content / createUploadSession / create / update / delete.
  filesWrite: { delegated: ["Files.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All"], application: ["Files.ReadWrite.All", "Sites.ReadWrite.All"] },
  sitesRead: { delegated: ["Sites.Read.All", "Sites.ReadWrite.All"], application: ["Sites.Read.All", "Sites.ReadWrite.All", "Sites.FullControl.All"] },
  calendarsRead: { delegated: ["Calendars.Read", "Calendars.ReadWrite"], application: ["Calendars.Read", "Calendars.ReadWrite"] },
  calendarsWrite: { delegated: ["Calendars.ReadWrite"], application: ["Calendars.ReadWrite"] },
  contactsRead: { delegated: ["Contacts.Read", "Contacts.ReadWrite"], application: ["Contacts.Read", "Contacts.ReadWrite"] },
  contactsWrite: { delegated: ["Contacts.ReadWrite"], application: ["Contacts.ReadWrite"] },
} as const;
export type PermissionSet = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

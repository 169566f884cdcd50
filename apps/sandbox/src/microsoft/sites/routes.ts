// SharePoint sites through Graph v1.0 (https://learn.microsoft.com/graph/api/resources/sharepoint):
//   GET /sites/root, /sites/{site-id}, /sites/{hostname}:/{server-relative-path}  a site
//   GET /sites?search={query}   sites whose name, title or description contain the query (`*` = all)
//   GET /sites/{site-id}/drives  the site's document libraries (one, "Documents")
// The library itself is served by the OneDrive routes (/sites/{id}/drive/…, /drives/{id}/…):
// items, root/delta, content. Reading sites needs Sites.Read.All (or higher).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { graphCaller, requirePermission } from "../auth";
import { GraphError } from "../errors";
import { graphBase, GRAPH_PATH, one, type Query } from "../odata";
import { PERMISSIONS } from "../scopes";
import type { MicrosoftTenant } from "../tenant";
import type { SiteInfo } from "./sites";

const CREATED = "2023-01-01T00:00:00Z";
const siteNotFound = () => new GraphError(404, "itemNotFound", "Requested site could not be found");

/** By composite id, by its site-collection id alone, or "root". */
export function siteByKey(tenant: MicrosoftTenant, key: string): SiteInfo | undefined {
  const k = decodeURIComponent(key).toLowerCase();
  if (k === "root") return tenant.sites[0];
  return tenant.sites.find((s) => s.id === k || s.id.split(",")[1] === k);
}

function siteResource(site: SiteInfo) {
  return {
    id: site.id,
    name: site.name,
    displayName: site.displayName,
    description: site.description,
    webUrl: site.webUrl,
    createdDateTime: CREATED,
    lastModifiedDateTime: CREATED,
    siteCollection: { hostname: site.hostname },
    ...(site.path === "" ? { root: {} } : {}),
  };
}

export function registerSites(app: FastifyInstance, ctx: SandboxContext): void {
  const callerOf = (req: FastifyRequest) => {
    const caller = graphCaller(ctx, req);
    requirePermission(caller, PERMISSIONS.sitesRead);
    return caller;
  };

  app.get(`${GRAPH_PATH}/sites`, (req) => {
    const { tenant } = callerOf(req);
    const q = (one(req.query as Query, "search") ?? "*").trim().toLowerCase();
    const hits = tenant.sites.filter((s) => q === "*" || q === "" || [s.name, s.displayName, s.description].some((v) => v.toLowerCase().includes(q)));
    return { "@odata.context": `${graphBase(req)}/$metadata#sites`, value: hits.map(siteResource) };
  });

  app.get(`${GRAPH_PATH}/sites/:sid`, (req) => {
    const { tenant } = callerOf(req);
    const site = siteByKey(tenant, (req.params as { sid: string }).sid);
    if (!site) throw siteNotFound();
    return { "@odata.context": `${graphBase(req)}/$metadata#sites/$entity`, ...siteResource(site) };
  });

  app.get(`${GRAPH_PATH}/sites/:sid/drives`, (req) => {
    const { tenant } = callerOf(req);
    const site = siteByKey(tenant, (req.params as { sid: string }).sid);
    if (!site) throw siteNotFound();
    const drive = tenant.siteDrive(site);
    return {
      "@odata.context": `${graphBase(req)}/$metadata#drives`,
      value: [{ id: drive.id, driveType: "documentLibrary", name: "Documents", webUrl: `${site.webUrl}/Shared%20Documents`, createdDateTime: CREATED, owner: { group: { displayName: site.displayName } } }],
    };
  });

  // Path addressing: /sites/{hostname}:/{server-relative path} (":" may close the path too).
  app.get(`${GRAPH_PATH}/sites/*`, (req) => {
    const { tenant } = callerOf(req);
    const rest = decodeURIComponent((req.params as { "*": string })["*"]);
    const m = /^([^/:]+):(\/[^:]*)?:?$/.exec(rest);
    if (!m) throw new GraphError(400, "invalidRequest", "Invalid hostname for this tenancy");
    const [, hostname = "", path = ""] = m;
    const wanted = path.replace(/\/+$/, "").toLowerCase();
    const site = tenant.sites.find((s) => s.hostname === hostname.toLowerCase() && s.path === wanted);
    if (!site) throw siteNotFound();
    return { "@odata.context": `${graphBase(req)}/$metadata#sites/$entity`, ...siteResource(site) };
  });
}

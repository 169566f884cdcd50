// Calendar v3 through the official googleapis client: calendarList, events.list paging against
// the manifest, singleEvents expansion of RRULEs, syncToken incremental sync after control-API
// mutations and inserts (cancelled events included), and 410 fullSyncRequired after
// expire-history.
import type { OAuth2Client } from "google-auth-library";
import { google, type calendar_v3 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { googleRoot, httpStatus, startSandbox, userToken, type Harness } from "./harness";

const CALENDAR = "https://www.googleapis.com/auth/calendar";

interface CalUnit {
  id: string;
  email: string;
  primary: boolean;
  items: { id: string; recurrence?: string[]; sha256: string }[];
}

let h: Harness;
let tenant: TenantSummary;
let auth: OAuth2Client;
let api: calendar_v3.Calendar;

async function primary(): Promise<CalUnit> {
  const res = await h.control<{ calendars: CalUnit[] }>("GET", `/_control/tenants/${tenant.id}/manifest`);
  const cal = res.body.calendars.find((c) => c.email === tenant.adminEmail && c.primary);
  if (!cal) throw new Error("no primary calendar");
  return cal;
}

async function listAll(params: calendar_v3.Params$Resource$Events$List): Promise<{ items: calendar_v3.Schema$Event[]; pages: number; nextSyncToken: string }> {
  const items: calendar_v3.Schema$Event[] = [];
  let pages = 0;
  let pageToken: string | undefined;
  for (;;) {
    const res: { data: calendar_v3.Schema$Events } = await api.events.list({ calendarId: "primary", ...params, pageToken });
    pages++;
    items.push(...(res.data.items ?? []));
    pageToken = res.data.nextPageToken ?? undefined;
    if (!pageToken) {
      expect(res.data.nextSyncToken).toBeTruthy();
      return { items, pages, nextSyncToken: res.data.nextSyncToken ?? "" };
    }
    expect(res.data.nextSyncToken).toBeFalsy();
  }
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 5, users: 2, itemsPerUser: 90 });
  auth = await userToken(h, tenant.adminEmail, [CALENDAR]);
  api = google.calendar({ version: "v3", auth, rootUrl: googleRoot(h.url) });
});
afterAll(() => h.close());

describe("calendar", () => {
  it("lists the user's calendars, primary first", async () => {
    const res = await api.calendarList.list({});
    expect(res.data.items?.[0]).toMatchObject({ id: tenant.adminEmail, primary: true, accessRole: "owner" });
    expect(res.data.items).toHaveLength(2);
  });

  it("pages events in the manifest's order and expands recurring ones with singleEvents", async () => {
    const truth = await primary();
    expect(truth.items).toHaveLength(90);
    const { items, pages } = await listAll({ maxResults: 40 });
    expect(pages).toBe(3);
    expect(items.map((e) => e.id)).toEqual(truth.items.map((i) => i.id));
    const recurring = items.filter((e) => e.recurrence?.length);
    expect(recurring.length).toBe(truth.items.filter((i) => i.recurrence).length);
    expect(recurring.length).toBeGreaterThan(5);

    const first = recurring[0];
    const count = Number(/COUNT=(\d+)/.exec(first?.recurrence?.[0] ?? "")?.[1]);
    const single = await listAll({ singleEvents: true, orderBy: "startTime", maxResults: 2500 });
    const instances = single.items.filter((e) => e.recurringEventId === first?.id);
    expect(instances).toHaveLength(count);
    expect(instances[0]?.start?.dateTime).toBe(first?.start?.dateTime);
    const starts = single.items.map((e) => Date.parse(e.start?.dateTime ?? ""));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    await expect(api.events.list({ calendarId: "primary", orderBy: "startTime" })).rejects.toMatchObject({ status: 400 });
  });

  it("syncs incrementally with syncToken, reports cancelled events, and answers 410 once expired", async () => {
    const { nextSyncToken } = await listAll({ maxResults: 2500 });
    const quiet = await api.events.list({ calendarId: "primary", syncToken: nextSyncToken });
    expect(quiet.data.items).toEqual([]);

    const touched: { id: string; action: string; calendarId: string }[] = [];
    for (const kind of ["edit", "delete"]) {
      const res = await h.control<{ touched: { id: string; action: string; calendarId: string }[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind, service: "calendar", fraction: 0.1, seed: 9, units: [tenant.adminEmail] });
      expect(res.status).toBe(200);
      touched.push(...res.body.touched.filter((t) => t.calendarId === tenant.adminEmail));
    }
    const inserted = await api.events.insert({ calendarId: "primary", requestBody: { summary: "Restored", start: { dateTime: "2025-03-01T10:00:00Z" }, end: { dateTime: "2025-03-01T11:00:00Z" }, recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"] } });
    expect(inserted.data.id).toMatch(/^[a-v0-9]{5,}$/);

    const delta = await listAll({ syncToken: nextSyncToken, maxResults: 3 });
    const deleted = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    expect(deleted.length).toBeGreaterThan(0);
    expect(new Set(delta.items.map((e) => e.id))).toEqual(new Set([...touched.map((t) => t.id), inserted.data.id]));
    for (const id of deleted) expect(delta.items.find((e) => e.id === id)?.status).toBe("cancelled");
    expect(delta.items.find((e) => e.id === inserted.data.id)?.summary).toBe("Restored");
    // The manifest no longer lists cancelled events; it lists the inserted one.
    const ids = (await primary()).items.map((i) => i.id);
    expect(ids).toContain(inserted.data.id);
    for (const id of deleted) expect(ids).not.toContain(id);

    await expect(api.events.list({ calendarId: "primary", syncToken: delta.nextSyncToken, timeMin: "2024-01-01T00:00:00Z" })).rejects.toMatchObject({ status: 400 });
    const expire = await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, { units: [tenant.adminEmail] });
    expect(expire.status).toBe(200);
    const gone = await api.events.list({ calendarId: "primary", syncToken: delta.nextSyncToken }).catch((e: unknown) => e);
    expect(httpStatus(gone)).toBe(410);
    expect((gone as { response?: { data?: { error?: { errors?: { reason?: string }[] } } } }).response?.data?.error?.errors?.[0]?.reason).toBe("fullSyncRequired");
    const again = await listAll({ maxResults: 2500 });
    expect((await api.events.list({ calendarId: "primary", syncToken: again.nextSyncToken })).data.items).toEqual([]);
  });

  it("rejects an insert without an end, and writes without a write scope", async () => {
    await expect(api.events.insert({ calendarId: "primary", requestBody: { summary: "x", start: { dateTime: "2025-03-01T10:00:00Z" } } })).rejects.toMatchObject({ status: 400 });
    const ro = await userToken(h, tenant.adminEmail, ["https://www.googleapis.com/auth/calendar.readonly"]);
    const roApi = google.calendar({ version: "v3", auth: ro, rootUrl: googleRoot(h.url) });
    expect((await roApi.events.list({ calendarId: "primary", maxResults: 1 })).status).toBe(200);
    await expect(roApi.events.insert({ calendarId: "primary", requestBody: { start: { dateTime: "2025-03-01T10:00:00Z" }, end: { dateTime: "2025-03-01T11:00:00Z" } } })).rejects.toMatchObject({ status: 403 });
  });
});

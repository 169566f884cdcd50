// Calendar events.update (PUT) and events.patch through googleapis: full replacement vs. merge,
// etags and If-Match (412 conditionNotMet), iCalendar sequence (incremented by time changes, a
// lower client value refused), status "cancelled" as a tombstone in incremental sync, 404 for
// unknown and 410 for deleted events, and the manifest following the edits.
import { google, type calendar_v3 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { googleRoot, httpStatus, startSandbox, userToken, type Harness } from "./harness";

const CALENDAR = "https://www.googleapis.com/auth/calendar";
const READONLY = "https://www.googleapis.com/auth/calendar.readonly";

let h: Harness;
let tenant: TenantSummary;
let api: calendar_v3.Calendar;

async function fullSync(): Promise<string> {
  let pageToken: string | undefined;
  for (;;) {
    const res: { data: calendar_v3.Schema$Events } = await api.events.list({ calendarId: "primary", maxResults: 2500, pageToken });
    pageToken = res.data.nextPageToken ?? undefined;
    if (!pageToken) return res.data.nextSyncToken ?? "";
  }
}
async function insert(extra: calendar_v3.Schema$Event = {}): Promise<calendar_v3.Schema$Event> {
  return (
    await api.events.insert({
      calendarId: "primary",
      requestBody: { summary: "Quarterly review", description: "Bring numbers", location: "Room Apollo", start: { dateTime: "2025-03-03T10:00:00Z" }, end: { dateTime: "2025-03-03T11:00:00Z" }, attendees: [{ email: "x@example.com" }], ...extra },
    })
  ).data;
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 6, users: 1, itemsPerUser: 20 });
  api = google.calendar({ version: "v3", auth: await userToken(h, tenant.adminEmail, [CALENDAR]), rootUrl: googleRoot(h.url) });
});
afterAll(() => h.close());

describe("events.update (PUT)", () => {
  it("replaces the whole event: omitted fields are cleared, etag and updated change, sync reports it", async () => {
    const e = await insert();
    const token = await fullSync();
    const res = await api.events.update({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "Renamed", start: e.start, end: e.end } });
    expect(res.data).toMatchObject({ id: e.id, summary: "Renamed", status: "confirmed", sequence: 0 });
    expect(res.data.description).toBeUndefined();
    expect(res.data.location).toBeUndefined();
    expect(res.data.attendees).toBeUndefined();
    expect(res.data.etag).not.toBe(e.etag);
    expect(Date.parse(res.data.updated ?? "")).toBeGreaterThan(Date.parse(e.updated ?? ""));
    const got = (await api.events.get({ calendarId: "primary", eventId: e.id ?? "" })).data;
    expect(got).toMatchObject({ summary: "Renamed", etag: res.data.etag });
    const inc = await api.events.list({ calendarId: "primary", syncToken: token });
    expect(inc.data.items?.map((i) => i.id)).toEqual([e.id]);
    expect(inc.data.items?.[0]?.summary).toBe("Renamed");
  });

  it("requires start and end, refuses an empty range and a mismatched id", async () => {
    const e = await insert();
    await expect(api.events.update({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "no times" } })).rejects.toMatchObject({ status: 400 });
    await expect(api.events.update({ calendarId: "primary", eventId: e.id ?? "", requestBody: { start: { dateTime: "2025-03-03T12:00:00Z" }, end: { dateTime: "2025-03-03T11:00:00Z" } } })).rejects.toThrow(/time range is empty/);
    await expect(api.events.update({ calendarId: "primary", eventId: e.id ?? "", requestBody: { id: "othereventid", start: e.start, end: e.end } })).rejects.toMatchObject({ status: 400 });
    // Nothing changed.
    expect((await api.events.get({ calendarId: "primary", eventId: e.id ?? "" })).data.etag).toBe(e.etag);
  });
});

describe("events.patch", () => {
  it("changes only the given fields; null clears one; moving the event increments sequence", async () => {
    const e = await insert();
    const p1 = (await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { location: "Room Gemini" } })).data;
    expect(p1).toMatchObject({ summary: "Quarterly review", description: "Bring numbers", location: "Room Gemini", sequence: 0 });
    expect(p1.attendees).toEqual([{ email: "x@example.com", responseStatus: "needsAction" }]);
    const p2 = (await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { start: { dateTime: "2025-03-04T10:00:00Z" }, end: { dateTime: "2025-03-04T11:00:00Z" } } })).data;
    expect(p2.sequence).toBe(1);
    expect(p2.start?.dateTime).toBe("2025-03-04T10:00:00Z");
    const p3 = (await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { description: null } as unknown as calendar_v3.Schema$Event })).data;
    expect(p3.description).toBeUndefined();
    expect(p3.summary).toBe("Quarterly review");
    // A client may raise sequence itself, never lower it.
    expect((await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { sequence: 5 } })).data.sequence).toBe(5);
    await expect(api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { sequence: 2, summary: "x" } })).rejects.toThrow(/Invalid sequence value/);
    await expect(api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { end: { dateTime: "2025-03-01T00:00:00Z" } } })).rejects.toMatchObject({ status: 400 });
  });

  it("honours If-Match: the current etag succeeds, a stale one gets 412 and changes nothing", async () => {
    const e = await insert();
    const ok = await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "v2" } }, { headers: { "If-Match": e.etag ?? "" } });
    expect(ok.data.summary).toBe("v2");
    const err = await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "v3" } }, { headers: { "If-Match": e.etag ?? "" }, retry: false }).catch((x: unknown) => x);
    expect(httpStatus(err)).toBe(412);
    expect((err as { response?: { data?: { error?: { errors?: { reason?: string }[] } } } }).response?.data?.error?.errors?.[0]?.reason).toBe("conditionNotMet");
    const put = await api.events.update({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "v3", start: e.start, end: e.end } }, { headers: { "If-Match": e.etag ?? "" }, retry: false }).catch((x: unknown) => x);
    expect(httpStatus(put)).toBe(412);
    expect((await api.events.get({ calendarId: "primary", eventId: e.id ?? "" })).data.summary).toBe("v2");
  });

  it("cancels through status: cancelled, a tombstone in sync; then 410 for further writes, 404 for unknown ids", async () => {
    const e = await insert();
    const token = await fullSync();
    const res = await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { status: "cancelled" } });
    expect(res.data).toMatchObject({ id: e.id, status: "cancelled" });
    const inc = await api.events.list({ calendarId: "primary", syncToken: token });
    expect(inc.data.items).toEqual([expect.objectContaining({ id: e.id, status: "cancelled" })]);
    const listed = await api.events.list({ calendarId: "primary", maxResults: 2500 });
    expect(listed.data.items?.some((i) => i.id === e.id)).toBe(false);
    expect((await api.events.get({ calendarId: "primary", eventId: e.id ?? "" })).data.status).toBe("cancelled");
    await expect(api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "back?" } }, { retry: false })).rejects.toMatchObject({ status: 410 });
    await expect(api.events.update({ calendarId: "primary", eventId: e.id ?? "", requestBody: { start: e.start, end: e.end } }, { retry: false })).rejects.toMatchObject({ status: 410 });
    await expect(api.events.patch({ calendarId: "primary", eventId: "unknownevent1", requestBody: { summary: "x" } }, { retry: false })).rejects.toMatchObject({ status: 404 });
  });

  it("needs a write scope", async () => {
    const e = await insert();
    const ro = google.calendar({ version: "v3", auth: await userToken(h, tenant.adminEmail, [READONLY]), rootUrl: googleRoot(h.url) });
    await expect(ro.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "x" } }, { retry: false })).rejects.toMatchObject({ status: 403 });
  });

  it("after expire-history an old sync token gets 410 even once events were updated", async () => {
    const e = await insert();
    const token = await fullSync();
    await api.events.patch({ calendarId: "primary", eventId: e.id ?? "", requestBody: { summary: "changed" } });
    await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, {});
    const err = await api.events.list({ calendarId: "primary", syncToken: token }, { retry: false }).catch((x: unknown) => x);
    expect(httpStatus(err)).toBe(410);
  });
});

import { describe, expect, it } from "vitest";
import {
  addDays,
  asOfForSelection,
  browseHref,
  dayKey,
  dayLabel,
  folderName,
  groupByDay,
  isSearchable,
  itemDate,
  itemDisplayName,
  monthGrid,
  monthOf,
  normalisePath,
  parseBrowseQuery,
  parseSearchQuery,
  pathCrumbs,
  restoreHref,
  searchHref,
  searchInputOf,
  senderOf,
  shiftMonth,
  snapshotLabels,
  unitMatches,
  zonedDayStart,
} from "./catalogue";

const org = "0b7d3c1e-6f7a-4c5b-9d3e-2a1b0c9d8e7f";
const unit = "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716";
const other = "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d";

describe("browse URLs", () => {
  it("round-trips path and asOf, omitting defaults", () => {
    expect(browseHref(org, unit)).toBe(`/o/${org}/browse/${unit}`);
    const href = browseHref(org, unit, { path: "/Inbox/Q&A 2026/", asOf: "2026-11-28T14:05:00.000Z" });
    expect(href).toBe(`/o/${org}/browse/${unit}?path=%2FInbox%2FQ%26A+2026&asOf=2026-11-28T14%3A05%3A00.000Z`);
    const q = Object.fromEntries(new URL(href, "http://x").searchParams);
    expect(parseBrowseQuery(q)).toEqual({ path: "/Inbox/Q&A 2026", asOf: "2026-11-28T14:05:00.000Z" });
  });

  it("ignores a hand-edited asOf and repairs paths", () => {
    expect(parseBrowseQuery({ asOf: "yesterday", path: "Inbox//a/" })).toEqual({ path: "/Inbox/a" });
    expect(parseBrowseQuery({ path: ["/a", "/b"], asOf: "2026-11-28T15:05:00+01:00" })).toEqual({ path: "/a", asOf: "2026-11-28T14:05:00.000Z" });
    expect(normalisePath(undefined)).toBe("/");
    expect(normalisePath("///")).toBe("/");
  });
});

describe("search URLs", () => {
  it("keeps only what is set and reads it back", () => {
    expect(searchHref(org, { q: "  ", deleted: false })).toBe(`/o/${org}/search`);
    const s = { unit, q: "invoice mar", kind: "message" as const, folder: "/Inbox", from: "2026-11-01", to: "2026-11-30", sender: "bob@", deleted: true };
    const href = searchHref(org, s);
    expect(href).toContain("deleted=1");
    expect(parseSearchQuery(Object.fromEntries(new URL(href, "http://x").searchParams))).toEqual(s);
  });

  it("drops values that are not valid", () => {
    expect(parseSearchQuery({ unit: "../x", kind: "virus", from: "1 Nov", deleted: "true", q: " hi " })).toEqual({ q: "hi", deleted: false });
    expect(isSearchable(parseSearchQuery({}))).toBe(false);
    expect(isSearchable(parseSearchQuery({ unit }))).toBe(true);
    expect(isSearchable(parseSearchQuery({ kind: "file" }))).toBe(false);
  });

  it("turns inclusive local days into an instant range in the viewer's zone", () => {
    const s = parseSearchQuery({ q: "x", from: "2026-03-29", to: "2026-03-29" });
    expect(searchInputOf(s, "Europe/Paris")).toEqual({ text: "x", from: "2026-03-28T23:00:00.000Z", to: "2026-03-29T22:00:00.000Z", deletedOnly: false });
    expect(searchInputOf(parseSearchQuery({ unit, deleted: "1", kind: "file", folder: "/" }), "UTC")).toEqual({ unitIds: [unit], kinds: ["file"], deletedOnly: true });
  });
});

describe("restoreHref", () => {
  it("repeats item and path and names the mode", () => {
    const href = restoreHref(org, { unitId: unit, asOf: "2026-11-28T14:05:00.000Z", items: ["a", "b"], paths: ["/Inbox/"], mode: "export" });
    const p = new URL(href, "http://x").searchParams;
    expect(new URL(href, "http://x").pathname).toBe(`/o/${org}/restore`);
    expect(p.get("unit")).toBe(unit);
    expect(p.get("asOf")).toBe("2026-11-28T14:05:00.000Z");
    expect(p.getAll("item")).toEqual(["a", "b"]);
    expect(p.getAll("path")).toEqual(["/Inbox"]);
    expect(p.get("mode")).toBe("export");
    expect(new URL(restoreHref(org, { unitId: unit, asOf: "2026-11-28T14:05:00.000Z", paths: ["/"] }), "http://x").searchParams.get("mode")).toBe("restore");
  });
});

describe("asOfForSelection", () => {
  const v = (capturedAt: string, supersededAt: string | null, unitId = unit) => ({ unitId, capturedAt, supersededAt });

  it("takes the latest capture when every selected version was current then", () => {
    expect(asOfForSelection([v("2026-11-01T00:00:00Z", null), v("2026-11-03T00:00:00Z", "2026-11-05T00:00:00Z"), v("2026-10-01T00:00:00Z", "2026-11-04T00:00:00Z")])).toEqual({
      ok: true,
      unitId: unit,
      asOf: "2026-11-03T00:00:00.000Z",
    });
  });

  it("refuses when one version had been superseded by then, or at exactly that instant", () => {
    expect(asOfForSelection([v("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"), v("2026-11-03T00:00:00Z", null)])).toEqual({ ok: false, reason: "times" });
    expect(asOfForSelection([v("2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z"), v("2026-11-03T00:00:00Z", null)])).toEqual({ ok: false, reason: "times" });
  });

  it("refuses versions of different units, and an empty selection", () => {
    expect(asOfForSelection([v("2026-11-01T00:00:00Z", null), v("2026-11-01T00:00:00Z", null, other)])).toEqual({ ok: false, reason: "units" });
    expect(asOfForSelection([])).toEqual({ ok: false, reason: "empty" });
  });
});

describe("calendar", () => {
  it("groups snapshot times by the viewer's day, across midnight and DST", () => {
    const times = ["2026-11-28T23:30:00Z", "2026-11-28T08:00:00Z", "2026-11-29T00:10:00Z"];
    expect([...groupByDay(times, "UTC").entries()]).toEqual([
      ["2026-11-28", ["2026-11-28T08:00:00Z", "2026-11-28T23:30:00Z"]],
      ["2026-11-29", ["2026-11-29T00:10:00Z"]],
    ]);
    // Tokyo is UTC+9: the 23:30 UTC backup is on the 29th there.
    expect([...groupByDay(times, "Asia/Tokyo").keys()]).toEqual(["2026-11-28", "2026-11-29"]);
    expect(groupByDay(times, "Asia/Tokyo").get("2026-11-29")).toEqual(["2026-11-28T23:30:00Z", "2026-11-29T00:10:00Z"]);
    expect(dayKey("2026-11-28T23:30:00Z", "America/Los_Angeles")).toBe("2026-11-28");
    expect(dayKey("2026-11-29T07:59:00Z", "America/Los_Angeles")).toBe("2026-11-28");
  });

  it("builds Monday-first month grids padded with neighbouring days", () => {
    const nov = monthGrid({ year: 2026, month: 11 });
    // 1 November 2026 is a Sunday.
    expect(nov[0]?.map((d) => d.key)).toEqual(["2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31", "2026-11-01"]);
    expect(nov.flat().filter((d) => d.inMonth)).toHaveLength(30);
    expect(nov.every((w) => w.length === 7)).toBe(true);
    expect(nov.at(-1)?.at(-1)).toEqual({ key: "2026-12-06", day: 6, inMonth: false });
    expect(monthGrid({ year: 2024, month: 2 }).flat().filter((d) => d.inMonth)).toHaveLength(29);
  });

  it("moves between months and names days as the contract's buttons do", () => {
    expect(shiftMonth({ year: 2026, month: 12 }, 1)).toEqual({ year: 2027, month: 1 });
    expect(shiftMonth({ year: 2026, month: 1 }, -1)).toEqual({ year: 2025, month: 12 });
    expect(monthOf("2026-11-30T23:30:00Z", "Asia/Tokyo")).toEqual({ year: 2026, month: 12 });
    expect(dayLabel("2026-11-28")).toBe("28 November 2026");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("labels a day's backups by minute, with seconds where two share one", () => {
    expect(snapshotLabels(["2026-11-28T14:05:09Z", "2026-11-28T14:05:40Z", "2026-11-28T09:00:00Z"], "Europe/Paris").map((s) => s.label)).toEqual([
      "Backup at 15:05:09",
      "Backup at 15:05:40",
      "Backup at 10:00",
    ]);
    expect(snapshotLabels(["2026-11-28T00:07:00Z"], "UTC")).toEqual([{ iso: "2026-11-28T00:07:00Z", label: "Backup at 00:07" }]);
  });

  it("finds where a local day starts, even on DST days", () => {
    expect(zonedDayStart("2026-11-28", "UTC")).toBe("2026-11-28T00:00:00.000Z");
    expect(zonedDayStart("2026-07-01", "America/New_York")).toBe("2026-07-01T04:00:00.000Z");
    expect(zonedDayStart("2026-03-08", "America/New_York")).toBe("2026-03-08T05:00:00.000Z");
    expect(zonedDayStart("2026-03-09", "America/New_York")).toBe("2026-03-09T04:00:00.000Z");
  });
});

describe("items", () => {
  const version = (kind: "message" | "file" | "event" | "contact", name: string, metadata: Record<string, unknown> = {}, modifiedAt: string | null = null) => ({ kind, name, metadata, modifiedAt });

  it("names messages by their subject when the name is empty or an id", () => {
    expect(itemDisplayName(version("message", "Quarterly numbers", { subject: "Quarterly numbers" }))).toBe("Quarterly numbers");
    expect(itemDisplayName(version("message", "18c2f0a9b3d4e5f6", { subject: "Lunch?" }))).toBe("Lunch?");
    expect(itemDisplayName(version("message", "", {}))).toBe("(no subject)");
    expect(itemDisplayName(version("file", "  ", {}))).toBe("(untitled)");
    expect(itemDisplayName(version("file", "0123456789abcdef0123.pdf", {}))).toBe("0123456789abcdef0123.pdf");
    expect(itemDisplayName(version("contact", "people/c12345", { displayName: "Ada Lovelace" }))).toBe("Ada Lovelace");
  });

  it("finds the sender, organiser or owner the connectors recorded", () => {
    expect(senderOf(version("message", "x", { from: "Alice <alice@example.com>" }))).toBe("Alice <alice@example.com>");
    expect(senderOf(version("message", "x", { from: "bob@example.com", fromName: "Bob" }))).toBe("Bob <bob@example.com>");
    expect(senderOf(version("event", "x", { organizer: "carol@example.com" }))).toBe("carol@example.com");
    expect(senderOf(version("file", "x", { owners: [{ emailAddress: "dan@example.com", displayName: "Dan" }] }))).toBe("dan@example.com");
    expect(senderOf(version("file", "x", { lastModifiedBy: { email: "erin@example.com" } }))).toBe("erin@example.com");
    expect(senderOf(version("file", "x", {}))).toBeUndefined();
  });

  it("dates an item by its own time, else the mail's headers", () => {
    expect(itemDate(version("file", "x", {}, "2026-11-01T10:00:00.000Z"))).toBe("2026-11-01T10:00:00.000Z");
    expect(itemDate(version("message", "x", { date: "Sat, 28 Nov 2026 14:05:00 +0100" }))).toBe("2026-11-28T13:05:00.000Z");
    expect(itemDate(version("message", "x", { date: "garbage" }))).toBeUndefined();
  });

  it("splits folder paths into breadcrumbs", () => {
    expect(pathCrumbs("/")).toEqual([]);
    expect(pathCrumbs("/Inbox/Projects")).toEqual([
      { name: "Inbox", path: "/Inbox" },
      { name: "Projects", path: "/Inbox/Projects" },
    ]);
    expect(folderName("/Inbox/Projects")).toBe("Projects");
  });

  it("filters units by name, owner or kind", () => {
    const u = { displayName: "Alice Martin", ownerEmail: "alice@example.com", kind: "gmail" };
    expect(unitMatches(u, "ALICE@")).toBe(true);
    expect(unitMatches(u, "mailbox", "Mailbox")).toBe(true);
    expect(unitMatches(u, "bob")).toBe(false);
    expect(unitMatches(u, "  ")).toBe(true);
  });
});

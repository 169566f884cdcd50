// Pure mapping of Drive files, Calendar events and People persons, the quota buckets, and config
// validation — on payloads shaped as the APIs return them.
import { describe, expect, it } from "vitest";
import { MemoryLimiterStore, Throttle } from "../core/throttle";
import { GMAIL_UNITS, perMinuteLimit } from "./api";
import { describeEvent } from "./calendar";
import { parseGoogleConfig } from "./config";
import { describePerson, writableOf } from "./contacts";
import { describeFile } from "./drive";
import { qLiteral } from "./drive-write";

describe("describeFile", () => {
  const file = { id: "f1", name: "plan.pdf", mimeType: "application/pdf", parents: ["p1"], size: "2048", md5Checksum: "abc", headRevisionId: "r2", version: "7", modifiedTime: "2026-01-02T03:04:05.000Z", owners: [{ emailAddress: "a@x.test" }] };
  const perms = [{ role: "owner", type: "user", emailAddress: "a@x.test" }];
  it("maps a binary file with its metadata", () => {
    const d = describeFile({ user: "a@x.test" }, file, "/Docs/plan.pdf", perms, [{ id: "r1" }, { id: "r2" }]);
    expect(d).toMatchObject({ externalId: "f1", kind: "file", path: "/Docs/plan.pdf", size: 2048, parentExternalId: "p1", hasContent: true, modifiedAt: "2026-01-02T03:04:05.000Z" });
    expect(d.metadata).toMatchObject({ drive: "a@x.test", mimeType: "application/pdf", owners: ["a@x.test"], md5Checksum: "abc", headRevisionId: "r2", permissions: perms, revisions: [{ id: "r1" }, { id: "r2" }] });
  });
  it("changes the version on content, rename, move and sharing changes, not otherwise", () => {
    const v = (f: typeof file, p = perms) => describeFile({ user: "a" }, f, "/x", p, undefined).version;
    expect(v(file)).toBe(v({ ...file }));
    expect(v({ ...file, headRevisionId: "r3" })).not.toBe(v(file));
    expect(v({ ...file, name: "other.pdf" })).not.toBe(v(file));
    expect(v({ ...file, parents: ["p2"] })).not.toBe(v(file));
    expect(v(file, [...perms, { role: "reader", type: "anyone", emailAddress: "" }])).not.toBe(v(file));
  });
  it("marks folders as structure and natives as native", () => {
    expect(describeFile({ user: "a" }, { id: "d", name: "Docs", mimeType: "application/vnd.google-apps.folder" }, "/Docs", [], undefined)).toMatchObject({ kind: "folder", hasContent: false });
    expect(describeFile({ user: "a", driveId: "0A" }, { id: "n", name: "Notes", mimeType: "application/vnd.google-apps.document" }, "/Notes", [], undefined).metadata).toMatchObject({ native: true, drive: "0A" });
  });
  it("quotes Drive query literals", () => {
    expect(qLiteral("it's a \\ test")).toBe("'it\\'s a \\\\ test'");
  });
});

describe("describeEvent and people", () => {
  it("files an event under its month with its etag as version", () => {
    const d = describeEvent("a@x.test", { id: "e1", etag: '"33"', summary: "Standup", start: { dateTime: "2025-03-04T09:00:00Z" }, end: { dateTime: "2025-03-04T09:15:00Z" }, recurrence: ["RRULE:FREQ=DAILY;COUNT=5"], attendees: [{ email: "b@x.test" }] });
    expect(d).toMatchObject({ externalId: "e1", kind: "event", path: "/2025-03/2025-03-04 Standup", version: '"33"' });
    expect(d.metadata).toMatchObject({ calendar: "a@x.test", attendees: ["b@x.test"], recurrence: ["RRULE:FREQ=DAILY;COUNT=5"] });
    expect(describeEvent("a", { id: "e2", start: { date: "2025-05-01" } }).path).toBe("/2025-05/2025-05-01 (no title)");
  });
  it("keeps a person's data fields and drops server metadata", () => {
    const p = { resourceName: "people/c1", etag: "%E1", metadata: { sources: [{ type: "CONTACT", id: "1" }] }, names: [{ givenName: "Ada", familyName: "L", displayName: "Ada L", metadata: { primary: true } }], emailAddresses: [{ value: "ada@x.test" }], photos: [{ url: "https://x" }] };
    expect(writableOf(p)).toEqual({ names: [{ givenName: "Ada", familyName: "L", displayName: "Ada L" }], emailAddresses: [{ value: "ada@x.test" }] });
    expect(describePerson("a@x.test", p)).toMatchObject({ externalId: "people/c1", kind: "contact", path: "/Ada L", version: "%E1", metadata: { emails: ["ada@x.test"] } });
  });
});

describe("perMinuteLimit", () => {
  it("never admits more than the quota in a minute and always fits the dearest request", () => {
    for (const [perMinute, largest] of [[15_000, 25], [300, 25], [12_000, 1], [90, 1]] as const) {
      const l = perMinuteLimit(perMinute, largest);
      expect(l.capacity + 60 * l.refillPerSecond).toBeLessThanOrEqual(perMinute + 1e-9);
      expect(l.capacity).toBeGreaterThanOrEqual(largest);
    }
    expect(Math.max(...Object.values(GMAIL_UNITS))).toBe(25);
    expect(() => perMinuteLimit(30, 25)).toThrow(/cannot pace/);
  });
});

describe("parseGoogleConfig", () => {
  const throttle = new Throttle({ store: new MemoryLimiterStore() });
  const key = { type: "service_account", client_email: "sa@p.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nSECRETSECRET\n-----END PRIVATE KEY-----\n" };
  it("accepts the key file as JSON text and fills Google's endpoints", () => {
    const c = parseGoogleConfig({ serviceAccountKey: JSON.stringify(key), adminEmail: "admin@x.test", throttle });
    expect(c).toMatchObject({ rootUrl: "https://www.googleapis.com/", tokenUrl: "https://oauth2.googleapis.com/token", key: { client_email: key.client_email } });
  });
  it("names what is wrong without echoing the key", () => {
    expect(() => parseGoogleConfig({ serviceAccountKey: "{not json", adminEmail: "admin@x.test", throttle })).toThrow("serviceAccountKey is not valid JSON");
    const bad = (() => {
      try {
        parseGoogleConfig({ serviceAccountKey: { ...key, type: "authorized_user" }, adminEmail: "nobody", throttle });
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(bad).toContain("adminEmail");
    expect(() => parseGoogleConfig({ serviceAccountKey: { ...key, type: "authorized_user" }, adminEmail: "admin@x.test", throttle })).toThrow(/serviceAccountKey: type/);
    expect(bad).not.toContain("SECRET");
    expect(() => parseGoogleConfig({ serviceAccountKey: key, adminEmail: "admin@x.test", throttle, resumableChunkBytes: 1000 })).toThrow(/multiple of 256 KiB/);
  });
});

// Exports against a real vault on the local S3 server (versitygw), read back with independent
// readers: yauzl and `unzip -t` for ZIPs, a line-by-line mboxrd reader written here, and the
// RFC 5545 / 6350 content-line rules checked on the calendar and vCard files.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { initVault, LocalKms, type Vault } from "@holdfast/vault";
import { createTestBucket, pseudoRandomBytes, type TestBucket } from "@holdfast/vault/testing";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportArchive, type ExportFormat, type ExportRef, type ExportReport, type ItemOutcome } from "./index";
import { readZip } from "./test-support/zip-reader";
import { putSnapshot, utf8, type TestItem } from "./test-support/vault-items";

const run = promisify(execFile);
let tb: TestBucket;
let vault: Vault;
let dir: string;
const retainUntil = () => new Date(Date.now() + 10 * 60_000);

const mail = (n: number, subject: string, body: string, folder = "INBOX"): TestItem => ({
  vaultPath: `${folder}/${subject}~${n}.eml`,
  body: utf8(`From: Sender ${n} <sender${n}@example.org>\r\nTo: ann@example.org\r\nSubject: ${subject}\r\nDate: Tue, 5 Mar 2024 09:0${n}:00 +0000\r\n\r\n${body}`),
  meta: {
    externalId: `msg-${n}`,
    kind: "message",
    path: `/${folder}/${subject}`,
    name: subject,
    contentType: "message/rfc822",
    modifiedAt: "2024-03-05T09:00:00Z",
    metadata: { from: `Sender ${n} <sender${n}@example.org>`, date: `Tue, 5 Mar 2024 09:0${n}:00 +0000`, subject },
  },
});

const MAIL: TestItem[] = [
  mail(1, "Hello", "Hi Ann,\r\nFrom now on we meet on Mondays.\r\n>From the archive: nothing.\r\n"),
  mail(2, "Hello", "A second message with the same subject.\r\n"),
  mail(3, "Re: ../../etc/passwd", "Subject tries to climb out.\r\nFrom\r\n", "Sent Items"),
  mail(4, "No final newline", "Body ends here"),
];

const FILES: TestItem[] = [
  { vaultPath: "Projects/.holdfast-folder~a", body: new Uint8Array(0), meta: { externalId: "f-dir", kind: "folder", path: "/Projects", name: "Projects", contentType: "application/vnd.google-apps.folder" } },
  { vaultPath: "Projects/Empty/.holdfast-folder~b", body: new Uint8Array(0), meta: { externalId: "f-empty", kind: "folder", path: "/Projects/Empty", name: "Empty", contentType: "application/vnd.google-apps.folder" } },
  { vaultPath: "Projects/plan~c.pdf", body: pseudoRandomBytes(7, 300_000), meta: { externalId: "f-pdf", kind: "file", path: "/Projects/plan.pdf", name: "plan.pdf", contentType: "application/pdf", modifiedAt: "2024-02-01T10:00:00Z" } },
  {
    vaultPath: "Projects/Budget~d.xlsx",
    body: pseudoRandomBytes(8, 40_000),
    meta: { externalId: "f-sheet", kind: "file", path: "/Projects/Budget", name: "Budget", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", metadata: { mimeType: "application/vnd.google-apps.spreadsheet", native: true, exportMimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } },
  },
  { vaultPath: "notes~e.txt", body: utf8("root note\n"), meta: { externalId: "f-note", kind: "file", path: "/notes.txt", name: "notes.txt", contentType: "text/plain" } },
  { vaultPath: "notes~f.txt", body: utf8("another note with the same name\n"), meta: { externalId: "f-note2", kind: "file", path: "/NOTES.txt", name: "NOTES.txt", contentType: "text/plain" } },
];

const EVENTS: TestItem[] = [
  {
    vaultPath: "2024-03/2024-03-04 Team sync~g.json",
    body: utf8(
      JSON.stringify({
        kind: "calendar#event",
        id: "evt1",
        iCalUID: "evt1@google.com",
        status: "confirmed",
        updated: "2024-02-28T10:00:00.000Z",
        summary: "Team sync, weekly; with a long description that will need folding because it goes on and on",
        start: { dateTime: "2024-03-04T10:00:00-05:00", timeZone: "America/New_York" },
        end: { dateTime: "2024-03-04T10:30:00-05:00", timeZone: "America/New_York" },
        recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
        attendees: [{ email: "bob@example.org", responseStatus: "accepted" }],
      }),
    ),
    meta: { externalId: "evt1", kind: "event", path: "/2024-03/2024-03-04 Team sync", name: "Team sync", contentType: "application/json" },
  },
  {
    vaultPath: "Calendar/Holiday~h.json",
    body: utf8(JSON.stringify({ "@odata.etag": 'W/"x"', id: "AAMk1", iCalUId: "ms-uid-1", subject: "Holiday", isAllDay: true, start: { dateTime: "2024-12-25T00:00:00.0000000", timeZone: "UTC" }, end: { dateTime: "2024-12-26T00:00:00.0000000", timeZone: "UTC" }, type: "singleInstance" })),
    meta: { externalId: "AAMk1", kind: "event", path: "/Calendar/Holiday", name: "Holiday", contentType: "application/json" },
  },
  { vaultPath: "Calendar/Broken~i.json", body: utf8("{not json"), meta: { externalId: "bad", kind: "event", path: "/Calendar/Broken", name: "Broken", contentType: "application/json" } },
];

const photo = randomBytes(900);
const CONTACTS: TestItem[] = [
  {
    vaultPath: "Zoë~j.json",
    body: utf8(JSON.stringify({ resourceName: "people/c1", names: [{ displayName: "Zoë O'Brien", givenName: "Zoë", familyName: "O'Brien" }], emailAddresses: [{ value: "zoe@example.org", type: "work" }], organizations: [{ name: "Acme, Inc.", title: "CTO" }] })),
    meta: { externalId: "people/c1", kind: "contact", path: "/Zoë O'Brien", name: "Zoë O'Brien", contentType: "application/json" },
  },
  {
    vaultPath: "Contacts/Pavel~k.json",
    body: utf8(JSON.stringify({ "@odata.etag": 'W/"y"', id: "AAMkC1", displayName: "Pavel Bansky", givenName: "Pavel", surname: "Bansky", emailAddresses: [{ name: "Pavel", address: "pavel@contoso.com" }], mobilePhone: "+1 555 0100", "@holdfast.photo": { contentType: "image/jpeg", contentBase64: photo.toString("base64") } })),
    meta: { externalId: "AAMkC1", kind: "contact", path: "/Contacts/Pavel Bansky", name: "Pavel Bansky", contentType: "application/json" },
  },
];

const snapshots: Record<string, string> = {};
const refsOf = (unit: string, items: readonly TestItem[]): ExportRef[] => items.map((i) => ({ vaultSnapshotId: snapshots[unit] as string, vaultPath: i.vaultPath }));

async function exportToFile(format: ExportFormat, refs: ExportRef[], file: string): Promise<{ report: ExportReport; seen: ItemOutcome[]; path: string }> {
  const seen: ItemOutcome[] = [];
  const a = exportArchive({ vault, refs, format, onItem: (o) => seen.push(o) });
  const path = join(dir, file);
  await pipeline(a.stream, createWriteStream(path));
  return { report: await a.report, seen, path };
}

beforeAll(async () => {
  tb = await createTestBucket({ prefix: "exports", identities: false });
  ({ vault } = await initVault(tb.writer, { kms: new LocalKms(randomBytes(32)), retention: { retainUntil: retainUntil() }, workers: 1 }));
  snapshots.mail = await putSnapshot(vault, "mail", MAIL, retainUntil());
  snapshots.files = await putSnapshot(vault, "files", FILES, retainUntil());
  snapshots.events = await putSnapshot(vault, "events", EVENTS, retainUntil());
  snapshots.contacts = await putSnapshot(vault, "contacts", CONTACTS, retainUntil());
  dir = await mkdtemp(join(tmpdir(), "hf-exports-"));
});

afterAll(async () => {
  await vault?.close();
  await tb?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("eml-zip", () => {
  it("holds every message byte-identical in its folder, and reports what it could not export", async () => {
    const missing = { vaultSnapshotId: snapshots.mail as string, vaultPath: "INBOX/gone~9.eml" };
    const wrongKind = refsOf("files", FILES)[2] as ExportRef;
    const refs = [...refsOf("mail", MAIL), missing, wrongKind];
    const { report, seen, path } = await exportToFile("eml-zip", refs, "mail.zip");

    const { stdout } = await run("unzip", ["-t", path]);
    expect(stdout).toContain("No errors detected");
    const entries = await readZip(path);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect([...byName.keys()].sort()).toEqual(["INBOX/Hello (2).eml", "INBOX/Hello.eml", "INBOX/No final newline.eml", "Sent Items/Re_ .._.._etc_passwd.eml", "holdfast-export.json"].sort());
    const expected = new Map([
      ["INBOX/Hello.eml", MAIL[0]],
      ["INBOX/Hello (2).eml", MAIL[1]],
      ["Sent Items/Re_ .._.._etc_passwd.eml", MAIL[2]],
      ["INBOX/No final newline.eml", MAIL[3]],
    ]);
    for (const [name, item] of expected) expect(Buffer.compare(byName.get(name)?.bytes ?? Buffer.alloc(0), Buffer.from(item?.body as Uint8Array)), name).toBe(0);

    const manifest = JSON.parse(byName.get("holdfast-export.json")?.bytes?.toString("utf8") ?? "{}") as ExportReport;
    expect(manifest).toEqual(report);
    expect(manifest.requested).toBe(6);
    expect(manifest.exported).toBe(4);
    expect(manifest.failed).toBe(2);
    expect(manifest.items.map((i) => i.status)).toEqual(["exported", "exported", "exported", "exported", "failed", "failed"]);
    expect(manifest.items[4]?.ref).toEqual(missing);
    expect(manifest.items[4]?.reason).toMatch(/^not found: .*gone~9\.eml/);
    expect(manifest.items[5]?.reason).toMatch(/not a mail message \(kind file\)/);
    expect(manifest.items[1]?.entry).toBe("INBOX/Hello (2).eml");
    expect(seen).toEqual(report.items);
  });
});

/** An mboxrd reader written from RFC 4155 for this test: split before From_ lines (at the start or after a blank line), drop the blank separator, remove one `>` from ^>+From lines. */
function readMbox(buf: Buffer): { from: string; message: Buffer }[] {
  const text = buf.toString("latin1");
  const starts = [...text.matchAll(/(^|\n\n)From /g)].map((m) => m.index + (m[1] ?? "").length);
  return starts.map((start, k) => {
    const end = starts[k + 1] ?? text.length;
    const chunk = text.slice(start, end);
    const nl = chunk.indexOf("\n");
    const message = chunk.slice(nl + 1, -1).replace(/^>(>*From )/gm, "$1");
    return { from: chunk.slice(0, nl), message: Buffer.from(message, "latin1") };
  });
}

describe("mbox", () => {
  it("is one mboxrd file whose messages unquote to the stored bytes", async () => {
    // A folder in the selection (a mailbox's folders are items) adds nothing and fails nothing.
    const folder = refsOf("files", FILES)[0] as ExportRef;
    const { report, path } = await exportToFile("mbox", [...refsOf("mail", MAIL), refsOf("events", EVENTS)[0] as ExportRef, folder], "mail.mbox");
    const messages = readMbox(await readFile(path));
    expect(messages.map((m) => m.from)).toEqual([
      "From sender1@example.org Tue Mar  5 09:01:00 2024",
      "From sender2@example.org Tue Mar  5 09:02:00 2024",
      "From sender3@example.org Tue Mar  5 09:03:00 2024",
      "From sender4@example.org Tue Mar  5 09:04:00 2024",
    ]);
    for (let i = 0; i < 3; i++) expect(messages[i]?.message.equals(Buffer.from(MAIL[i]?.body as Uint8Array)), `message ${i}`).toBe(true);
    // A message without a final newline gains one (mbox needs it); nothing else changes.
    expect(messages[3]?.message.toString("latin1")).toBe(`${Buffer.from(MAIL[3]?.body as Uint8Array).toString("latin1")}\n`);
    const raw = (await readFile(path)).toString("latin1");
    expect(raw).toContain("\r\n>From now on we meet on Mondays.");
    expect(raw).toContain("\r\n>>From the archive");
    expect(report.exported).toBe(5); // the four messages and the folder
    expect(report.items[4]).toMatchObject({ status: "failed", reason: expect.stringMatching(/not a message \(kind event\)/) as unknown });
    expect(report.items[5]).toMatchObject({ status: "exported", kind: "folder", bytes: 0 });
    expect(report.failed).toBe(1);
  });
});

describe("zip", () => {
  it("holds the files under their folders with original names, folders as directories", async () => {
    const outside = { vaultSnapshotId: "0".repeat(64), vaultPath: "x" };
    const { report, path } = await exportToFile("zip", [...refsOf("files", FILES), outside], "files.zip");
    const { stdout } = await run("unzip", ["-l", path]);
    expect(stdout).toContain("Projects/Empty/");
    const entries = await readZip(path);
    const names = entries.map((e) => e.name).sort();
    expect(names).toEqual(["NOTES (2).txt", "Projects/", "Projects/Budget.xlsx", "Projects/Empty/", "Projects/plan.pdf", "holdfast-export.json", "notes.txt"].sort());
    const sha = (b: TestItem["body"] | undefined) => createHash("sha256").update(b as Uint8Array).digest("hex");
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get("Projects/plan.pdf")?.sha256).toBe(sha(FILES[2]?.body));
    expect(byName.get("Projects/Budget.xlsx")?.sha256).toBe(sha(FILES[3]?.body));
    expect(byName.get("notes.txt")?.sha256).toBe(sha(FILES[4]?.body));
    expect(byName.get("NOTES (2).txt")?.sha256).toBe(sha(FILES[5]?.body));
    expect(report.exported).toBe(6);
    expect(report.items[6]).toMatchObject({ status: "failed", ref: outside });
  });
});

describe("ics", () => {
  it("is one VCALENDAR with a VEVENT per event, folded, with the zone it uses; bad JSON is reported", async () => {
    const { report, path } = await exportToFile("ics", refsOf("events", EVENTS), "calendar.ics");
    const text = await readFile(path, "utf8");
    const physical = text.split("\r\n");
    expect(physical.at(-1)).toBe("");
    for (const l of physical) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(text).not.toMatch(/[^\r]\n/);
    const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n");
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines.at(-2)).toBe("END:VCALENDAR");
    expect(lines.filter((l) => l === "BEGIN:VEVENT")).toHaveLength(2);
    expect(lines).toContain("SUMMARY:Team sync\\, weekly\\; with a long description that will need folding because it goes on and on");
    expect(lines).toContain("DTSTART;TZID=America/New_York:20240304T100000");
    expect(lines).toContain("RRULE:FREQ=WEEKLY;BYDAY=MO");
    expect(lines).toContain("DTSTART;VALUE=DATE:20241225");
    expect(lines).toContain("TZID:America/New_York");
    expect(report.items.map((i) => i.status)).toEqual(["exported", "exported", "failed"]);
    expect(report.items[2]?.reason).toMatch(/not JSON/);

    // An independent parser (Mozilla's ical.js) with our VTIMEZONE: the weekly event keeps 10:00
    // New York time across the DST change on 10 March 2024 (15:00Z before it, 14:00Z after).
    const cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
    for (const vtz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
    const [weekly, holiday] = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    expect(weekly?.uid).toBe("evt1@google.com");
    const it = weekly?.iterator();
    const firstTwo = [it?.next(), it?.next()].map((t) => t?.toJSDate().toISOString());
    expect(firstTwo).toEqual(["2024-03-04T15:00:00.000Z", "2024-03-11T14:00:00.000Z"]);
    expect(weekly?.attendees[0]?.getParameter("partstat")).toBe("ACCEPTED");
    expect(holiday?.startDate.isDate).toBe(true);
    expect(holiday?.startDate.toString()).toBe("2024-12-25");
  });
});

describe("vcf", () => {
  it("is one vCard per contact, with the Graph photo as a data URI", async () => {
    const { report, path } = await exportToFile("vcf", refsOf("contacts", CONTACTS), "contacts.vcf");
    const text = await readFile(path, "utf8");
    for (const l of text.split("\r\n")) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n");
    expect(lines.filter((l) => l === "BEGIN:VCARD")).toHaveLength(2);
    expect(lines.filter((l) => l === "VERSION:4.0")).toHaveLength(2);
    expect(lines).toContain("FN:Zoë O'Brien");
    expect(lines).toContain("ORG:Acme\\, Inc.");
    expect(lines).toContain("TEL;TYPE=cell:+1 555 0100");
    const photoLine = lines.find((l) => l.startsWith("PHOTO:data:image/jpeg;base64,")) ?? "";
    expect(Buffer.from(photoLine.slice("PHOTO:data:image/jpeg;base64,".length), "base64").equals(photo)).toBe(true);
    expect(report.exported).toBe(2);

    // ical.js reads vCard 4.0 too: both cards parse, with the values unescaped.
    const jcal = ICAL.parse(text) as unknown[];
    const cards = (Array.isArray(jcal[0]) ? jcal : [jcal]).map((c) => new ICAL.Component(c as unknown[]));
    expect(cards.map((c) => c.getFirstPropertyValue("fn"))).toEqual(["Zoë O'Brien", "Pavel Bansky"]);
    expect(cards[0]?.getFirstProperty("org")?.getValues()).toEqual(["Acme, Inc."]);
  });
});

describe("a large item", () => {
  it("streams 200 MiB through a ZIP with memory well below its size", async () => {
    const SIZE = 200 * 1024 * 1024;
    const PIECE = 1024 * 1024;
    const hash = createHash("sha256");
    async function* generate(): AsyncGenerator<Uint8Array> {
      // Incompressible, generated a piece at a time: the test never holds the item either.
      for (let i = 0; i < SIZE / PIECE; i++) {
        const piece = randomBytes(PIECE);
        hash.update(piece);
        yield piece;
        await Promise.resolve();
      }
    }
    const big: TestItem = { vaultPath: "Videos/big~z.bin", body: generate, meta: { externalId: "big", kind: "file", path: "/Videos/big.bin", name: "big.bin", contentType: "application/octet-stream" } };
    snapshots.big = await putSnapshot(vault, "big", [big], retainUntil());
    const expected = hash.digest("hex");

    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let report: ExportReport;
    let path: string;
    try {
      ({ report, path } = await exportToFile("zip", refsOf("big", [big]), "big.zip"));
    } finally {
      clearInterval(timer);
    }
    const growth = peak - base;
    console.info(`export of a 200 MiB item: peak RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB`);
    expect(growth, `RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(96 * 1024 * 1024);
    expect(report.items[0]).toMatchObject({ status: "exported", bytes: SIZE, entry: "Videos/big.bin" });
    const entries = await readZip(path, () => false);
    expect(entries.find((e) => e.name === "Videos/big.bin")).toMatchObject({ size: SIZE, sha256: expected });
  }, 300_000);

  it("streams a 190 MiB message into an mbox, quoted, with memory well below its size", async () => {
    const LINES = 2_000_000;
    // The expected mbox, hashed as the message is generated: From_ line, message with exactly the
    // ^>*From lines quoted, blank line.
    const quoted = createHash("sha256").update("From big@example.org Wed Mar  6 10:00:00 2024\n");
    const header = "From: Big <big@example.org>\r\nSubject: big\r\nDate: Wed, 6 Mar 2024 10:00:00 +0000\r\n\r\n";
    quoted.update(header);
    async function* generate(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(header);
      for (let i = 0; i < LINES; i += 1000) {
        let block = "";
        let blockQuoted = "";
        for (let j = i; j < i + 1000; j++) {
          // ~100-byte lines; every 97th starts with "From ", every 101st with ">From ".
          const text = `line ${String(j).padStart(8, "0")} ${"x".repeat(80)}\r\n`;
          const l = j % 97 === 0 ? `From ${text}` : j % 101 === 0 ? `>From ${text}` : text;
          block += l;
          blockQuoted += /^>*From /.test(l) ? `>${l}` : l;
        }
        quoted.update(blockQuoted);
        yield Buffer.from(block);
        await Promise.resolve();
      }
    }
    const big: TestItem = { vaultPath: "INBOX/big~y.eml", body: generate, meta: { externalId: "big-mail", kind: "message", path: "/INBOX/big", name: "big", contentType: "message/rfc822", metadata: { from: "Big <big@example.org>", date: "Wed, 6 Mar 2024 10:00:00 +0000" } } };
    snapshots.bigMail = await putSnapshot(vault, "big-mail", [big], retainUntil());
    const expected = quoted.update("\n").digest("hex");

    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const a = exportArchive({ vault, refs: refsOf("bigMail", [big]), format: "mbox" });
    const out = createHash("sha256");
    let size = 0;
    try {
      await pipeline(
        a.stream,
        new Writable({
          write(c: Buffer, _enc, done) {
            out.update(c);
            size += c.length;
            done();
          },
        }),
      );
    } finally {
      clearInterval(timer);
    }
    const growth = peak - base;
    console.info(`mbox export of a ${(size / 2 ** 20).toFixed(0)} MiB message: peak RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB`);
    expect(growth, `RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(96 * 1024 * 1024);
    const report = await a.report;
    expect(report.items[0]).toMatchObject({ status: "exported" });
    expect(out.digest("hex")).toBe(expected);
  }, 300_000);
});

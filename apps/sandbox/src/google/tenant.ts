// A Google Workspace customer: a primary domain, a directory of users (user 0 is the super
// admin) and one Gmail mailbox per user, created lazily on first use.
import { createHash } from "node:crypto";
import { sha256Hex } from "../data/encoding";
import { DOMAIN_WORDS, FAMILY_NAMES, GIVEN_NAMES } from "../data/names";
import { Rng } from "../data/random";
import { selectNamed, UnknownUnitError, type CreateTenantInput, type MutationInput, type Tenant, type TenantSummary, type TouchedItem } from "../tenants";
import { GoogleCalendars } from "./calendar/calendars";
import { mutateCalendar } from "./calendar/mutations";
import { canonicalEvent } from "./calendar/store";
import { contentSha256, contentSize } from "./drive/content";
import { GoogleDrives } from "./drive/drives";
import { mutateSpace } from "./drive/mutations";
import { FOLDER, type DriveSpace } from "./drive/store";
import { Mailbox } from "./gmail/mailbox";
import { mutateMailbox } from "./gmail/mutations";
import { mutateContacts } from "./people/mutations";
import { canonicalContact, ContactBook } from "./people/store";
import { GmailQuota } from "./gmail/quota";

export interface GoogleUser {
  index: number;
  /** Directory user id: 21 decimal digits, like Google's. */
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  isAdmin: boolean;
  creationTime: string;
}

export function generateDomain(seed: number): string {
  const rng = Rng.from("domain", seed);
  return `${rng.pick(DOMAIN_WORDS)}-${rng.pick(DOMAIN_WORDS)}-${seed}.example.com`;
}

export class GoogleTenant implements Tenant {
  readonly provider = "google" as const;
  readonly users: GoogleUser[] = [];
  readonly customerId: string;
  /** Gmail's per-user quota units (configurable through PUT /_control/tenants/{id}/throttling). */
  readonly gmailQuota = new GmailQuota();
  private readonly byEmail = new Map<string, GoogleUser>();
  private readonly mailboxes = new Map<number, Mailbox>();
  private driveState: GoogleDrives | undefined;
  private calendarState: GoogleCalendars | undefined;
  private readonly contactBooks = new Map<number, ContactBook>();

  constructor(
    readonly id: string,
    readonly domain: string,
    readonly input: CreateTenantInput,
  ) {
    const rng = Rng.from("directory", input.seed, domain);
    this.customerId = `C0${createHash("sha256").update(`${input.seed}:${domain}`).digest("hex").slice(0, 7)}`;
    for (let i = 0; i < input.users; i++) {
      const givenName = rng.pick(GIVEN_NAMES);
      const familyName = rng.pick(FAMILY_NAMES);
      let local = `${givenName}.${familyName}`.toLowerCase();
      if (this.byEmail.has(`${local}@${domain}`)) local = `${local}${i}`;
      const user: GoogleUser = {
        index: i,
        id: `1${String(rng.next()).padStart(10, "0")}${String(rng.next()).padStart(10, "0")}`.slice(0, 21),
        email: `${local}@${domain}`,
        givenName,
        familyName,
        isAdmin: i === 0,
        creationTime: new Date(Date.UTC(2019, 0, 1) + rng.int(3 * 365) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, ".000Z"),
      };
      this.users.push(user);
      this.byEmail.set(user.email, user);
    }
  }

  get admin(): GoogleUser {
    const admin = this.users[0];
    if (!admin) throw new Error("tenant has no users");
    return admin;
  }

  user(emailOrId: string): GoogleUser | undefined {
    return this.byEmail.get(emailOrId.toLowerCase()) ?? this.users.find((u) => u.id === emailOrId);
  }

  mailbox(user: GoogleUser): Mailbox {
    let mb = this.mailboxes.get(user.index);
    if (!mb) {
      mb = new Mailbox({ seed: this.input.seed, userIndex: user.index, email: user.email, count: this.input.itemsPerUser, historyRetention: this.input.historyRetention });
      this.mailboxes.set(user.index, mb);
    }
    return mb;
  }

  /** Drive: a My Drive per user and one shared drive, seeded on first use. */
  get drives(): GoogleDrives {
    this.driveState ??= new GoogleDrives(this.input.seed, this.domain, this.input.driveFilesPerUser ?? Math.min(this.input.itemsPerUser, 200), this.input.historyRetention, this.input.largeFilesMiB ?? []);
    return this.driveState;
  }

  /** Calendar: a primary and a "Team events" calendar per user, seeded on first use. */
  get calendars(): GoogleCalendars {
    this.calendarState ??= new GoogleCalendars(this.input.seed, this.input.eventsPerUser ?? Math.min(this.input.itemsPerUser, 200), this.users);
    return this.calendarState;
  }

  /** People API: each user's contacts (min(itemsPerUser, 100) seeded), created on first use. */
  contacts(user: GoogleUser): ContactBook {
    let book = this.contactBooks.get(user.index);
    if (!book) {
      book = new ContactBook(this.input.seed, user.index, Math.min(this.input.itemsPerUser, 100), this.input.historyRetention);
      this.contactBooks.set(user.index, book);
    }
    return book;
  }

  summary(): TenantSummary {
    return {
      id: this.id,
      provider: this.provider,
      domain: this.domain,
      adminEmail: this.admin.email,
      customerId: this.customerId,
      units: this.users.map((u) => ({
        id: u.id,
        kind: "mailbox",
        email: u.email,
        name: `${u.givenName} ${u.familyName}`,
        items: this.mailboxes.get(u.index)?.size ?? this.input.itemsPerUser,
      })),
    };
  }

  /** Units named by id or e-mail; every unit when none are named. */
  selectUnits(units: string[] | undefined): GoogleUser[] {
    return selectNamed(this.users, units, (u) => this.user(u));
  }

  expireCursors(units?: string[]): string[] {
    const users = this.selectUnits(units);
    for (const u of users) this.mailbox(u).expireHistory();
    this.drives.expireHistory(users);
    this.calendars.expireHistory(users);
    for (const u of users) this.contacts(u).expireHistory();
    return users.map((u) => u.email);
  }

  async *manifest(): AsyncGenerator<string> {
    const { units: _units, ...head } = this.summary();
    yield `${JSON.stringify(head).slice(0, -1)},"units":[`;
    let firstUnit = true;
    for (const user of this.users) {
      const mb = this.mailbox(user);
      const unit = { id: user.id, kind: "mailbox", email: user.email, historyId: String(mb.historyId), labels: mb.labels };
      yield `${firstUnit ? "" : ","}${JSON.stringify(unit).slice(0, -1)},"items":[`;
      firstUnit = false;
      let first = true;
      let chunk = "";
      for (const m of mb.ascending()) {
        const raw = await mb.raw(m.id);
        if (!raw) continue;
        const item = { id: m.id, threadId: m.threadId, labelIds: m.labelIds, internalDate: String(m.internalDate), size: raw.length, sha256: sha256Hex(raw) };
        chunk += `${first ? "" : ","}${JSON.stringify(item)}`;
        first = false;
        if (chunk.length > 64_000) {
          yield chunk;
          chunk = "";
        }
      }
      yield `${chunk}]}`;
    }
    yield '],"drives":[';
    const spaces: [DriveSpace, GoogleUser | undefined][] = [...this.users.map((u) => [this.drives.space(u), u] as [DriveSpace, GoogleUser]), [this.drives.shared(), undefined]];
    let firstSpace = true;
    for (const [space, user] of spaces) {
      const head = { id: space.id, kind: space.kind === "user" ? "myDrive" : "sharedDrive", name: space.name, ...(user ? { email: user.email } : {}), startPageToken: String(space.startPageToken) };
      yield `${firstSpace ? "" : ","}${JSON.stringify(head).slice(0, -1)},"items":[`;
      firstSpace = false;
      let first = true;
      for (const f of space.live()) {
        const rev = f.revisions[f.revisions.length - 1];
        // Binary files: size and SHA-256 of their bytes. Google-native documents have no bytes:
        // their sha256 is that of the text/plain export (spreadsheets: text/csv), size omitted.
        const native = rev?.content.kind === "doc";
        const item = {
          id: f.id,
          path: space.path(f),
          name: f.name,
          mimeType: f.mimeType,
          parents: f.parents,
          trashed: f.trashed,
          ...(f.mimeType === FOLDER || !rev ? {} : { headRevisionId: rev.id, revisions: f.revisions.length, size: contentSize(rev.content) ?? null, sha256: contentSha256(rev.content), sha256Of: native ? (f.mimeType.endsWith("spreadsheet") ? "export:text/csv" : "export:text/plain") : "content" }),
        };
        yield `${first ? "" : ","}${JSON.stringify(item)}`;
        first = false;
      }
      yield "]}";
    }
    yield '],"calendars":[';
    let firstCal = true;
    for (const user of this.users) {
      for (const cal of this.calendars.of(user)) {
        const head = { id: cal.id, kind: "calendar", email: user.email, summary: cal.summary, primary: cal.primary };
        // Live (not cancelled) events; sha256 is over canonicalEvent(), the fields a restore must bring back.
        const items = [...cal.live(false)].map((e) => {
          const canon = canonicalEvent(e);
          return { id: e.id, summary: e.summary, start: e.start.dateTime, end: e.end.dateTime, ...(e.recurrence ? { recurrence: e.recurrence } : {}), size: Buffer.byteLength(canon), sha256: sha256Hex(canon) };
        });
        yield `${firstCal ? "" : ","}${JSON.stringify({ ...head, items })}`;
        firstCal = false;
      }
    }
    yield '],"contacts":[';
    for (const [i, user] of this.users.entries()) {
      // Live contacts; sha256 over canonicalContact(), the photo's over its bytes (default photos included, flagged).
      const book = this.contacts(user);
      const items = book.live().map((c) => {
        const canon = canonicalContact(c);
        const photo = book.photoOf(c);
        return { id: `people/${c.id}`, name: `${c.givenName} ${c.familyName}`.trim(), size: Buffer.byteLength(canon), sha256: sha256Hex(canon), photo: { default: photo.isDefault, size: photo.bytes.length, sha256: sha256Hex(photo.bytes) } };
      });
      yield `${i ? "," : ""}${JSON.stringify({ id: user.id, kind: "contacts", email: user.email, items })}`;
    }
    yield "]}";
  }

  mutate(input: MutationInput): Promise<TouchedItem[]> {
    if (input.service === "calendar") {
      return Promise.resolve(this.selectUnits(input.units).flatMap((u) => this.calendars.of(u).flatMap((c) => mutateCalendar(c, u.email, input))));
    }
    if (input.service === "contacts") {
      return Promise.resolve(this.selectUnits(input.units).flatMap((u) => mutateContacts(this.contacts(u), u.email, input)));
    }
    if (input.service === "drive") {
      const spaces: [DriveSpace, string][] = this.selectUnits(input.units).map((u) => [this.drives.space(u), u.email]);
      if (!input.units) spaces.push([this.drives.shared(), `shared-drive:${this.drives.shared().id}`]);
      return Promise.resolve(spaces.flatMap(([s, unit]) => mutateSpace(s, unit, input)));
    }
    const touched: Promise<TouchedItem[]>[] = this.selectUnits(input.units).map((u) => mutateMailbox(this.mailbox(u), u.email, input));
    return Promise.all(touched).then((all) => all.flat());
  }
}

export { UnknownUnitError };

export function isGoogleTenant(t: Tenant): t is GoogleTenant {
  return t instanceof GoogleTenant;
}

// A Microsoft 365 customer: an Entra ID tenant (GUID, <name>.onmicrosoft.com domain), its users
// (user 0 is the Global Administrator), one Exchange Online mailbox per user (lazy), the apps an
// admin consented to, and Graph's throttling state for it.
import { sha256Hex } from "../data/encoding";
import { DOMAIN_WORDS, FAMILY_NAMES, GIVEN_NAMES } from "../data/names";
import { Rng } from "../data/random";
import { selectNamed, type CreateTenantInput, type MutationInput, type Tenant, type TenantSummary, type TouchedItem } from "../tenants";
import { driveIdFor, MsDrive } from "./drive/drive";
import { mutateDrive } from "./drive/mutations";
import { guid } from "./ids";
import { MsMailbox } from "./mail/mailbox";
import { mutateMsMailbox } from "./mail/mutations";
import { contactDigest, seedContacts, seedEvents, pimIdMaker, eventDigest, type ContactData, type EventData } from "./pim/data";
import { mutatePim } from "./pim/mutations";
import { recurrenceResource } from "./pim/recurrence";
import { PimStore } from "./pim/store";
import { ResourceUnits } from "./sites/resource-units";
import { generateSites, SITE_DRIVE_KEY_BASE, type SiteInfo } from "./sites/sites";
import { Throttle } from "./throttle";

export interface MicrosoftUser {
  index: number;
  id: string;
  userPrincipalName: string;
  givenName: string;
  surname: string;
  displayName: string;
  jobTitle: string;
  isAdmin: boolean;
  /** Directory change sequence of the user's last change (0: seeded), for users/delta. */
  seq: number;
}

/** A user that left the directory: soft-deleted (restorable, "changed") or purged ("deleted"). */
export interface RemovedUser {
  seq: number;
  id: string;
  reason: "changed" | "deleted";
}

const JOB_TITLES = ["Accountant", "Engineer", "Sales Manager", "Designer", "Analyst", "Office Manager", "Consultant", "Support Lead"];

export function generateMicrosoftDomain(seed: number): string {
  const rng = Rng.from("ms-domain", seed);
  return `${rng.pick(DOMAIN_WORDS)}${rng.pick(DOMAIN_WORDS)}${seed}.onmicrosoft.com`;
}

export class MicrosoftTenant implements Tenant {
  readonly provider = "microsoft" as const;
  /** The directory (tenant) id, a GUID: what `tid` and the token endpoint's path carry. */
  readonly tenantId: string;
  readonly users: MicrosoftUser[] = [];
  readonly throttle = new Throttle();
  /** SharePoint's per-app resource units (OneDrive and site libraries); every user is a licence. */
  readonly resourceUnits = new ResourceUnits(() => this.users.length);
  /** client id → the app roles an admin granted it (admin consent). */
  readonly consentedApps = new Map<string, string[]>();
  private readonly byKey = new Map<string, MicrosoftUser>();
  private readonly mailboxes = new Map<number, MsMailbox>();
  private readonly drives = new Map<number, MsDrive>();
  private siteList: SiteInfo[] | undefined;
  private readonly calendars = new Map<number, PimStore<EventData>>();
  private readonly contactBooks = new Map<number, PimStore<ContactData>>();
  private directorySeqValue = 1;
  private nextUserIndex: number;
  /** users/delta's record of users that left, oldest first. */
  readonly removedUsers: RemovedUser[] = [];

  constructor(
    readonly id: string,
    readonly domain: string,
    readonly input: CreateTenantInput,
  ) {
    const rng = Rng.from("ms-directory", input.seed, domain);
    this.tenantId = guid(rng);
    for (let i = 0; i < input.users; i++) this.addUserFrom(rng, i, 0);
    this.nextUserIndex = input.users;
  }

  private addUserFrom(rng: Rng, i: number, seq: number, names: { givenName?: string; surname?: string } = {}): MicrosoftUser {
    const givenName = names.givenName ?? rng.pick(GIVEN_NAMES);
    const surname = names.surname ?? rng.pick(FAMILY_NAMES);
    let local = `${givenName}.${surname}`.toLowerCase();
    if (this.byKey.has(`${local}@${this.domain}`)) local = `${local}${i}`;
    const user: MicrosoftUser = {
      index: i,
      id: guid(rng),
      userPrincipalName: `${local}@${this.domain}`,
      givenName,
      surname,
      displayName: `${givenName} ${surname}`,
      jobTitle: i === 0 ? "IT Administrator" : rng.pick(JOB_TITLES),
      isAdmin: i === 0,
      seq,
    };
    this.users.push(user);
    this.byKey.set(user.userPrincipalName, user);
    this.byKey.set(user.id, user);
    return user;
  }

  /** The directory's change sequence (users/delta tokens carry it). */
  get directorySeq(): number {
    return this.directorySeqValue;
  }

  /** A user joins the directory (an admin creating the account); their mailbox and drive are seeded like everyone's. */
  addUser(names: { givenName?: string; surname?: string } = {}): MicrosoftUser {
    const i = this.nextUserIndex++;
    return this.addUserFrom(Rng.from("ms-directory-added", this.input.seed, this.domain, i), i, ++this.directorySeqValue, names);
  }

  /**
   * A user leaves the directory: deleted (Entra keeps it restorable for 30 days; users/delta says
   * `@removed: { reason: "changed" }`) or permanently (`reason: "deleted"`). The admin stays.
   */
  removeUser(idOrUpn: string, permanent: boolean): MicrosoftUser | "admin" | undefined {
    const user = this.user(idOrUpn);
    if (!user) return undefined;
    if (user.isAdmin) return "admin";
    this.users.splice(this.users.indexOf(user), 1);
    this.byKey.delete(user.userPrincipalName);
    this.byKey.delete(user.id);
    this.removedUsers.push({ seq: ++this.directorySeqValue, id: user.id, reason: permanent ? "deleted" : "changed" });
    return user;
  }

  get admin(): MicrosoftUser {
    const admin = this.users[0];
    if (!admin) throw new Error("tenant has no users");
    return admin;
  }

  /** By object id or user principal name (Graph accepts both in /users/{id | userPrincipalName}). */
  user(idOrUpn: string): MicrosoftUser | undefined {
    return this.byKey.get(idOrUpn.toLowerCase());
  }

  /** The path segment of the identity platform's endpoints: tenant id or a verified domain. */
  matches(tenant: string): boolean {
    const t = tenant.toLowerCase();
    return t === this.tenantId || t === this.domain;
  }

  mailbox(user: MicrosoftUser): MsMailbox {
    let mb = this.mailboxes.get(user.index);
    if (!mb) {
      mb = new MsMailbox({ seed: this.input.seed, userIndex: user.index, email: user.userPrincipalName, count: this.input.itemsPerUser, historyRetention: this.input.historyRetention });
      this.mailboxes.set(user.index, mb);
    }
    return mb;
  }

  /** The user's OneDrive: a quarter as many files as messages (at least 5). */
  drive(user: MicrosoftUser): MsDrive {
    let d = this.drives.get(user.index);
    if (!d) {
      d = new MsDrive({ seed: this.input.seed, userIndex: user.index, email: user.userPrincipalName, files: Math.max(5, Math.floor(this.input.itemsPerUser / 4)), historyRetention: this.input.historyRetention });
      this.drives.set(user.index, d);
    }
    return d;
  }

  /** The user's default calendar: `eventsPerUser` events (default min(itemsPerUser, 200)). */
  calendar(user: MicrosoftUser): PimStore<EventData> {
    let c = this.calendars.get(user.index);
    if (!c) {
      const owner = { name: user.displayName, address: user.userPrincipalName };
      const colleagues = this.users.map((u) => ({ name: u.displayName, address: u.userPrincipalName }));
      c = new PimStore(pimIdMaker("event", this.input.seed, user.index), this.input.historyRetention, seedEvents(this.input.seed, user.index, owner, colleagues, this.input.eventsPerUser ?? Math.min(this.input.itemsPerUser, 200)));
      this.calendars.set(user.index, c);
    }
    return c;
  }

  /** The user's default contacts folder: min(itemsPerUser, 100) contacts, ~40 % with a photo. */
  contacts(user: MicrosoftUser): PimStore<ContactData> {
    let c = this.contactBooks.get(user.index);
    if (!c) {
      c = new PimStore(pimIdMaker("contact", this.input.seed, user.index), this.input.historyRetention, seedContacts(this.input.seed, user.index, Math.min(this.input.itemsPerUser, 100)));
      this.contactBooks.set(user.index, c);
    }
    return c;
  }

  /** The id of a user's one contact folder ("Contacts"). */
  contactFolderId(user: MicrosoftUser): string {
    return pimIdMaker("contact", this.input.seed, user.index)(0xffffffff);
  }

  /** The SharePoint sites: the root site and two team sites. */
  get sites(): SiteInfo[] {
    this.siteList ??= generateSites(this.input.seed, this.domain);
    return this.siteList;
  }

  /** A site's document library, as many files as a user's OneDrive. */
  siteDrive(site: SiteInfo): MsDrive {
    let d = this.drives.get(site.driveKey);
    if (!d) {
      d = new MsDrive({ seed: this.input.seed, userIndex: site.driveKey, email: site.webUrl, files: Math.max(5, Math.floor(this.input.itemsPerUser / 4)), historyRetention: this.input.historyRetention });
      this.drives.set(site.driveKey, d);
    }
    return d;
  }

  /** A drive by its key: a user's index (OneDrive) or a site's drive key (document library). */
  driveByKey(key: number): MsDrive | undefined {
    if (key >= SITE_DRIVE_KEY_BASE) {
      const site = this.sites.find((s) => s.driveKey === key);
      return site ? this.siteDrive(site) : undefined;
    }
    const user = this.users.find((u) => u.index === key);
    return user ? this.drive(user) : undefined;
  }

  driveId(user: MicrosoftUser): string {
    return driveIdFor({ seed: this.input.seed, userIndex: user.index, email: user.userPrincipalName });
  }

  summary(): TenantSummary {
    return {
      id: this.id,
      provider: this.provider,
      domain: this.domain,
      adminEmail: this.admin.userPrincipalName,
      tenantId: this.tenantId,
      units: this.users.map((u) => ({ id: u.id, kind: "mailbox", email: u.userPrincipalName, name: u.displayName, items: this.mailboxes.get(u.index)?.size ?? this.input.itemsPerUser })),
    };
  }

  selectUnits(units: string[] | undefined): MicrosoftUser[] {
    return selectNamed(this.users, units, (u) => this.user(u));
  }

  expireCursors(units?: string[]): string[] {
    const users = this.selectUnits(units);
    for (const u of users) {
      this.mailbox(u).expireHistory();
      this.drive(u).expireHistory();
      this.calendar(u).expireHistory();
      this.contacts(u).expireHistory();
    }
    // The sites' libraries belong to no unit: they expire with the whole tenant.
    if (!units) for (const site of this.sites) this.siteDrive(site).expireHistory();
    return users.map((u) => u.userPrincipalName);
  }

  async *manifest(): AsyncGenerator<string> {
    const { units: _units, ...head } = this.summary();
    yield `${JSON.stringify(head).slice(0, -1)},"units":[`;
    let firstUnit = true;
    for (const user of this.users) {
      const mb = this.mailbox(user);
      const folders = mb.folders.map((f) => ({ id: f.id, displayName: f.displayName, path: mb.path(f.key), ...(f.wellKnownName ? { wellKnownName: f.wellKnownName } : {}) }));
      const unit = { id: user.id, kind: "mailbox", email: user.userPrincipalName, folders };
      yield `${firstUnit ? "" : ","}${JSON.stringify(unit).slice(0, -1)},"items":[`;
      firstUnit = false;
      let first = true;
      let chunk = "";
      for (const m of mb.list()) {
        const raw = await mb.raw(m.id);
        if (!raw) continue;
        const folder = mb.folderByKey(m.folderKey);
        const item = {
          id: m.id,
          folderId: folder?.id,
          folder: mb.path(m.folderKey),
          receivedDateTime: new Date(m.receivedAt).toISOString(),
          isRead: m.isRead,
          flagged: m.flagged,
          size: raw.length,
          sha256: sha256Hex(raw),
        };
        chunk += `${first ? "" : ","}${JSON.stringify(item)}`;
        first = false;
        if (chunk.length > 64_000) {
          yield chunk;
          chunk = "";
        }
      }
      yield `${chunk}],"drive":{"id":${JSON.stringify(this.driveId(user))},"items":[`;
      const drive = this.drive(user);
      const files = [];
      for (const item of drive.items()) {
        if (item.folder) continue;
        const content = (await drive.content(item.index)) ?? Buffer.alloc(0);
        files.push(JSON.stringify({ id: item.id, path: drive.path(item.index), version: item.version, size: content.length, sha256: sha256Hex(content) }));
      }
      const events = this.calendar(user).list().map((e) => JSON.stringify({ id: e.id, subject: e.data.subject, start: new Date(e.data.start).toISOString(), end: new Date(e.data.end).toISOString(), ...(e.data.recurrence ? { recurrence: recurrenceResource(e.data.recurrence, e.data.start) } : {}), sha256: eventDigest(e.data) }));
      const contacts = this.contacts(user).list().map((c) => JSON.stringify({ id: c.id, displayName: c.data.displayName, sha256: contactDigest(c.data), ...(c.data.photo ? { photoSize: c.data.photo.length, photoSha256: sha256Hex(c.data.photo) } : {}) }));
      yield `${files.join(",")}]},"calendar":{"items":[${events.join(",")}]},"contacts":{"folderId":${JSON.stringify(this.contactFolderId(user))},"items":[${contacts.join(",")}]}}`;
    }
    yield "],\"sites\":[";
    let firstSite = true;
    for (const site of this.sites) {
      const drive = this.siteDrive(site);
      const files = [];
      for (const item of drive.items()) {
        if (item.folder) continue;
        const content = (await drive.content(item.index)) ?? Buffer.alloc(0);
        files.push(JSON.stringify({ id: item.id, path: drive.path(item.index), version: item.version, size: content.length, sha256: sha256Hex(content) }));
      }
      yield `${firstSite ? "" : ","}${JSON.stringify({ id: site.id, webUrl: site.webUrl }).slice(0, -1)},"drive":{"id":${JSON.stringify(drive.id)},"items":[${files.join(",")}]}}`;
      firstSite = false;
    }
    yield "]}";
  }

  mutate(input: MutationInput): Promise<TouchedItem[]> {
    return Promise.all(
      this.selectUnits(input.units).map(async (u) => [
        ...(await mutateMsMailbox(this.mailbox(u), u.userPrincipalName, input)),
        ...(await mutateDrive(this.drive(u), u.userPrincipalName, input)),
        ...mutatePim(this.calendar(u), this.contacts(u), u.userPrincipalName, input),
      ]),
    ).then((all) => all.flat());
  }
}

export function isMicrosoftTenant(t: Tenant): t is MicrosoftTenant {
  return t instanceof MicrosoftTenant;
}

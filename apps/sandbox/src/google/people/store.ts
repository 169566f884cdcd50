// One user's Google Contacts for the People API (https://developers.google.com/people/api/rest/v1/people.connections/list):
// seeded contacts, contacts created through people.createContact, and a change log for sync
// tokens; contacts' photos (seeded ones generated on demand from the seed, uploaded ones kept).
// A sync token is the next change sequence number; one older than the retained log (or
// issued before `expire-history`) is expired, which the API reports as EXPIRED_SYNC_TOKEN.
import { FAMILY_NAMES, GIVEN_NAMES } from "../../data/names";
import { Rng } from "../../data/random";
import { defaultPhoto, imageType, seededPhoto } from "./photo";

export interface Contact {
  id: string;
  givenName: string;
  familyName: string;
  emails: string[];
  phones: string[];
  organization?: string;
  /** "seeded": the generated photo of seeded contact `index`; bytes: an uploaded one; none: the default photo. */
  photo?: "seeded" | Buffer;
  /** Seeded contacts' position, which their photo is generated from. */
  index?: number;
  version: number;
  updateTime: number;
  deleted: boolean;
}

const ORGS = ["Acme Corp", "Globex", "Initech", "Umbrella Ltd", "Stark Industries", "Wayne Enterprises"];

export class ContactBook {
  readonly contacts = new Map<string, Contact>();
  private readonly order: string[] = [];
  private log: { seq: number; id: string }[] = [];
  private seqValue = 1;
  private floorSeq = 1;
  private clock = Date.UTC(2025, 0, 1);

  constructor(
    private readonly seed: number,
    private readonly userIndex: number,
    count: number,
    private readonly retention: number,
  ) {
    for (let i = 0; i < count; i++) {
      const rng = Rng.from("people", seed, userIndex, i);
      const givenName = rng.pick(GIVEN_NAMES);
      const familyName = rng.pick(FAMILY_NAMES);
      const id = `c${BigInt.asUintN(63, BigInt(`0x${rng.bytes(8).toString("hex")}`)).toString()}`;
      const domain = rng.pick(["example.com", "example.org", "example.net"]);
      const contact: Contact = { id, givenName, familyName, emails: [`${givenName}.${familyName}@${domain}`.toLowerCase()], phones: rng.chance(0.6) ? [`+1 555 01${String(rng.int(100)).padStart(2, "0")}`] : [], organization: rng.chance(0.5) ? rng.pick(ORGS) : undefined, version: 1, updateTime: Date.UTC(2023, 0, 1) + rng.int(700) * 86_400_000, deleted: false, index: i };
      // Drawn last so the fields above stay what they were before photos existed.
      if (rng.chance(0.6)) contact.photo = "seeded";
      this.contacts.set(id, contact);
      this.order.push(id);
    }
  }

  get syncPosition(): number {
    return this.seqValue;
  }

  /** Live contacts in creation order. */
  live(): Contact[] {
    return this.order.map((id) => this.contacts.get(id)).filter((c): c is Contact => c !== undefined && !c.deleted);
  }

  create(fields: { givenName: string; familyName: string; emails: string[]; phones: string[]; organization?: string }): Contact {
    const id = `c${(BigInt(Date.UTC(2025, 0, 1)) * 1000n + BigInt(this.order.length)).toString()}`;
    const c: Contact = { id, ...fields, version: 1, updateTime: this.tick(), deleted: false };
    this.contacts.set(id, c);
    this.order.push(id);
    this.record(id);
    return c;
  }

  /** Replaces the given fields (people.updateContact); undefined when the contact is gone. */
  update(id: string, fields: Partial<Pick<Contact, "givenName" | "familyName" | "emails" | "phones" | "organization">>): Contact | undefined {
    const c = this.contacts.get(id);
    if (!c || c.deleted) return undefined;
    Object.assign(c, fields);
    return this.touch(c);
  }

  /** people.updateContactPhoto / deleteContactPhoto (`bytes` undefined). */
  setPhoto(id: string, bytes: Buffer | undefined): Contact | undefined {
    const c = this.contacts.get(id);
    if (!c || c.deleted) return undefined;
    c.photo = bytes;
    return this.touch(c);
  }

  /** The contact's photo: its own (seeded or uploaded) or Google's generated default. */
  photoOf(c: Contact): { bytes: Buffer; contentType: string; isDefault: boolean } {
    if (c.photo === "seeded") return { bytes: seededPhoto(this.seed, this.userIndex, c.index ?? 0), contentType: "image/png", isDefault: false };
    if (c.photo) return { bytes: c.photo, contentType: imageType(c.photo) ?? "application/octet-stream", isDefault: false };
    return { bytes: defaultPhoto(c.givenName || c.familyName), contentType: "image/png", isDefault: true };
  }

  delete(id: string): boolean {
    const c = this.contacts.get(id);
    if (!c || c.deleted) return false;
    c.deleted = true;
    c.version++;
    c.updateTime = this.tick();
    this.record(id);
    return true;
  }

  /** Contacts changed since sync position `from` (deleted ones included), or undefined when expired. */
  changedSince(from: number): Contact[] | undefined {
    if (from < this.floorSeq || from > this.seqValue) return undefined;
    const ids = new Set(this.log.filter((e) => e.seq >= from).map((e) => e.id));
    return [...ids].map((id) => this.contacts.get(id)).filter((c): c is Contact => c !== undefined);
  }

  expireHistory(): void {
    this.log = [];
    this.floorSeq = ++this.seqValue;
  }

  private touch(c: Contact): Contact {
    c.version++;
    c.updateTime = this.tick();
    this.record(c.id);
    return c;
  }

  private tick(): number {
    this.clock += 1_000;
    return this.clock;
  }

  private record(id: string): void {
    this.log.push({ seq: this.seqValue++, id });
    if (this.log.length > this.retention) {
      const drop = this.log.length - this.retention;
      this.floorSeq = (this.log[drop - 1]?.seq ?? this.floorSeq) + 1;
      this.log = this.log.slice(drop);
    }
  }
}

/** The fields a restore must bring back, as the text the manifest's sha256 is computed over. */
export function canonicalContact(c: Contact): string {
  return JSON.stringify({ givenName: c.givenName, familyName: c.familyName, emails: c.emails, phones: c.phones, organization: c.organization ?? null });
}

// A Google Workspace customer: a primary domain, a directory of users (user 0 is the super
// admin) and one Gmail mailbox per user, created lazily on first use.
import { createHash } from "node:crypto";
import { sha256Hex } from "../data/encoding";
import { DOMAIN_WORDS, FAMILY_NAMES, GIVEN_NAMES } from "../data/names";
import { Rng } from "../data/random";
import { UnknownUnitError, type CreateTenantInput, type MutationInput, type Tenant, type TenantSummary, type TouchedItem } from "../tenants";
import { Mailbox } from "./gmail/mailbox";
import { mutateMailbox } from "./gmail/mutations";

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
  private readonly byEmail = new Map<string, GoogleUser>();
  private readonly mailboxes = new Map<number, Mailbox>();

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
    if (!units) return this.users;
    return units.map((u) => {
      const user = this.user(u);
      if (!user) throw new UnknownUnitError(u);
      return user;
    });
  }

  expireCursors(units?: string[]): string[] {
    const users = this.selectUnits(units);
    for (const u of users) this.mailbox(u).expireHistory();
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
    yield "]}";
  }

  mutate(input: MutationInput): Promise<TouchedItem[]> {
    const touched: Promise<TouchedItem[]>[] = this.selectUnits(input.units).map((u) => mutateMailbox(this.mailbox(u), u.email, input));
    return Promise.all(touched).then((all) => all.flat());
  }
}

export { UnknownUnitError };

export function isGoogleTenant(t: Tenant): t is GoogleTenant {
  return t instanceof GoogleTenant;
}

// A Google tenant's Drive: a My Drive per user and one shared drive every user is a member of,
// each created (seeded) on first use.
import { createHash } from "node:crypto";
import type { GoogleUser } from "../tenant";
import { DriveSpace, seedLargeFiles, seedSpace, type GFile } from "./store";

export interface UploadSession {
  id: string;
  userId: string;
  /** Metadata sent when the session was started (files.create) or the target (files.update). */
  metadata: Record<string, unknown>;
  targetFileId?: string;
  supportsAllDrives: boolean;
  contentType: string;
  total?: number;
  received: Buffer[];
  receivedBytes: number;
}

function spaceId(tag: string, ...key: (string | number)[]): string {
  // Root folder and shared drive ids look like Drive's: "0A…Uk9PVA".
  return `0A${tag}${createHash("sha256").update(key.join(":")).digest("base64url").slice(0, 13)}Uk9PVA`;
}

export class GoogleDrives {
  private readonly spaces = new Map<string, DriveSpace>();
  private sharedSpace: DriveSpace | undefined;
  readonly sessions = new Map<string, UploadSession>();

  constructor(
    private readonly seed: number,
    private readonly domain: string,
    readonly filesPerUser: number,
    private readonly retention: number,
    private readonly largeFilesMiB: number[] = [],
  ) {}

  space(user: GoogleUser): DriveSpace {
    let s = this.spaces.get(user.id);
    if (!s) {
      s = new DriveSpace(spaceId("U", this.seed, this.domain, user.id), "user", "My Drive", this.retention);
      seedSpace(s, this.seed, this.filesPerUser, user.email);
      seedLargeFiles(s, this.seed, this.largeFilesMiB, user.email);
      this.spaces.set(user.id, s);
    }
    return s;
  }

  shared(): DriveSpace {
    if (!this.sharedSpace) {
      this.sharedSpace = new DriveSpace(spaceId("S", this.seed, this.domain, "shared"), "shared", "Shared Projects", this.retention);
      seedSpace(this.sharedSpace, this.seed, Math.ceil(this.filesPerUser / 2), undefined);
    }
    return this.sharedSpace;
  }

  /** The spaces a user's request may see: My Drive, plus the shared drive when the caller opted in. */
  spacesFor(user: GoogleUser, allDrives: boolean): DriveSpace[] {
    return allDrives ? [this.space(user), this.shared()] : [this.space(user)];
  }

  find(user: GoogleUser, id: string, allDrives: boolean): { space: DriveSpace; file: GFile } | undefined {
    for (const space of this.spacesFor(user, allDrives)) {
      const file = space.files.get(id === "root" ? space.id : id);
      if (file) return { space, file };
    }
    return undefined;
  }

  expireHistory(users: GoogleUser[]): void {
    for (const u of users) this.space(u).expireHistory();
    this.sharedSpace?.expireHistory();
  }
}

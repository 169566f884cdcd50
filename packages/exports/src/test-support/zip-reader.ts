// Test helpers: read a ZIP back with yauzl (an independent reader, not the writer's library).
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import yauzl from "yauzl";

export interface ReadEntry {
  name: string;
  size: number;
  sha256: string;
  /** The entry's bytes, kept only when `keep` says so. */
  bytes?: Buffer;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

/** Every entry of a ZIP file, its content hashed (and kept when `keep(name)`), CRCs checked by yauzl. */
export async function readZip(path: string, keep: (name: string) => boolean = () => true): Promise<ReadEntry[]> {
  const zip = await openZip(path);
  const out: ReadEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", () => resolve());
    zip.on("entry", (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith("/")) {
        out.push({ name: entry.fileName, size: 0, sha256: "" });
        zip.readEntry();
        return;
      }
      openEntry(zip, entry)
        .then(async (s) => {
          const hash = createHash("sha256");
          const parts: Buffer[] = [];
          let size = 0;
          for await (const c of s as AsyncIterable<Buffer>) {
            hash.update(c);
            size += c.length;
            if (keep(entry.fileName)) parts.push(c);
          }
          out.push({ name: entry.fileName, size, sha256: hash.digest("hex"), ...(keep(entry.fileName) ? { bytes: Buffer.concat(parts) } : {}) });
          zip.readEntry();
        })
        .catch(reject);
    });
    zip.readEntry();
  });
  return out;
}

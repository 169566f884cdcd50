// Writing restored items to disk: each into a temporary file renamed into place once its bytes
// are complete, never outside the target directory, never over an existing file unless asked.
import { createWriteStream } from "node:fs";
import { access, mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { RestoreError } from "./types";

/** Where `itemPath` lands under `target`; refuses paths that would escape it (a hostile manifest). */
export function destination(target: string, itemPath: string): string {
  const root = resolve(target);
  const to = resolve(root, ...itemPath.split("/"));
  if (!to.startsWith(root + sep) || itemPath.split("/").includes("..")) throw new RestoreError(`item path "${itemPath}" would land outside the target directory; refusing it`);
  return to;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function writeItem(to: string, body: AsyncIterable<Uint8Array>, expectedSize: number, overwrite: boolean): Promise<void> {
  if (!overwrite && (await exists(to))) throw new RestoreError(`${to} already exists (use --overwrite to replace it)`);
  await mkdir(dirname(to), { recursive: true });
  const partial = `${to}.holdfast-partial`;
  let written = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of body) {
        written += chunk.length;
        yield chunk;
      }
    })(),
  );
  try {
    await pipeline(counted, createWriteStream(partial));
    if (written !== expectedSize) throw new RestoreError(`${to}: restored ${written} bytes, the snapshot records ${expectedSize}`);
    await rename(partial, to);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

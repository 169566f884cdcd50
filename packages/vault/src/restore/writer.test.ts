// The writer's own guarantees, on the calling thread and in a writer thread: a file is renamed
// into place only with exactly its manifest size, a failed one leaves nothing, empty items are
// created, and neither an existing file nor a symlinked directory is written through.
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PARTIAL_SUFFIX, WriterPool, type RestoreFile } from "./writer";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "hf-writer-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

function fileOf(id: number, path: string, size: number, writes: number): RestoreFile {
  const dest = join(root, ...path.split("/"));
  return { id, item: { path, size, meta: {}, blobs: [] }, dest, temp: dest + PARTIAL_SUFFIX, writes, remaining: writes };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe.each([0, 1, 2])("WriterPool with %i writer threads", (writers) => {
  const pool = (checkExisting = false, overwrite = false) =>
    new WriterPool({ root, overwrite, checkExisting, maxOpenFiles: 2, writers, maxPendingBytes: 1024, onFinished: () => undefined, onWritten: () => undefined });

  it("writes positionally, renames complete files, creates empty ones", async () => {
    const p = pool();
    const a = fileOf(0, "d/a.txt", 10, 2);
    const empty = fileOf(1, "d/e/empty", 0, 0);
    p.add(a);
    p.add(empty);
    await p.write(a, bytes("world"), 5);
    await p.write(a, bytes("hello"), 0);
    await p.drained();
    await p.close();
    expect([a.outcome, empty.outcome]).toEqual([null, null]);
    expect(await readFile(a.dest, "utf8")).toBe("helloworld");
    expect((await lstat(empty.dest)).size).toBe(0);
    expect((await readdir(join(root, "d"))).sort()).toEqual(["a.txt", "e"]);
  });

  it("refuses to rename a file whose byte count is not the manifest size, and deletes it", async () => {
    const p = pool();
    const short = fileOf(0, "short.bin", 10, 1);
    p.add(short);
    await p.write(short, bytes("12345"), 0);
    await p.drained();
    await p.close();
    expect(short.outcome).toMatchObject({ kind: "io", object: short.dest, reason: "wrote 5 bytes, the snapshot records 10" });
    expect(await readdir(root)).toEqual([]);
  });

  it("a failure reported by the caller deletes the partial even after some writes", async () => {
    const p = pool();
    const f = fileOf(0, "x/partial.bin", 10, 2);
    p.add(f);
    await p.write(f, bytes("12345"), 0);
    p.flush();
    p.skip(f, { kind: "damaged", object: "data/aa/aaaa", reason: "data/aa/aaaa: blob 00 failed authentication" });
    await p.drained();
    await p.close();
    expect(f.outcome).toMatchObject({ kind: "damaged", object: "data/aa/aaaa" });
    expect(await readdir(join(root, "x"))).toEqual([]);
  });

  it("never replaces an existing file unless asked, nor writes through a symlinked directory", async () => {
    await writeFile(join(root, "keep.txt"), "mine");
    await mkdir(join(root, "..", `${root.split("/").at(-1)}-outside`), { recursive: true });
    const outside = join(root, "..", `${root.split("/").at(-1)}-outside`);
    await symlink(outside, join(root, "link"));
    try {
      const p = pool(true);
      const keep = fileOf(0, "keep.txt", 3, 1);
      const through = fileOf(1, "link/evil.txt", 3, 1);
      p.add(keep);
      p.add(through);
      await p.write(keep, bytes("new"), 0);
      await p.write(through, bytes("bad"), 0);
      await p.drained();
      await p.close();
      expect(keep.outcome).toMatchObject({ kind: "exists", object: keep.dest });
      expect(through.outcome).toMatchObject({ kind: "io", reason: expect.stringContaining("symbolic link") as unknown });
      expect(await readFile(join(root, "keep.txt"), "utf8")).toBe("mine");
      expect(await readdir(outside)).toEqual([]);

      const again = pool(true, true);
      const replace = fileOf(0, "keep.txt", 3, 1);
      again.add(replace);
      await again.write(replace, bytes("new"), 0);
      await again.drained();
      await again.close();
      expect(await readFile(join(root, "keep.txt"), "utf8")).toBe("new");
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("truncates a stale partial left by an earlier run", async () => {
    const f = fileOf(0, "big.bin", 4, 2);
    await writeFile(f.temp, "stale content that is much longer");
    const p = pool();
    p.add(f);
    await p.write(f, bytes("ab"), 0);
    await p.write(f, bytes("cd"), 2);
    await p.drained();
    await p.close();
    expect(f.outcome).toBeNull();
    expect(await readFile(f.dest, "utf8")).toBe("abcd");
    expect(await readdir(root)).toEqual(["big.bin"]);
  });
});

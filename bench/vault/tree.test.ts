import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles, walkFilesSync } from "./tree";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hf-tree-"));
  for (const rel of ["b/z.txt", "b/a.txt", "a", "B/x", "c/d/e/f.bin", "c/d.bin"]) {
    await mkdir(join(dir, rel, ".."), { recursive: true });
    await writeFile(join(dir, rel), rel.repeat(3));
  }
  await symlink(join(dir, "a"), join(dir, "link"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("walkFilesSync", () => {
  it("yields the files the async walk yields, in the same order, with what a backup compares", async () => {
    const sync = [...walkFilesSync(dir)];
    expect(sync.map(({ rel, size, mode, mtimeMs }) => ({ rel, size, mode, mtimeMs }))).toEqual(await listFiles(dir));
    expect(sync.map((f) => f.rel)).toEqual(["B/x", "a", "b/a.txt", "b/z.txt", "c/d/e/f.bin", "c/d.bin"]);
    for (const f of sync) {
      expect(f.ino).toBeGreaterThan(0);
      expect(f.ctimeMs).toBeGreaterThan(0);
    }
  });
});

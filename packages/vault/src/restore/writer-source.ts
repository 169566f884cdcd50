// The file-system side of a restore, as JavaScript source: run in a writer thread
// (`new Worker(…, { eval: true })`, so it works the same under tsx, vitest and a bundle) or, with
// `writers: 0`, evaluated once on the calling thread. One implementation either way. It never
// sees a key or a sealed byte: it gets verified chunks and where they go.
//
// Per file: `<dest>.holdfast-partial` is created (O_NOFOLLOW, truncating a stale one) on the first
// write and sized up front when several writes fill it; writes are positional; at the end the
// file is closed and, only if every planned write landed and the byte count equals the manifest
// size, renamed over `<dest>`; otherwise the partial is deleted. Directories are made one level
// at a time below the root and never followed through a symbolic link. Calls are synchronous:
// a writer thread has nothing else to do, and each async fs call would cost the thread pool a
// hand-off per syscall (measured: ~20 µs of main-thread time each, five per file).
//
// Messages in: { seq, bytes, written, chunks: Uint8Array[], ops }, ops being
//   { o: "file", f, temp, dest, size, writes }   register file f (before any other op on it)
//   { o: "w", f, c, at }                          write chunks[c] at offset `at`
//   { o: "end", f, fail? }                        finish f (fail: a failure found by the caller)
// Reply: { seq, bytes, written, done: [{ f } | { f, kind, object, reason }] } — one entry per "end".
export const WRITER_SOURCE = String.raw`(function createWriter(require, config) {
  "use strict";
  const fs = require("node:fs");
  const path = require("node:path");
  const C = fs.constants;
  const NOFOLLOW = C.O_NOFOLLOW || 0;
  const CREATE = C.O_WRONLY | C.O_CREAT | C.O_TRUNC | NOFOLLOW;
  const REOPEN = C.O_WRONLY | NOFOLLOW;
  const files = new Map();
  const open = new Map();
  const dirs = new Set([config.root]);
  const message = (e) => (e && e.message) || String(e);
  const io = (f, e) => ({ kind: "io", object: f.dest, reason: message(e) });

  function ensureDir(dir) {
    if (dirs.has(dir)) return;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(dir + " is not under the restore target");
    ensureDir(parent);
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      const st = fs.lstatSync(dir);
      if (st.isSymbolicLink()) throw new Error(dir + " is a symbolic link; refusing to restore through it");
      if (!st.isDirectory()) throw new Error(dir + " exists and is not a directory");
    }
    dirs.add(dir);
  }

  function exists(p) {
    try {
      fs.lstatSync(p);
      return true;
    } catch {
      return false;
    }
  }

  function closeFd(f) {
    if (f.fd === -1) return;
    open.delete(f.id);
    const fd = f.fd;
    f.fd = -1;
    fs.closeSync(fd);
  }

  function fdOf(f) {
    if (f.fd !== -1) {
      open.delete(f.id);
      open.set(f.id, f);
      return f.fd;
    }
    if (f.created) f.fd = fs.openSync(f.temp, REOPEN);
    else {
      ensureDir(path.dirname(f.dest));
      if (config.checkExisting && !config.overwrite && exists(f.dest)) {
        f.failure = { kind: "exists", object: f.dest, reason: f.dest + " already exists" };
        throw new Error(f.failure.reason);
      }
      f.fd = fs.openSync(f.temp, CREATE, 0o666);
      f.created = true;
      if (f.writes > 1 && f.size > 0) fs.ftruncateSync(f.fd, f.size);
    }
    open.set(f.id, f);
    // Partly written files wait here for later ranges; past the limit the least recently written close.
    for (const g of open.values()) {
      if (open.size <= config.maxOpenFiles) break;
      if (g !== f) closeFd(g);
    }
    return f.fd;
  }

  function write(f, chunk, at) {
    if (f.failure) return;
    try {
      const fd = fdOf(f);
      for (let done = 0; done < chunk.length; ) {
        const n = fs.writeSync(fd, chunk, done, chunk.length - done, at + done);
        if (n <= 0) throw new Error(f.temp + ": write made no progress");
        done += n;
      }
      f.written += chunk.length;
    } catch (e) {
      if (!f.failure) f.failure = io(f, e);
    }
  }

  function end(f, fail) {
    files.delete(f.id);
    if (fail && !f.failure) f.failure = fail;
    try {
      closeFd(f);
      if (!f.failure) {
        if (!f.created) {
          fdOf(f); // an empty item: create it
          closeFd(f);
        }
        if (f.written !== f.size) f.failure = { kind: "io", object: f.dest, reason: "wrote " + f.written + " bytes, the snapshot records " + f.size };
        else fs.renameSync(f.temp, f.dest);
      }
    } catch (e) {
      if (!f.failure) f.failure = io(f, e);
    }
    if (f.failure && f.created) {
      try {
        fs.rmSync(f.temp, { force: true });
      } catch (e) {
        // The item has failed already; say that its partial file is still there.
        f.failure = Object.assign({}, f.failure, { reason: f.failure.reason + "; its partial file " + f.temp + " could not be removed: " + message(e) });
      }
    }
    return f.failure ? Object.assign({ f: f.id }, f.failure) : { f: f.id };
  }

  return {
    handle(m) {
      const done = [];
      for (const op of m.ops) {
        if (op.o === "file") files.set(op.f, { id: op.f, temp: op.temp, dest: op.dest, size: op.size, writes: op.writes, fd: -1, created: false, written: 0, failure: null });
        else if (op.o === "w") write(files.get(op.f), m.chunks[op.c], op.at);
        else if (op.o === "end") done.push(end(files.get(op.f), op.fail));
      }
      return { seq: m.seq, bytes: m.bytes, written: m.written, done };
    },
    abandon() {
      for (const f of files.values()) {
        try {
          closeFd(f);
          if (f.created) fs.rmSync(f.temp, { force: true });
        } catch {
          // Abandoning after a writer failure: the restore is already failing with that error and
          // every file in flight is reported failed; a partial left here keeps its .holdfast-partial name.
        }
      }
      files.clear();
    },
  };
})`;

/** Wraps WRITER_SOURCE as a worker script. */
export const WRITER_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const writer = ${WRITER_SOURCE}(require, workerData);
parentPort.on("message", (m) => {
  if (m === "abandon") { writer.abandon(); parentPort.postMessage("abandoned"); return; }
  parentPort.postMessage(writer.handle(m));
});
`;

import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";

/** A fetch/undici web stream or a Node stream as the AsyncIterable the vault reads. */
export function toAsyncIterable(body: ReadableStream<Uint8Array> | NodeJS.ReadableStream | Readable): AsyncIterable<Uint8Array> {
  if (body instanceof Readable) return body;
  if (typeof (body as ReadableStream<Uint8Array>).getReader === "function") {
    return Readable.fromWeb(body as NodeWebStream<Uint8Array>);
  }
  return body as AsyncIterable<Uint8Array>;
}

/** Collects a (small) body into one buffer; callers use it only for bodies the provider needs whole (JSON, vCard). */
export async function collect(body: AsyncIterable<Uint8Array>, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += chunk.byteLength;
    if (n > limit) throw new Error(`body larger than ${limit} bytes cannot be buffered`);
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(parts, n);
}

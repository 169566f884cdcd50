// Contact photos as real image bytes, generated deterministically: a small PNG (a seeded colour
// field with a lighter disc, like an avatar) for seeded contacts that have a photo, and Google's
// "default" photo — a flat tile in a colour picked from the contact's initial — for the rest.
// Same (seed, user, contact) → same bytes, so the manifest's SHA-256 is stable across runs.
import { deflateSync } from "node:zlib";
import { Rng } from "../../data/random";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

type Rgb = [number, number, number];

/** An RGB PNG of `size`×`size`: background `bg`, a disc of `fg` when given. */
export function png(size: number, bg: Rgb, fg?: Rgb): Buffer {
  const raw = Buffer.alloc(size * (1 + size * 3));
  const r = size / 2;
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const inDisc = fg !== undefined && (x - r + 0.5) ** 2 + (y - r * 0.8) ** 2 < (r * 0.45) ** 2;
      const [cr, cg, cb] = inDisc ? fg : bg;
      raw.writeUInt8(cr, row + 1 + x * 3);
      raw.writeUInt8(cg, row + 2 + x * 3);
      raw.writeUInt8(cb, row + 3 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, deflate, no filter, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

/** The photo of seeded contact `index` of user `userIndex`. */
export function seededPhoto(seed: number, userIndex: number, index: number): Buffer {
  const rng = Rng.from("people-photo", seed, userIndex, index);
  const bg: Rgb = [rng.int(200), rng.int(200), rng.int(200)];
  const fg: Rgb = [200 + rng.int(56), 200 + rng.int(56), 200 + rng.int(56)];
  return png(48, bg, fg);
}

const DEFAULT_COLOURS: Rgb[] = [
  [0x5c, 0x6b, 0xc0],
  [0x00, 0x89, 0x7b],
  [0xef, 0x6c, 0x00],
  [0x8e, 0x24, 0xaa],
  [0x43, 0xa0, 0x47],
  [0xd8, 0x1b, 0x60],
];

/** Google's generated placeholder for a contact without a photo (`default: true`). */
export function defaultPhoto(initial: string): Buffer {
  const code = initial.toUpperCase().charCodeAt(0) || 0;
  return png(16, DEFAULT_COLOURS[code % DEFAULT_COLOURS.length] ?? [0x5c, 0x6b, 0xc0]);
}

/** The image type of uploaded bytes (updateContactPhoto accepts JPEG and PNG), or undefined. */
export function imageType(bytes: Buffer): "image/png" | "image/jpeg" | undefined {
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47) return "image/png";
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

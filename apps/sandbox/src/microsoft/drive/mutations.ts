// Control-API mutations of a OneDrive: edit = a new version of the file; move = to another
// folder; delete = permanent; ransomware = every chosen file rewritten as ciphertext (same id,
// a new version, as sync clients upload an encrypted file over the original); create = new
// files. Selection is hash(seed, kind, id) < fraction, as for mail.
import { chosen, Rng } from "../../data/random";
import type { MutationInput, TouchedItem } from "../../tenants";
import type { DriveItemState, MsDrive } from "./drive";

export async function mutateDrive(drive: MsDrive, unit: string, input: MutationInput): Promise<TouchedItem[]> {
  const touched: TouchedItem[] = [];
  const files = [...drive.items()].filter((i) => !i.folder);
  if (input.kind === "create") {
    const n = input.fraction > 0 ? Math.max(1, Math.round(input.fraction * files.length)) : 0;
    for (let k = 0; k < n; k++) {
      const rng = Rng.from("drive-create", input.seed, unit, k);
      const item = drive.create(`New document ${input.seed}-${k + 1}.txt`, rng.pick([0, 1, 4]), Buffer.from(`Notes ${rng.next().toString(16)}\r\n`.repeat(1 + rng.int(200))), "text/plain");
      touched.push({ unit, id: item.id, action: "created", drive: drive.id });
    }
    return touched;
  }
  const picked: DriveItemState[] = files.filter((f) => chosen(input.fraction, input.seed, input.kind, f.id));
  for (const f of picked) {
    const rng = Rng.from(`drive-${input.kind}`, input.seed, f.id);
    switch (input.kind) {
      case "edit":
        await drive.rewrite(f.index);
        touched.push({ unit, id: f.id, action: "edited", drive: drive.id });
        break;
      case "move": {
        const target = rng.pick([0, 1, 2, 3, 4, 5].filter((p) => p !== f.parentIndex));
        drive.move(f.index, target);
        touched.push({ unit, id: f.id, action: "moved", drive: drive.id });
        break;
      }
      case "delete":
        drive.delete(f.index);
        touched.push({ unit, id: f.id, action: "deleted", drive: drive.id });
        break;
      case "ransomware":
        await drive.rewrite(f.index, (old) => rng.bytes(old.length + 16));
        touched.push({ unit, id: f.id, action: "encrypted", drive: drive.id });
        break;
    }
  }
  return touched;
}

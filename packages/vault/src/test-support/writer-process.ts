// A backup writer in its own process, for the multi-process concurrency test. Arguments are one
// JSON object: { endpoint, region, bucket, accessKeyId, secretAccessKey, kek, unit, seed, mib }.
// Prints the committed snapshot id.
import { LocalKms } from "../crypto/kms";
import { S3ObjectStore } from "../store/s3";
import { pseudoRandomBytes, streamOf } from "../testing";
import { openVault } from "../vault";

interface Args {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  kek: string;
  unit: string;
  seed: number;
  mib: number;
}

const a = JSON.parse(process.argv[2] ?? "{}") as Args;
const store = new S3ObjectStore({ endpoint: a.endpoint, region: a.region, forcePathStyle: true, bucket: a.bucket, credentials: a });
const vault = await openVault(store, { kms: new LocalKms(Buffer.from(a.kek, "hex")) });
const w = await vault.startSnapshot({ source: "multi-process", unit: a.unit, startedAt: new Date(), retainUntil: new Date(Date.now() + 3_600_000) });
await w.putItem("shared.bin", streamOf(pseudoRandomBytes(4242, 3 * 1024 * 1024)));
await w.putItem("own.bin", streamOf(pseudoRandomBytes(a.seed, a.mib * 1024 * 1024)));
const id = await w.commit();
await vault.close();
store.close();
process.stdout.write(`${id}\n`);

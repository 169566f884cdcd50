// Where a webhook may not be sent (SSRF): an endpoint is a URL typed by a customer's admin, and the
// worker that POSTs to it sits inside our network. Loopback, private, link-local, unique-local,
// CGNAT, multicast and reserved addresses are refused, checked on the addresses the name resolves
// to at connect time (so a name re-pointed after the check cannot slip through).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  // NAT64 can carry any IPv4 address, private ones included. (IPv4-mapped ::ffff:a.b.c.d needs no
  // entry: BlockList checks it against the IPv4 rules, and an entry here would match every IPv4 address.)
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** True for an address a webhook must not reach (anything but a public unicast address). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

export class PrivateAddressError extends Error {
  override name = "PrivateAddressError";
  constructor(host: string, address: string) {
    super(`refused: ${host} resolves to ${address}, a loopback, private or reserved address (webhooks go to public addresses only)`);
  }
}

/** The URL's host as an IP literal, without IPv6 brackets, or undefined for a name. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, "$1");
  return isIP(bare) ? bare : undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls.connect that refuses private addresses: the connection is made only to
 * an address checked here, which is what defeats DNS rebinding.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(Object.assign(new PrivateAddressError(hostname, bad.address), { code: "EWEBHOOKPRIVATE" }), []);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} resolves to no address`), { code: "ENOTFOUND" }), []);
    if (options.all) return callback(null, addresses);
    return callback(null, first.address, first.family);
  });
}

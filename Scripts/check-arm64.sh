#!/usr/bin/env bash
# Cross-compiles the micro-kernels (their portable kernels: the only ones an ARM64 build has) and
# their testers for aarch64 with Debian's GCC cross compilers, and runs the testers under
# qemu-aarch64. Needs gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu and qemu-user:
#   apt-get install -y gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ qemu-aarch64; do
    command -v "$tool" > /dev/null || { echo "check-arm64: $tool not found (see this script's header)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
kernels=Sources/CConvKitKernels
flags=(-O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -Wno-unused-parameter -I "$kernels/include")
objects=()
for source in "$kernels"/*.c "$kernels"/gen/*.c; do
    object="$out/$(basename "$source" .c).o"
    aarch64-linux-gnu-gcc -std=gnu11 "${flags[@]}" -c "$source" -o "$object"
    objects+=("$object")
done
aarch64-linux-gnu-g++ -std=c++17 "${flags[@]}" -I Tests/CConvKitKernelTester/include \
    Tests/CConvKitKernelTester/*.cpp "${objects[@]}" \
    -static -o "$out/kernel-tester"
file "$out/kernel-tester" | sed 's/^[^:]*: /kernel-tester: /'
qemu-aarch64 "$out/kernel-tester"

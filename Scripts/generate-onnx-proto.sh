#!/usr/bin/env bash
# Regenerates Sources/ConvKitONNX/Generated/onnx.pb.swift, the only protobuf code ConvKit has.
#
# The schema is the installed onnx package's onnx.proto, turned into onnx.proto3 by that package's
# own converter (onnx.gen_proto); protoc (Debian's protobuf-compiler) compiles it with
# protoc-gen-swift built from the swift-protobuf this package resolves, so the generated code and
# the runtime library match. Needs: pip install onnx; apt-get install protobuf-compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/onnx.proto3" <<'PY'
import os, sys
import onnx
from onnx import gen_proto
with open(os.path.join(os.path.dirname(onnx.__file__), "onnx.proto"), encoding="utf-8") as f:
    lines = f.read().splitlines()
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\n".join(gen_proto.convert_to_proto3(lines)) + "\n")
print(f"onnx {onnx.__version__}: {sys.argv[1]}", file=sys.stderr)
PY
swift package resolve
swift build -c release --package-path .build/checkouts/swift-protobuf --product protoc-gen-swift \
    --scratch-path "$work/protobuf-build"
protoc --plugin=protoc-gen-swift="$work/protobuf-build/release/protoc-gen-swift" \
    --swift_opt=Visibility=Package --swift_out="$work" -I "$work" "$work/onnx.proto3"
mv "$work/onnx.pb.swift" Sources/ConvKitONNX/Generated/onnx.pb.swift
echo "wrote Sources/ConvKitONNX/Generated/onnx.pb.swift"

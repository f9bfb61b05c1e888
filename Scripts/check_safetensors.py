#!/usr/bin/env python3
"""Checks that a safetensors file written by ConvKit loads with the Python `safetensors`
package and holds the arrays of the reference fixture, value for value and dtype for dtype.

    pip install safetensors numpy
    python3 Scripts/check_safetensors.py [FILE]

FILE defaults to Tests/ConvKitTests/Fixtures/formats/safetensors/convkit.safetensors, which
SafeTensorsTests asserts ConvKit writes byte for byte (regenerate it with
CONVKIT_REGENERATE_FIXTURES=1 swift test --filter SafeTensorsTests). Exits with status 1 on a
mismatch.
"""
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from make_data_fixtures import reference_arrays  # noqa: E402

DEFAULT = os.path.join(HERE, "..", "Tests", "ConvKitTests", "Fixtures", "formats", "safetensors", "convkit.safetensors")


def main():
    file = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    loaded = load_file(file)
    with safe_open(file, framework="numpy") as f:
        metadata = f.metadata()
    expected = reference_arrays()
    failures = []
    if sorted(loaded) != sorted(expected):
        failures.append(f"names differ: {sorted(loaded)} vs expected {sorted(expected)}")
    for name, want in expected.items():
        got = loaded.get(name)
        if got is None:
            continue
        if got.dtype != want.dtype or got.shape != want.shape or not np.array_equal(got, want):
            failures.append(f"{name}: got {got.dtype} {got.shape} {got.ravel()[:6]}, expected {want.dtype} {want.shape} {want.ravel()[:6]}")
    for failure in failures:
        print("MISMATCH", failure)
    print(f"{file}: {len(loaded)} tensors, metadata {metadata}: {'FAILED' if failures else 'OK'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

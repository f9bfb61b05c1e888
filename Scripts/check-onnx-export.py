#!/usr/bin/env python3
"""Checks `convkit export` against ONNX Runtime.

For the two presets and models with every layer kind, at their initial weights: `convkit export`
writes the ONNX file,
`onnx.checker` validates it, ONNX Runtime runs it, and the logits must match ConvKit's own to
1e-4 (max abs). ConvKit's logits come from `convkit run-onnx --exact` on the same file, which the Swift
suite (ONNXExportTests) proves equal, bit for bit, to the model's own forward pass.

    python3 Scripts/check-onnx-export.py [--convkit .build/release/convkit]

Prints "N passed, N failed"; exits non-zero on a failure. Needs `pip install onnx onnxruntime`.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

MODELS = {
    "digits": "digits",
    "mnist": "mnist",
    "every-layer": "input 12x10x2, conv 6 3x3 same, batchnorm, relu, maxpool 2, conv 8 3x3 stride 2 pad 1, leakyrelu 0.1, "
                   "avgpool 2, dropout 0.5, flatten, dense 16, relu, dense 10",
    "global-pool": "input 9x11x3, conv 4 3x3 samelower nobias, relu, conv 4 2x3 pad 1 0 2 1, relu, globalavgpool, dense 3 nobias",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--convkit", default=os.path.join(".build", "release", "convkit"))
    args = parser.parse_args()
    import onnx
    import onnxruntime

    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for name, spec in MODELS.items():
            path = os.path.join(work, f"{name}.onnx")
            subprocess.run([args.convkit, "export", "--model", spec, "--seed", "5", "--onnx", path], check=True, capture_output=True)
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
            x = np.random.default_rng(1).standard_normal([4] + dims).astype(np.float32)
            np.save(os.path.join(work, "x.npy"), x)
            subprocess.run([args.convkit, "run-onnx", path, "--exact", "--input", os.path.join(work, "x.npy"),
                            "--output", os.path.join(work, "y.npy")], check=True, capture_output=True)
            ours = np.load(os.path.join(work, "y.npy"))
            session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
            theirs = session.run(None, {"input": x})[0]
            difference = float(np.max(np.abs(ours - theirs)))
            ok = ours.shape == theirs.shape and difference <= 1e-4
            passed += ok
            failed += not ok
            print(f"{'ok' if ok else 'FAILED'} {name}: logits {ours.shape}, max abs difference to ONNX Runtime {difference:.2e}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

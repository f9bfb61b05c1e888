#!/usr/bin/env python3
"""Checks `convkit export --torch` and `convkit import-torch` against PyTorch.

For the two presets and models with every layer kind (asymmetric padding, batch norm, a dense
layer after a flatten of a multi-channel image):

1. `convkit export --model SPEC --torch DIR --onnx F` at the initial weights; PyTorch runs DIR's
   model.py with its state_dict.safetensors, and its logits must match ConvKit's (`convkit
   run-onnx --exact` on F, which the Swift suite proves equal bit for bit to the model's own forward pass)
   to 1e-4 (max abs).
2. The other way: every tensor of that state dict is redrawn at random in PyTorch (batch-norm
   statistics too), saved with safetensors, and `convkit import-torch` makes a checkpoint of it;
   exported to ONNX and run by ConvKit, it must give PyTorch's logits to 1e-4 times the largest
   logit (the redrawn weights are larger than an initialisation's, and so are the logits).

    python3 Scripts/check-torch-export.py [--convkit .build/release/convkit]

Prints "N passed, N failed"; exits non-zero on a failure. Needs `pip install torch numpy`.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

MODELS = {
    "digits": "digits",
    "mnist": "mnist",
    "every-layer": "input 12x10x2, conv 6 3x3 same, batchnorm, relu, maxpool 2, conv 8 3x3 stride 2 same, leakyrelu 0.1, "
                   "avgpool 2 stride 1, dropout 0.5, flatten, dense 16, relu, dense 10",
    "global-pool": "input 9x11x3, conv 4 3x3 samelower nobias, relu, conv 4 2x3 pad 1 0 2 1, batchnorm, relu, globalavgpool, dense 3 nobias",
}


def convkit(binary, *args):
    subprocess.run([binary, *args], check=True, capture_output=True)


def convkit_logits(binary, onnx_path, x, work):
    np.save(os.path.join(work, "x.npy"), x)
    convkit(binary, "run-onnx", onnx_path, "--exact", "--input", os.path.join(work, "x.npy"), "--output", os.path.join(work, "y.npy"))
    return np.load(os.path.join(work, "y.npy"))


def load_module(folder):
    spec = importlib.util.spec_from_file_location(f"convkit_model_{abs(hash(folder))}", os.path.join(folder, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_safetensors(tensors, path):
    """A minimal safetensors writer (float32 and int64), so that the package is not needed."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        array = tensor.detach().cpu().contiguous().numpy()
        dtype = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[array.dtype]
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(blobs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--convkit", default=os.path.join(".build", "release", "convkit"))
    args = parser.parse_args()
    import torch

    torch.manual_seed(0)
    passed = failed = 0

    def report(ok, text):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(f"{'ok' if ok else 'FAILED'} {text}")

    with tempfile.TemporaryDirectory() as work:
        for name, spec in MODELS.items():
            folder, onnx_path = os.path.join(work, name), os.path.join(work, f"{name}.onnx")
            convkit(args.convkit, "export", "--model", spec, "--seed", "5", "--torch", folder, "--onnx", onnx_path)
            module = load_module(folder)
            net = module.load().eval()
            x = np.random.default_rng(1).standard_normal((4,) + tuple(module.INPUT_SHAPE)).astype(np.float32)
            with torch.no_grad():
                theirs = net(torch.from_numpy(x)).numpy()
            ours = convkit_logits(args.convkit, onnx_path, x, work)
            difference = float(np.max(np.abs(ours - theirs)))
            report(ours.shape == theirs.shape and difference <= 1e-4,
                   f"export {name}: logits {ours.shape}, max abs difference to PyTorch {difference:.2e}")

            # The other way: PyTorch's weights (all redrawn) into a ConvKit checkpoint.
            with torch.no_grad():
                for module in net:
                    for key, tensor in module.state_dict(keep_vars=True).items():
                        if tensor.is_floating_point():
                            # Batch-norm scales and variances in [0.5, 1.5), everything else in [-0.5, 0.5).
                            positive = isinstance(module, torch.nn.BatchNorm2d) and key in ("weight", "running_var")
                            tensor.uniform_(0.5 if positive else -0.5, 1.5 if positive else 0.5)
                theirs = net(torch.from_numpy(x)).numpy()
            state_path, checkpoint = os.path.join(work, f"{name}-torch.safetensors"), os.path.join(work, f"{name}.ckpt")
            write_safetensors(net.state_dict(), state_path)
            convkit(args.convkit, "import-torch", state_path, "--model", spec, "--out", checkpoint)
            convkit(args.convkit, "export", "--checkpoint", checkpoint, "--onnx", onnx_path)
            ours = convkit_logits(args.convkit, onnx_path, x, work)
            difference = float(np.max(np.abs(ours - theirs)))
            scale = max(1.0, float(np.max(np.abs(theirs))))
            report(ours.shape == theirs.shape and difference <= 1e-4 * scale,
                   f"import {name}: logits {ours.shape} up to {scale:.3g}, max abs difference to PyTorch {difference:.2e}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

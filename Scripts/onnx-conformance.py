#!/usr/bin/env python3
"""ONNX conformance of `convkit run-onnx`, on test data from the installed `onnx` package.

Runs, each through the built convkit executable:

* every node test the package defines (`onnx.backend.test.case.node.collect_testcases`) whose
  operators are all among ConvKit's (OPERATORS below);
* the PyTorch-converted tests under `onnx/backend/test/data/pytorch-converted/` likewise;
* the whole networks under `onnx/backend/test/data/light/`, fed `arange(n) / n`, against
  their `light_*_output_0.pb`.

A case passes when every output matches to ONNX's tolerances (rtol 1e-3, atol 1e-7, or the
case's own); it is "refused" when convkit exits with a message saying what it does not support
(a clear error, never a wrong answer); anything else fails. Prints "N passed, N failed", the
refusals, and how many also match at rtol 1e-5. Exits non-zero when a case fails.

    python3 Scripts/onnx-conformance.py [--convkit .build/release/convkit] [--verbose] [--filter TEXT]

Needs `pip install onnx numpy`; commits no test data.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np

warnings.filterwarnings("ignore")

OPERATORS = {
    "Conv", "ConvTranspose", "BatchNormalization", "Relu", "LeakyRelu", "Clip", "Sigmoid", "MaxPool",
    "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LRN", "Gemm", "MatMul", "Add", "Sum", "Mul",
    "Sub", "Div", "Concat", "Split", "Slice", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze",
    "Shape", "Gather", "Constant", "ConstantOfShape", "Pad", "ReduceMean", "Softmax", "Dropout",
    "Identity", "Cast",
}


def run_case(convkit, name, model_bytes, input_names, inputs, expected, rtol, atol, work):
    """Returns ("passed" | "failed" | "refused", detail, strict) for one data set."""
    folder = tempfile.mkdtemp(dir=work)
    model_path = os.path.join(folder, "model.onnx")
    with open(model_path, "wb") as f:
        f.write(model_bytes)
    command = [convkit, "run-onnx", model_path]
    for input_name, value in zip(input_names, inputs):
        path = os.path.join(folder, f"in_{len(command)}.npy")
        np.save(path, value)
        command += ["--input", f"{input_name}={path}"]
    outputs = []
    for output_name, _ in expected:
        path = os.path.join(folder, f"out_{len(outputs)}.npy")
        outputs.append(path)
        command += ["--output", f"{output_name}={path}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return "failed", "timed out after 600 s", False
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
        if result.returncode in (1, 64) and ("not supported" in message or "unsupported" in message):
            return "refused", message, False
        return "failed", message, False
    strict = True
    for (output_name, want), path in zip(expected, outputs):
        got = np.load(path)
        if got.shape != want.shape:
            return "failed", f"{output_name}: shape {got.shape}, expected {want.shape}", False
        if want.dtype.kind in "biu":
            if not np.array_equal(got.astype(want.dtype), want):
                return "failed", f"{output_name}: integers differ", False
            continue
        if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
            worst = np.nanmax(np.abs(got.astype(np.float64) - want)) if want.size else 0
            return "failed", f"{output_name}: max difference {worst:.3g}", False
        strict = strict and np.allclose(got, want, rtol=1e-5, atol=atol, equal_nan=True)
    return "passed", "", strict


def graph_inputs(model):
    initialized = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in initialized]


def uses_only_supported(model):
    return all(node.op_type in OPERATORS and node.domain in ("", "ai.onnx") for node in model.graph.node)


def cases():
    """(group, name, model, input names, [(inputs, [(output name, array)])], rtol, atol)."""
    import onnx
    from onnx import numpy_helper
    import onnx.backend.test.case.node as node_cases

    for case in node_cases.collect_testcases(None):
        tensors_only = all(isinstance(a, np.ndarray) for inputs, outputs in case.data_sets for a in list(inputs) + list(outputs))
        if uses_only_supported(case.model) and tensors_only:
            outputs = [o.name for o in case.model.graph.output]
            data = [(inputs, list(zip(outputs, expected))) for inputs, expected in case.data_sets]
            yield "node", case.name, case.model, graph_inputs(case.model), data, case.rtol, case.atol

    root = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")
    for folder in sorted(glob.glob(os.path.join(root, "pytorch-converted", "*"))):
        model = onnx.load(os.path.join(folder, "model.onnx"))
        if not uses_only_supported(model):
            continue
        data = []
        for data_set in sorted(glob.glob(os.path.join(folder, "test_data_set_*"))):
            def read(pattern):
                arrays = []
                for path in sorted(glob.glob(os.path.join(data_set, pattern)), key=lambda p: int(p.rsplit("_", 1)[1][:-3])):
                    tensor = onnx.TensorProto()
                    with open(path, "rb") as f:
                        tensor.ParseFromString(f.read())
                    arrays.append(numpy_helper.to_array(tensor))
                return arrays
            outputs = [o.name for o in model.graph.output]
            data.append((read("input_*.pb"), list(zip(outputs, read("output_*.pb")))))
        yield "pytorch-converted", os.path.basename(folder), model, graph_inputs(model), data, 1e-3, 1e-7

    for path in sorted(glob.glob(os.path.join(root, "light", "light_*.onnx"))):
        model = onnx.load(path)
        name = os.path.basename(path)[:-5]
        names = graph_inputs(model)
        inputs = []
        for value in model.graph.input:
            if value.name in names:
                shape = [d.dim_value for d in value.type.tensor_type.shape.dim]
                n = int(np.prod(shape))
                inputs.append((np.arange(n, dtype=np.float32) / n).reshape(shape))
        tensor = onnx.TensorProto()
        with open(os.path.join(root, "light", f"{name}_output_0.pb"), "rb") as f:
            tensor.ParseFromString(f.read())
        expected = [(model.graph.output[0].name, numpy_helper.to_array(tensor))]
        yield "light", name, model, names, [(inputs, expected)], 1e-3, 1e-7


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--convkit", default=os.path.join(".build", "release", "convkit"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    if not os.access(args.convkit, os.X_OK):
        sys.exit(f"onnx-conformance: {args.convkit} is not an executable; build it with swift build -c release")
    counts = {"passed": 0, "failed": 0, "refused": 0}
    strict = 0
    groups = {}
    failures, refusals = [], []
    with tempfile.TemporaryDirectory() as work:
        for group, name, model, input_names, data, rtol, atol in cases():
            if args.filter not in name:
                continue
            outcome, detail, all_strict = "passed", "", True
            model_bytes = model.SerializeToString()
            for inputs, expected in data:
                outcome, detail, is_strict = run_case(args.convkit, name, model_bytes, input_names, inputs, expected, rtol, atol, work)
                all_strict = all_strict and is_strict
                if outcome != "passed":
                    break
            counts[outcome] += 1
            groups.setdefault(group, {"passed": 0, "failed": 0, "refused": 0})[outcome] += 1
            strict += outcome == "passed" and all_strict
            if outcome == "failed":
                failures.append(f"{group}/{name}: {detail}")
            elif outcome == "refused":
                refusals.append(f"{group}/{name}: {detail}")
            if args.verbose:
                print(f"{outcome:8} {group}/{name} {detail}")
    for group, c in groups.items():
        print(f"{group}: {c['passed']} passed, {c['failed']} failed, {c['refused']} refused")
    if refusals:
        print("refused (a clear error naming what is not supported):")
        for line in refusals:
            print("  " + line)
    if failures:
        print("failed:")
        for line in failures:
            print("  " + line)
    print(f"{counts['passed']} passed, {counts['failed']} failed ({counts['refused']} refused; "
          f"{strict} of the passed also match at rtol 1e-5)")
    sys.exit(1 if counts["failed"] else 0)


if __name__ == "__main__":
    main()

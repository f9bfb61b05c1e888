#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus, Fuzz/Corpus/<target>/: small valid files of every format
ConvKit reads (and a few that are almost valid), so that libFuzzer starts from real structure.

    python3 Fuzz/make_corpus.py          # needs numpy; the checkpoint seed needs a built convkit
"""
import gzip, io, json, os, pathlib, shutil, struct, subprocess, sys, tempfile, zipfile, zlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "Corpus"


def put(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def npy_bytes(array, fortran=False):
    buffer = io.BytesIO()
    np.save(buffer, np.asfortranarray(array) if fortran else array)
    return buffer.getvalue()


def safetensors_bytes(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array).tobytes()
        dtype = {np.float32: "F32", np.float64: "F64", np.int64: "I64", np.uint8: "U8"}[array.dtype.type]
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def idx_bytes(array, code=0x08):
    head = struct.pack(">BBBB", 0, 0, code, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    return head + array.astype(">u1" if code == 0x08 else ">f4").tobytes()


def png_bytes(width, height, colour, depth=8, rows=None, interlace=0):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    row_bytes = (width * channels * depth + 7) // 8
    raw = rows or b"".join(bytes([y % 5]) + bytes((x * 7 + y) % 256 for x in range(row_bytes)) for y in range(height))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace))
    if colour == 3:
        out += chunk(b"PLTE", bytes(range(48)))
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    rng = np.random.RandomState(0)
    # .npy: dtypes, byte orders, ranks, Fortran order, an empty array.
    put("npy", "f4.npy", npy_bytes(rng.rand(2, 3).astype("<f4")))
    put("npy", "f8-big-endian.npy", npy_bytes(rng.rand(3).astype(">f8")))
    put("npy", "u1-images.npy", npy_bytes((rng.rand(2, 4, 4, 1) * 255).astype(np.uint8)))
    put("npy", "i8-fortran.npy", npy_bytes(np.arange(6, dtype=np.int64).reshape(2, 3), fortran=True))
    put("npy", "bool.npy", npy_bytes(np.array([True, False])))
    put("npy", "empty.npy", npy_bytes(np.zeros((0, 3), np.float32)))
    # .npz: stored and deflated members.
    for name, save in (("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)):
        buffer = io.BytesIO()
        save(buffer, x=rng.rand(3, 4, 4, 1).astype(np.float32), y=np.array([1, 2, 3]))
        put("npz", name, buffer.getvalue())
    # safetensors: dtypes, metadata.
    put("safetensors", "tensors.safetensors", safetensors_bytes(
        {"w": rng.rand(2, 2).astype(np.float32), "n": np.arange(3, dtype=np.int64)}, {"note": "seed"}))
    put("safetensors", "empty.safetensors", safetensors_bytes({}))
    # IDX: MNIST-style images and labels, raw and gzipped, and float data.
    images = (rng.rand(3, 4, 4) * 255).astype(np.uint8)
    labels = np.array([0, 3, 9], np.uint8)
    put("idx", "images.idx", idx_bytes(images))
    put("idx", "labels.idx", idx_bytes(labels))
    put("idx", "images.idx.gz", gzip.compress(idx_bytes(images)))
    put("idx", "floats.idx", idx_bytes(rng.rand(2, 2, 2), code=0x0D))
    # gzip and zlib streams, including two concatenated gzip members.
    put("gzip", "text.gz", gzip.compress(b"0,1,2,3\n" * 40))
    put("gzip", "members.gz", gzip.compress(b"first ") + gzip.compress(b"second"))
    put("gzip", "stream.zlib", zlib.compress(bytes(range(256)) * 4))
    # PNG: every colour type, 16-bit, 1-bit, palette, Adam7 interlace.
    put("png", "grey.png", png_bytes(5, 4, 0))
    put("png", "rgb.png", png_bytes(3, 3, 2))
    put("png", "palette.png", png_bytes(4, 2, 3))
    put("png", "grey-alpha.png", png_bytes(2, 2, 4))
    put("png", "rgba16.png", png_bytes(2, 2, 6, depth=16))
    put("png", "bits.png", png_bytes(9, 3, 0, depth=1))
    put("png", "interlaced.png", png_bytes(8, 8, 0, rows=bytes(8 * 8 + 15), interlace=1))
    # Model specs.
    for index, text in enumerate([
        "conv 16 3x3 same, relu, maxpool 2, conv 32 3x3 same, relu, maxpool 2, flatten, dense 10",
        "input 28x28x1, conv 32 3, relu, maxpool 2, conv 64 3, relu, maxpool 2, flatten, dense 10",
        "conv 8 5x5 stride 2 pad 2, batchnorm, leakyrelu 0.1, avgpool 2, dropout 0.5, globalavgpool, dense 4",
        "flatten, dense 10",
    ]):
        put("model-spec", f"spec-{index}.txt", text)
    # Benchmark suites.
    suite = {"conv": [{"name": "c", "N": 2, "C": 3, "H": 8, "W": 8, "K": 4, "R": 3, "S": 3, "stride": 1, "pad": 1}],
             "pool": [{"name": "p", "mode": "max", "N": 1, "C": 2, "H": 4, "W": 4, "R": 2, "S": 2, "stride": 2, "pad": 0}]}
    put("bench-suite", "suite.json", json.dumps(suite))
    put("bench-suite", "empty.json", json.dumps({"conv": [], "pool": []}))
    # ONNX: small CNNs over [1, 2, 4, 4], with initializers and attributes to mutate.
    from onnx import TensorProto, helper, numpy_helper
    def onnx_model(nodes, initializers, opset):
        graph = helper.make_graph(
            nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            [numpy_helper.from_array(value, name) for name, value in initializers.items()])
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]).SerializeToString()
    weights = {"w": rng.rand(3, 2, 3, 3).astype(np.float32), "b": rng.rand(3).astype(np.float32)}
    put("onnx", "conv-relu-pool.onnx", onnx_model([
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["y"], kernel_shape=[2, 2], strides=[2, 2])], weights, 17))
    put("onnx", "shapes.onnx", onnx_model([
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Reshape", ["x", "s"], ["r"]),
        helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 3, 1]),
        helper.make_node("Flatten", ["t"], ["y"], axis=1)], {}, 13))
    put("onnx", "pad-slice-concat.onnx", onnx_model([
        helper.make_node("Pad", ["x", "p"], ["q"], mode="reflect"),
        helper.make_node("Slice", ["q", "st", "en"], ["s"]),
        helper.make_node("Concat", ["s", "s"], ["y"], axis=1)],
        {"p": np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), "st": np.array([1], np.int64), "en": np.array([3], np.int64)}, 13))
    # A checkpoint, from the convkit this repository builds (a small model: a few KB).
    convkit = next((p for p in (HERE.parent / ".build/release/convkit", HERE.parent / ".build/debug/convkit") if p.exists()), None)
    if convkit is None:
        sys.exit("build convkit first (swift build -c release) for the checkpoint seed")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([str(convkit), "train", "--model", "flatten, dense 10", "--epochs", "1", "--out", folder],
                       check=True, stdout=subprocess.DEVNULL)
        checkpoint = pathlib.Path(folder, "checkpoint.safetensors").read_bytes()
    put("checkpoint", "flatten-dense.safetensors", checkpoint)
    put("safetensors", "checkpoint.safetensors", checkpoint)
    print(f"wrote {sum(1 for _ in CORPUS.rglob('*') if _.is_file())} seeds to {CORPUS}")


if __name__ == "__main__":
    main()

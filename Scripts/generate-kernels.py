#!/usr/bin/env python3
"""Generates ConvKit's micro-kernels: every kernel family, for every instruction set, from one
template each (Sources/CConvKitKernels/templates/*.c.in) over a thin vector layer per instruction
set (Sources/CConvKitKernels/vec/ck_vec_<isa>.h), as XNNPACK does.

    python3 Scripts/generate-kernels.py          # rewrites Sources/CConvKitKernels/gen/
    python3 Scripts/generate-kernels.py --check  # exits 1 if gen/ is not what this would write

The tiles below are the one place where a tile size is stated: each kernel's name carries it,
and gen/ck_kernels.h's tables hand it to the dispatcher and to Swift.

Templates are C with ${NAME} placeholders. `$include FILE` pastes another template;
`$begin tiles` ... `$end tiles` is repeated once per tile of the family.
"""
import argparse
import pathlib
import string
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "Sources" / "CConvKitKernels"
TEMPLATES = ROOT / "templates"
GEN = ROOT / "gen"

# Lanes of a vector of each element type, and the C condition under which the ISA is compiled.
ISAS = {
    "generic": {"lanes": {"f32": 4, "f64": 2}, "guard": None},
    "avx2": {"lanes": {"f32": 8, "f64": 4}, "guard": "defined(__x86_64__)"},
    "avx512": {"lanes": {"f32": 16, "f64": 8}, "guard": "defined(__x86_64__)"},
}
ISA_CODES = {"generic": "CK_ISA_GENERIC", "avx2": "CK_ISA_AVX2", "avx512": "CK_ISA_AVX512"}
CTYPES = {"f32": "float", "f64": "double"}

# GEMM-like families: (MR rows, NV vectors of columns) per ISA and element type. The register
# budget is MR·NV accumulators + NV B vectors + 1 broadcast: ≤ 32 on AVX-512, ≤ 16 on AVX2.
GEMM_TILES = {
    "gemm_packed": {
        "generic": {"f32": (4, 2), "f64": (4, 4)},
        "avx2": {"f32": (6, 2), "f64": (6, 2)},
        "avx512": {"f32": (8, 2), "f64": (8, 2)},
    },
    "gemm_indirect": {
        "generic": {"f32": (4, 2), "f64": (4, 4)},
        "avx2": {"f32": (6, 2), "f64": (6, 2)},
        "avx512": {"f32": (8, 2), "f64": (8, 2)},
    },
    # 6 × 4 on AVX-512: 24 accumulators, one line of input a pixel for 24 FMAs (8 × 2 reached
    # 136 GFLOP/s on resnet-14's weight gradient, 6 × 4 155, 12 × 2 154 but wastes a part of
    # every tap's last tile, 7 × 4 spills). The tile is every size up to this one (templates/weight_gradient.c.in).
    "weight_gradient": {
        "generic": {"f32": (4, 2), "f64": (4, 4)},
        "avx2": {"f32": (6, 2), "f64": (6, 2)},
        "avx512": {"f32": (6, 4), "f64": (6, 4)},
    },
}
# Few-column kernels: partial sums this many lanes wide on every ISA (so all give the same bits).
FEW_COLUMNS_WIDTH = {"f32": 16, "f64": 8}
# The FMA probe: independent chains per ISA (what the GEMM tiles keep in flight).
PEAK_CHAINS = {"generic": 8, "avx2": 12, "avx512": 24}

# Few-channel (first-layer) kernels, float only. Forward: per number of vectors of output
# channels (1 ... NVMAX, the channels of one pass), the tile (MR pixels) and the smaller last
# tiles (middle, small). Budget: MR·NV accumulators + NV weights + 1 broadcast registers. AVX2
# passes over 2 vectors at a time: 3 × 4 + 4 + 1 = 17 registers spilled, and 4 × 3 + 3 + 1 = 16
# still spilled one (measured: resnet-stem forward 33 → 24–26 ms, cifar-conv5x5 5.2–6.1 → 4.1–4.4).
SMALL_FORWARD = {
    "generic": [(8, 4, 2), (4, 2, 1), (3, 2, 1), (2, 1, 1)],
    "avx2": [(12, 8, 4), (6, 4, 2)],
    "avx512": [(24, 16, 8), (12, 8, 4), (8, 4, 4), (6, 3, 3)],
}
# Forward with an NCHW result: TJ output channels × QV vectors of pixels. Measured on the
# first layers: AVX2's 4 × 3 (16 registers with the loads) spilled, the stem's forward pass
# 38 ms against 27 in 6 × 2; AVX-512's 12 × 2 left a row of 28 pixels in 2 half-empty vectors
# more often than 8 × 3 (cifar-conv5x5 2.6 against 2.4 ms).
SMALL_FORWARD_PLANES = {"generic": (4, 2), "avx2": (6, 2), "avx512": (8, 3)}
# Weight gradient: per number of vectors, (TB taps, the half tile for the last taps); the same
# register budget, with dy in place of the weights.
SMALL_WEIGHTS = {
    "generic": [(8, 4), (4, 2), (3, 1), (2, 1)],
    "avx2": [(12, 6), (6, 3)],
    "avx512": [(24, 12), (12, 6), (8, 4), (6, 3)],
}
# Input gradient: TB taps (dividing CK_SMALL_DATA_TAPS = 12) × all CK_SMALL_DATA_PIXELS = 32 pixels.
SMALL_DATA_TAPS = {"generic": 2, "avx2": 3, "avx512": 12}
SMALL_DATA_PIXELS = 32
# Pooling row kernels: vectors of channels per step (independent chains of compare and select,
# or of adds, in flight per window).
# NCHW pooling: vectors of windows per step (independent chains in flight; the template's
# switch takes 1 ... 4).
POOL_NCHW_VECTORS = 4
POOL_VECTORS = {
    "pool_max": {"generic": 4, "avx2": 4, "avx512": 4},
    "pool_avg": {"generic": 4, "avx2": 8, "avx512": 8},
    "pool_max_backward": {"generic": 4, "avx2": 4, "avx512": 4},
    "pool_max_gather": {"generic": 4, "avx2": 4, "avx512": 4},
}


# B is packed once for both GEMM kernels of an ISA: their panels must be equally wide.
for _isa in ISAS:
    for _dt in CTYPES:
        assert GEMM_TILES["gemm_packed"][_isa][_dt][1] == GEMM_TILES["gemm_indirect"][_isa][_dt][1], (_isa, _dt)


def read_template(name):
    lines = []
    for line in (TEMPLATES / name).read_text().splitlines(keepends=True):
        if line.startswith("$include "):
            lines.extend(read_template(line.split()[1]))
        else:
            lines.append(line)
    return lines


def expand(name, params, tiles=()):
    """The template with its `$begin tiles` block repeated once per entry of `tiles` (each a dict
    of extra parameters), every ${NAME} substituted."""
    out, block, in_block = [], [], False
    for line in read_template(name):
        if line.strip() == "$begin tiles":
            in_block = True
        elif line.strip() == "$end tiles":
            in_block = False
            for i, tile in enumerate(tiles):
                if i > 0:
                    out.append("\n")
                out.append(string.Template("".join(block)).substitute({**params, **tile}))
        elif in_block:
            block.append(line)
        else:
            out.append(string.Template(line).substitute(params))
    return "".join(out)


def file_text(template, isa, body):
    guard = ISAS[isa]["guard"]
    head = [
        "// Auto-generated file. Do not edit!\n",
        f"//   Template: Sources/CConvKitKernels/templates/{template}\n",
        "//   Generator: Scripts/generate-kernels.py\n",
        "#include \"../ck_kernel_support.h\"\n",
    ]
    if guard:
        head.append(f"#if {guard}\n")
    head.append(f"#include \"../vec/ck_vec_{isa}.h\"\n\n")
    return "".join(head) + body + (f"#endif  // {guard}\n" if guard else "")


def base_params(isa, dt):
    lanes = ISAS[isa]["lanes"][dt]
    return {"ISA": isa, "DT": dt, "T": CTYPES[dt], "V": f"ckv_{isa}_{dt}", "LANES": lanes}


class Output:
    def __init__(self):
        self.files = {}  # name -> text
        self.protos = []  # C declarations
        self.tables = {isa: {"f32": {}, "f64": {}} for isa in ISAS}

    def add(self, name, text):
        self.files[name] = text


SIGNATURES = {
    "gemm_packed": "void {name}(long m, long n, long kc, const {T} *a, const {T} *b, {T} *c, const long *row_offsets, int accumulate)",
    "gemm_indirect": "void {name}(long m, long n, long taps, long channels, const {T} *const *rows, const {T} *b, const {T} *bias, {T} *c, const long *row_offsets, int accumulate)",
    "weight_gradient": "void {name}(long m, long row_base, long n, long depth, long taps, long channels, const {T} *const *rows, {T} *b, const {T} *b_source, long ld_source, const {T} *b_next, long next_depth, {T} *c, const long *row_offsets, int accumulate)",
    "panel_sums": "void {name}(const {T} *packed, long rows, long n, {T} *sum)",
    "few_columns": "void {name}(long m, long n, long taps, long channels, const {T} *const *rows, const {T} *const *b, long b_column_stride, {T} *c, const long *row_offsets)",
    "peak": "float {name}(long iterations)",
    "small_forward": "void {name}(long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw, const float *bias, float *y, long ldy)",
    "small_forward_planes": "void {name}(long rows, long count, long n, long taps, const long *offsets, const float *x, long ldx, const float *w, long ldw, const float *bias, float *y, long ld_plane)",
    "small_weights": "void {name}(long segments, const long *lengths, long n, long taps, const float *const *rows, long ld_rows, const float *dy, long ldy, float *dw, long lddw)",
    "small_data": "void {name}(long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x)",
    "small_pack_band": "void {name}(const float *x, long channels, long channel_step, const long *row_map, long rows, const long *column_map, long columns, long stride, long line, float *band)",
    "small_unpack_band": "void {name}(const float *band, long channels, long rows, long columns, long top, long left, long stride, long line, long padded_rows, long padded_columns, float *dx, int planar)",
    "small_transpose": "void {name}(const float *dy, long count, long n, long ldy, long pitch, float *dyt)",
    "pool_max": "void {name}(const {T} *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, {T} *out, void *arg, int arg_bytes, const {T} **tap_pointers, int *tap_ids, int stream, long ahead)",
    "pool_avg": "void {name}(const {T} *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, {T} *out, int stream, long ahead)",
    "pool_max_backward": "void {name}({T} *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const {T} *dy, const void *arg, int arg_bytes, int assign)",
    "transpose": "void {name}(long rows, long columns, const {T} *src, long ld_src, {T} *dst, long ld_dst, int stream)",
    "winograd_weights": "void {name}(long c0, long c1, long c, long k, const {T} *w, {T} *u, long u_stride, long nr)",
    "winograd_input": "void {name}(long tiles, long c, const {T} *const *pixels, {T} *v, long ldv)",
    "winograd_output": "void {name}(long tiles, long k, const {T} *m, long ldm, {T} *const *pixels, const {T} *bias)",
    "winograd_gradient": "void {name}(long tiles, long k, const {T} *const *pixels, {T} *e, long xi_stride, long panel_stride, long nr)",
    "winograd_weight_gradient": "void {name}(long c0, long c1, long c, long k, const {T} *m, long xi_stride, {T} *dw)",
    "pool_max_nchw": "void {name}(const ck_pool_plane *g, long planes, const {T} *x, {T} *out, void *arg, int arg_bytes)",
    "pool_avg_nchw": "void {name}(const ck_pool_plane *g, long planes, const {T} *x, {T} *out)",
    "pool_avg_backward_nchw": "void {name}(const ck_pool_plane *g, long planes, const {T} *dy, int tiles, {T} *share, {T} *dx)",
    "pool_max_backward_nchw": "void {name}(const ck_pool_plane *g, long planes, const {T} *dy, const void *arg, int arg_bytes, int tiles, {T} *dx)",
    "pool_max_gather": "void {name}(const {T} *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, {T} *dx, int stream)",
}


def declare(out, isa, dt, family, name, **fields):
    guard = ISAS[isa]["guard"]
    proto = SIGNATURES[family].format(name=name, T=CTYPES[dt]) + ";\n"
    out.protos.append((guard, proto))
    out.tables[isa][dt][family] = {"fn": name, **fields}


def generate():
    out = Output()
    for isa in ISAS:
        for dt in ("f32", "f64"):
            p = base_params(isa, dt)
            for family, tiles in GEMM_TILES.items():
                mr, nv = tiles[isa][dt]
                nr = nv * p["LANES"]
                params = {**p, "MR": mr, "NV": nv, "NR": nr}
                tiles = ()
                if family == "weight_gradient":
                    # The bias gradient's sums of the same panels: 8 chains of adds in flight.
                    params["PANELS"] = max(1, 8 // nv)
                    # Every tile up to MR × NV, for the last rows of a tap and the last panel.
                    tiles = [{"TMR": i, "TNV": v} for i in range(1, mr + 1) for v in range(1, nv + 1)]
                    params["TILE_TABLE"] = ",\n".join(
                        "    {" + ", ".join(f"ck_tile_{i}x{v}" for v in range(1, nv + 1)) + "}" for i in range(1, mr + 1))
                name = f"ck_{dt}_{family}_{mr}x{nr}__{isa}"
                fname = f"{dt}-{family.replace('_', '-')}-{mr}x{nr}-{isa}.c"
                out.add(fname, file_text(f"{family}.c.in", isa, expand(f"{family}.c.in", params, tiles)))
                declare(out, isa, dt, family, name, mr=mr, nr=nr)
                if family == "weight_gradient":
                    declare(out, isa, dt, "panel_sums", f"ck_{dt}_panel_sums_{nr}__{isa}")
            for family, vectors in POOL_VECTORS.items():
                nv = vectors[isa]
                step = nv * p["LANES"]
                params = {**p, "NV": nv, "STEP": step, "FENCE": f"ckv_{isa}_fence"}
                name = f"ck_{dt}_{family}_c{step}__{isa}"
                fname = f"{dt}-{family.replace('_', '-')}-c{step}-{isa}.c"
                out.add(fname, file_text(f"{family}.c.in", isa, expand(f"{family}.c.in", params)))
                declare(out, isa, dt, family, name)
            # NCHW planes: the four passes in one file.
            params = {**p, "NV": POOL_NCHW_VECTORS, "FENCE": f"ckv_{isa}_fence"}
            out.add(f"{dt}-pool-nchw-{isa}.c", file_text("pool_nchw.c.in", isa, expand("pool_nchw.c.in", params)))
            for family in POOL_NCHW_FAMILIES:
                declare(out, isa, dt, family, f"ck_{dt}_{family}__{isa}")
            lanes = p["LANES"]
            name = f"ck_{dt}_transpose_{lanes}x{lanes}__{isa}"
            out.add(f"{dt}-transpose-{lanes}x{lanes}-{isa}.c", file_text(
                "transpose.c.in", isa, expand("transpose.c.in", {**p, "FENCE": f"ckv_{isa}_fence"})))
            declare(out, isa, dt, "transpose", name)
            # Winograd F(2 × 2, 3 × 3): the three transforms in one file.
            out.add(f"{dt}-winograd-f2x3-{isa}.c", file_text("winograd.c.in", isa, expand("winograd.c.in", p)))
            for family in WINOGRAD_FAMILIES:
                declare(out, isa, dt, family, f"ck_{dt}_{family.replace('winograd_', 'winograd_f2x3_')}__{isa}")
            kb = FEW_COLUMNS_WIDTH[dt]
            params = {**p, "KB": kb, "NV": kb // p["LANES"]}
            name = f"ck_{dt}_few_columns_2x{kb}__{isa}"
            out.add(f"{dt}-few-columns-2x{kb}-{isa}.c", file_text("few_columns.c.in", isa, expand("few_columns.c.in", params)))
            declare(out, isa, dt, "few_columns", name)

        p = base_params(isa, "f32")
        lanes = p["LANES"]
        chains = PEAK_CHAINS[isa]
        name = f"ck_f32_peak_{chains}x{lanes}__{isa}"
        out.add(f"f32-peak-{chains}x{lanes}-{isa}.c", file_text("peak.c.in", isa, expand("peak.c.in", {**p, "CHAINS": chains})))
        declare(out, isa, "f32", "peak", name, flops=2 * lanes * chains)

        # Forward: every tile size a table entry names, once each.
        forward = SMALL_FORWARD[isa]
        kernels = sorted({(mr, nv + 1) for nv, row in enumerate(forward) for mr in row}, key=lambda t: (t[1], -t[0]))
        tiles = [{"MR": mr, "NV": nv, "NR": nv * lanes} for mr, nv in kernels]
        fn = lambda mr, nv: f"ck_f32_small_forward_{mr}x{nv * lanes}__{isa}"
        table = ",\n".join(
            f"    {{{mr}, {mid}, {small}, {fn(mr, nv + 1)}, {fn(mid, nv + 1)}, {fn(small, nv + 1)}}}"
            for nv, (mr, mid, small) in enumerate(forward))
        params = {**p, "NVMAX": len(forward), "FORWARD_TABLE": table}
        out.add(f"f32-small-forward-{isa}.c", file_text("small_forward.c.in", isa, expand("small_forward.c.in", params, tiles)))
        declare(out, isa, "f32", "small_forward", f"ck_f32_small_forward__{isa}")

        tj, qv = SMALL_FORWARD_PLANES[isa]
        params = {**p, "TJ": tj, "QV": qv}
        name = f"ck_f32_small_forward_planes_{tj}x{qv}__{isa}"
        out.add(f"f32-small-forward-planes-{tj}x{qv}-{isa}.c",
                file_text("small_forward_planes.c.in", isa, expand("small_forward_planes.c.in", params)))
        declare(out, isa, "f32", "small_forward_planes", name)

        weights = SMALL_WEIGHTS[isa]
        kernels = sorted({(tb, nv + 1) for nv, row in enumerate(weights) for tb in row}, key=lambda t: (t[1], -t[0]))
        tiles = [{"TB": tb, "NV": nv, "NR": nv * lanes} for tb, nv in kernels]
        fn = lambda tb, nv: f"ck_f32_small_weights_{tb}x{nv * lanes}__{isa}"
        table = ",\n".join(
            f"    {{{tb}, {half}, {fn(tb, nv + 1)}, {fn(half, nv + 1)}}}" for nv, (tb, half) in enumerate(weights))
        params = {**p, "NVMAX": len(weights), "WEIGHTS_TABLE": table}
        out.add(f"f32-small-weights-{isa}.c", file_text("small_weights.c.in", isa, expand("small_weights.c.in", params, tiles)))
        declare(out, isa, "f32", "small_weights", f"ck_f32_small_weights__{isa}")

        tb = SMALL_DATA_TAPS[isa]
        params = {**p, "TB": tb, "QV": SMALL_DATA_PIXELS // lanes, "PIXELS": SMALL_DATA_PIXELS}
        name = f"ck_f32_small_data_{tb}x{SMALL_DATA_PIXELS}__{isa}"
        out.add(f"f32-small-data-{tb}x{SMALL_DATA_PIXELS}-{isa}.c", file_text("small_data.c.in", isa, expand("small_data.c.in", params)))
        declare(out, isa, "f32", "small_data", name)

        out.add(f"f32-small-copy-{isa}.c", file_text("small_copy.c.in", isa, expand("small_copy.c.in", p)))
        for family in ("small_pack_band", "small_unpack_band", "small_transpose"):
            declare(out, isa, "f32", family, f"ck_f32_{family}__{isa}")

    out.add("ck_kernels.h", kernels_header(out))
    out.add("kernel_table.c", kernel_table(out))
    return out.files


POOL_FAMILIES = ["pool_max", "pool_avg", "pool_max_backward", "pool_max_gather"]
POOL_NCHW_FAMILIES = ["pool_max_nchw", "pool_avg_nchw", "pool_avg_backward_nchw", "pool_max_backward_nchw"]
WINOGRAD_FAMILIES = ["winograd_weights", "winograd_input", "winograd_output", "winograd_gradient", "winograd_weight_gradient"]
STRUCT_FIELDS = {
    "f32": ["gemm_packed", "gemm_indirect", "weight_gradient", "panel_sums", "few_columns", "peak", "small_forward", "small_forward_planes",
            "small_weights", "small_data", "small_pack_band", "small_unpack_band", "small_transpose"]
    + POOL_FAMILIES + POOL_NCHW_FAMILIES + ["transpose"] + WINOGRAD_FAMILIES,
    "f64": ["gemm_packed", "gemm_indirect", "weight_gradient", "panel_sums", "few_columns"] + POOL_FAMILIES + POOL_NCHW_FAMILIES
    + ["transpose"] + WINOGRAD_FAMILIES,
}
TILED = ("gemm_packed", "gemm_indirect", "weight_gradient")


def kernels_header(out):
    lines = [
        "// Auto-generated file. Do not edit!\n",
        "//   Generator: Scripts/generate-kernels.py\n",
        "// Every generated kernel, and the table of the kernels and tiles of each instruction set.\n",
        "#ifndef CK_KERNELS_H\n#define CK_KERNELS_H\n\n",
    ]
    for guard, proto in out.protos:
        lines.append(f"#if {guard}\n{proto}#endif\n" if guard else proto)
    for dt in ("f32", "f64"):
        lines.append(f"\n/// The {CTYPES[dt]} kernels of one instruction set.\ntypedef struct {{\n")
        for family in STRUCT_FIELDS[dt]:
            if family in TILED:
                lines.append(f"    long {family}_mr, {family}_nr;\n")
            if family == "peak":
                lines.append("    long peak_flops_per_round;\n")
            lines.append("    " + SIGNATURES[family].format(name=f"(*{family})", T=CTYPES[dt]) + ";\n")
        lines.append(f"}} ck_{dt}_kernels;\n")
        lines.append(f"/// Indexed by ck_isa; on other CPUs than x86-64 every entry holds the portable kernels.\n")
        lines.append(f"extern const ck_{dt}_kernels ck_{dt}_kernel_table[3];\n")
    lines.append("\n#endif\n")
    return "".join(lines)


def kernel_table(out):
    lines = [
        "// Auto-generated file. Do not edit!\n",
        "//   Generator: Scripts/generate-kernels.py\n",
        "#include \"../ck_kernel_support.h\"\n\n",
    ]

    def entry(isa, dt):
        fields = []
        for family in STRUCT_FIELDS[dt]:
            k = out.tables[isa][dt][family]
            if family in TILED:
                fields.append(f".{family}_mr = {k['mr']}, .{family}_nr = {k['nr']}")
            if family == "peak":
                fields.append(f".peak_flops_per_round = {k['flops']}")
            fields.append(f".{family} = {k['fn']}")
        return "        " + ",\n        ".join(fields) + ",\n"

    for dt in ("f32", "f64"):
        lines.append(f"const ck_{dt}_kernels ck_{dt}_kernel_table[3] = {{\n")
        for isa in ISAS:
            lines.append(f"    [{ISA_CODES[isa]}] = {{\n")
            guard = ISAS[isa]["guard"]
            if guard:
                lines.append(f"#if {guard}\n{entry(isa, dt)}#else\n{entry('generic', dt)}#endif\n")
            else:
                lines.append(entry(isa, dt))
            lines.append("    },\n")
        lines.append("};\n\n")
    return "".join(lines).rstrip("\n") + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if gen/ differs from what would be written")
    args = parser.parse_args()
    files = generate()
    existing = {p.name for p in GEN.glob("*")} if GEN.exists() else set()
    stale = sorted(existing - set(files))
    changed = sorted(n for n, text in files.items() if not (GEN / n).exists() or (GEN / n).read_text() != text)
    if args.check:
        if stale or changed:
            print(f"gen/ is out of date: changed {changed}, stale {stale}; run Scripts/generate-kernels.py", file=sys.stderr)
            sys.exit(1)
        print(f"gen/ is up to date ({len(files)} files)")
        return
    GEN.mkdir(exist_ok=True)
    for name in stale:
        (GEN / name).unlink()
    for name in changed:
        (GEN / name).write_text(files[name])
    print(f"wrote {len(changed)} of {len(files)} files, removed {len(stale)}")


if __name__ == "__main__":
    main()

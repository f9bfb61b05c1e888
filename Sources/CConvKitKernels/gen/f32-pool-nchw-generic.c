// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/pool_nchw.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#include "../vec/ck_vec_generic.h"

// Pooling of NCHW planes (ck_pool.h, ck_pool_max_nchw_f32 and the rest), one plane per call.
// Along an output row, the windows whose taps all lie inside the input (the interior) go
// 4 vectors of 4 at a time: tap by tap in scan order, each tap a vector of the input
// row read `sw` elements apart, the running maxima or sums kept in registers; windows 2 or 3 wide
// at stride 2 (the common ones) a vector at a time with their taps unrolled. The few windows at
// the ends go one by one (except the one that a column of left padding cuts short from windows 3
// wide: it joins the vectors). Either way a window sees its taps in the NHWC kernels' order (a
// tap taken twice at most), so both layouts give the same bits. A run takes its stride as a constant where it is 1 or 2, so that
// its loads are whole vectors. Planes that stream from memory prefetch the input rows of the
// output row CK_NCHW_AHEAD on. (Streaming the results around the caches, as the NHWC kernels do,
// made rows of 56 windows 3–6× slower: they end inside cache lines; pool_nchw_stage.c.in stages
// the tiled planes' rows for that.)
#include <stdint.h>
#include <string.h>

// The windows' column shape: stride, width and dilation. The kernels take it as constants for
// the common shapes (stride 2, windows 2 or 3 wide, undilated), so that the tap loops unroll and
// every load is a whole vector or two.
typedef struct {
    long sw, s, dw;
} ck_nchw_shape;

// The interior of every output row: the windows [*a, *b) whose column taps all lie inside.
CKV_INLINE void ck_nchw_interior(const ck_pool_plane *g, long *a, long *b) {
    long lo = 0, hi = g->q;
    for (long t = 0; t < g->s; t++) {
        lo = g->tap_cols[2 * t] > lo ? g->tap_cols[2 * t] : lo;
        hi = g->tap_cols[2 * t + 1] < hi ? g->tap_cols[2 * t + 1] : hi;
    }
    *a = lo;
    *b = hi > lo ? hi : lo;
}

// The window's divisor: the override, or the taps its row entry r and its `columns` count.
CKV_INLINE long ck_nchw_divisor(const ck_pool_plane *g, const long *r, long columns) {
    return g->divisor_override > 0 ? g->divisor_override : r[3] * columns;
}

// An average's divisor d as a vector: its reciprocal where d is a power of two (`exact`:
// multiplying by it gives the bits dividing does, as in the NHWC kernels), else d itself. Rows
// reuse the last row's where d is the same (a division and a broadcast a row, otherwise).
typedef struct {
    long d;
    int exact;
    ckv_generic_f32 v;
} ck_nchw_scale;

CKV_INLINE void ck_nchw_scale_for(ck_nchw_scale *scale, long d) {
    if (d == scale->d) return;
    scale->d = d;
    scale->exact = (d & (d - 1)) == 0;
    scale->v = ckv_generic_f32_set1(scale->exact ? (float)1 / (float)d : (float)d);
}

// Output rows are prefetched this many rows ahead, into L2 (prefetcht1): a plane's rows are one
// sequential stream, which the hardware prefetchers leave at every 4 KiB page. The next row's
// alone, into L1, came too late: maxpool2-112's NCHW forward pass, AMD EPYC (Zen 4), AVX-512, one
// thread, C harness, three interleaved runs: 3.6 → 3.3 ms with argmax, 4.1 → 3.7 without.
enum { CK_NCHW_AHEAD = 8 };

// The row entry of output row i + CK_NCHW_AHEAD of a streaming plane, with *plane the elements
// from this plane to that row's (h · w where it is the next plane's, past the last row, and the
// input goes on), or NULL where there is no such row to prefetch.
CKV_INLINE const long *ck_nchw_ahead_row(const ck_pool_plane *g, const float *x, long i, long *plane) {
    if (!g->stream) return NULL;
    long ahead = i + CK_NCHW_AHEAD;
    *plane = 0;
    if (ahead >= g->p) {
        if ((const float *)g->end - x < 2 * g->h * g->w) return NULL;
        *plane = g->h * g->w;
        ahead -= g->p;
        if (ahead >= g->p) return NULL;
    }
    return g->rows + 4 * ahead;
}

// Before output row i of a streaming plane: the input rows of row i + CK_NCHW_AHEAD into the
// caches.
CKV_INLINE void ck_nchw_prefetch(const ck_pool_plane *g, const float *x, long i) {
    long plane;
    const long *r = ck_nchw_ahead_row(g, x, i, &plane);
    if (!r) return;
    for (long k = r[1]; k < r[2]; k++) {
        const float *row = x + plane + (r[0] + k * g->dh) * g->w;
        for (long e = 0; e < g->w; e += 64 / (long)sizeof(float)) __builtin_prefetch(row + e, 0, 2);
    }
}

// For the vector rows of a streaming plane: how far (in elements) the input rows of output row
// i + CK_NCHW_AHEAD lie past those of row i, or 0 where there is no such row to prefetch. Each
// vector prefetches its own columns of those rows, rather than all of them at the row's start: the
// prefetches had waited for free miss buffers (maxpool3s2-112, AMD EPYC (Zen 4), AVX-512, one
// thread, C harness, four interleaved runs: 4.5–5.1 → 3.4–4.2 ms with argmax).
CKV_INLINE long ck_nchw_ahead(const ck_pool_plane *g, const float *x, long i) {
    long plane;
    const long *s = ck_nchw_ahead_row(g, x, i, &plane), *r = g->rows + 4 * i;
    return s ? plane + (s[0] + s[1] * g->dh - r[0] - r[1] * g->dh) * g->w : 0;
}

// The argmax tap of window q, from bytes (arg_bytes 1) or int32 (4).
CKV_INLINE long ck_nchw_arg(const void *arg, int arg_bytes, long q) {
    return arg_bytes == 1 ? (long)((const uint8_t *)arg)[q] : (long)((const int32_t *)arg)[q];
}

// Stores the argmax tap of window q as ck_nchw_arg reads it.
CKV_INLINE void ck_nchw_set_arg(void *arg, int arg_bytes, long q, long id) {
    if (arg_bytes == 1) ((uint8_t *)arg)[q] = (uint8_t)id;
    else ((int32_t *)arg)[q] = (int32_t)id;
}

// Whether the taps of windows j ..< j + n of the row with row entry r may be loaded as whole
// vectors: the input goes on past the last tap's last vector (the lanes past the row's windows
// only feed lanes that are not stored).
CKV_INLINE int ck_nchw_whole(const ck_pool_plane *g, const long *r, const float *x, long j, long n, ck_nchw_shape c) {
    long last_vector = (n - 1) / 4 * 4;
    const float *last = x + (r[0] + (r[2] - 1) * g->dh) * g->w + g->cols[4 * j] + (c.s - 1) * c.dw;
    last += last_vector * c.sw;
    return (long)((const float *)g->end - last) / c.sw > 4;
}

// Whether windows [a, b) of every row of the plane may be loaded as whole vectors: they may on
// every row if they may on the last, whose taps reach furthest into the input.
CKV_INLINE int ck_nchw_rows_whole(const ck_pool_plane *g, const float *x, long a, long b, ck_nchw_shape c) {
    return g->p > 0 && b > a && ck_nchw_whole(g, g->rows + 4 * (g->p - 1), x, a, b - a, c);
}

// Taps of vector v of n windows: 4 + 1 (whole vectors), or the windows left.
CKV_INLINE long ck_nchw_count(int whole, long n, int v) { return whole ? 4 + 1 : n - v * 4; }

// Whether each window row's taps are one pair of neighbours, read as two whole loads for both.
CKV_INLINE int ck_nchw_is_pair(ck_nchw_shape c) { return c.sw == 2 && c.s == 2 && c.dw == 1; }

// Tap `tap` (number `id`) into a running maximum `best` and its ids: taken where tap > best, or
// tap is NaN while best is not (the first NaN, else the first maximum, wins). `ordered` (a
// constant at each call) is for taps without NaNs: an ordered compare and a maximum (one
// instruction each) do the same there, and the tap is added to `sum`, whose NaN (a NaN tap, or
// ∞ − ∞) tells that the window must be scanned again unordered. Both give the same bits wherever
// the sum stays a number.
CKV_INLINE void ck_max_take(ckv_generic_f32 *best, ckv_generic_f32_idx *ids, ckv_generic_f32 *sum, ckv_generic_f32 tap, ckv_generic_f32_idx id, const int ordered) {
    if (ordered) {
        *ids = ckv_generic_f32_idx_select(ckv_generic_f32_greater(tap, *best), *ids, id);
        *best = ckv_generic_f32_max(tap, *best);
        *sum = ckv_generic_f32_add(*sum, tap);
    } else {
        ckv_generic_f32_mask take = ckv_generic_f32_max_take(tap, *best);
        *best = ckv_generic_f32_select(take, *best, tap);
        *ids = ckv_generic_f32_idx_select(take, *ids, id);
    }
}
// Where the forward passes' output rows go: straight into `out` (and `arg`), or, in calls that
// stream from memory, through a stage per output. NCHW output rows end inside cache lines (56
// windows of 4 bytes), so storing a row's vectors around the caches left lines half written by
// two streams (3–6× slower), and ordinary stores read every line before writing it. A stage holds
// a row (in L1) beside the part line the last one left; its whole 64-byte lines are then stored
// around the caches, and the rest waits for the next row. The tiled planes (2 × 2 at stride 2)
// stage: maxpool2-112's NCHW forward pass, AMD EPYC (Zen 4), AVX-512, one thread, C harness, four
// interleaved runs: 3.45 → 2.36 ms. The generic rows store straight: staging them gained nothing
// (maxpool3s2-112, three runs: 5.07 → 5.07–5.29 ms; their windows' compares bound them).
enum { CK_NCHW_STAGE_BYTES = 4096 };

typedef struct {
    char *dst;    // where the first staged byte goes
    long staged;  // bytes staged, not yet stored
    _Alignas(64) char bytes[CK_NCHW_STAGE_BYTES];
} ck_nchw_stage;

typedef struct {
    float *out;
    char *arg;
    int arg_bytes;
    ck_nchw_stage *values, *args;  // NULL: rows go straight to out and arg
} ck_nchw_sink;

// Stores the staged bytes up to dst's first line boundary as they are, then the whole lines after
// it around the caches, and with `last` the rest as it is; what is left moves to the stage's start.
CKV_INLINE void ck_nchw_stage_flush(ck_nchw_stage *s, int last) {
    long head = (long)(-(uintptr_t)s->dst & 63);
    if (head > s->staged) head = s->staged;
    long end = head + (s->staged - head) / 64 * 64;
    memcpy(s->dst, s->bytes, (size_t)head);
    for (long b = head; b < end; b += (long)sizeof(ckv_generic_f32))
        ckv_generic_f32_store_stream((float *)(s->dst + b), ckv_generic_f32_load((const float *)(s->bytes + b)));
    if (last) {
        memcpy(s->dst + end, s->bytes + end, (size_t)(s->staged - end));
        end = s->staged;
    }
    memmove(s->bytes, s->bytes + end, (size_t)(s->staged - end));
    s->dst += end;
    s->staged -= end;
}

// A sink whose rows go straight to out and arg.
CKV_INLINE ck_nchw_sink ck_nchw_sink_direct(float *out, void *arg, int arg_bytes) {
    ck_nchw_sink sink = {out, (char *)arg, arg_bytes, NULL, NULL};
    return sink;
}

// The sink of a call's tiled planes: staged where the call streams and a row (with a part line)
// fits a stage; otherwise straight, as the generic rows' sinks are.
CKV_INLINE ck_nchw_sink ck_nchw_sink_for(const ck_pool_plane *g, float *out, void *arg, int arg_bytes,
                                         ck_nchw_stage *values, ck_nchw_stage *args) {
    ck_nchw_sink sink = ck_nchw_sink_direct(out, arg, arg_bytes);
    long widest = g->q * (long)(sizeof(float) > (size_t)arg_bytes ? sizeof(float) : (size_t)arg_bytes);
    if (!g->stream || widest > CK_NCHW_STAGE_BYTES - 64) return sink;
    sink.values = values;
    values->dst = (char *)out;
    values->staged = 0;
    if (arg_bytes) {
        sink.args = args;
        args->dst = (char *)arg;
        args->staged = 0;
    }
    return sink;
}

// Where the row that starts at output element o goes (rows come in order).
CKV_INLINE float *ck_nchw_row_out(const ck_nchw_sink *s, long o) {
    return s->values ? (float *)(s->values->bytes + s->values->staged) : s->out + o;
}
CKV_INLINE char *ck_nchw_row_arg(const ck_nchw_sink *s, long o) {
    if (!s->arg_bytes) return NULL;
    return s->args ? s->args->bytes + s->args->staged : s->arg + o * s->arg_bytes;
}

// After a row of q outputs.
CKV_INLINE void ck_nchw_row_done(ck_nchw_sink *s, long q) {
    if (!s->values) return;
    s->values->staged += q * (long)sizeof(float);
    ck_nchw_stage_flush(s->values, 0);
    if (s->args) {
        s->args->staged += q * s->arg_bytes;
        ck_nchw_stage_flush(s->args, 0);
    }
}

// After the call's last row.
CKV_INLINE void ck_nchw_sink_finish(ck_nchw_sink *s) {
    if (!s->values) return;
    ck_nchw_stage_flush(s->values, 1);
    if (s->args) ck_nchw_stage_flush(s->args, 1);
    ckv_generic_fence();
}
// Planes tiled by 2 × 2 windows at stride 2 (pooling's commonest shape): every window's four
// taps inside the input, the window rows evenly spaced. pool_nchw.c.in's entry points give such
// planes to the loops below, which keep every size in a register and read no table per row:
// the generic rows' work per plane and per row (interior, divisor, whole-load checks, row
// tables, sizes reread after each store) took more than half the time of a 28 × 28 plane's
// average pooling. The taps are taken in the generic rows' order, so the bits are theirs.

// The tiled planes of one call: `planes` planes `plane` elements apart, the first window's first
// tap `first` elements into a plane, window rows `dh · w` apart, output rows `step` elements
// apart in the input.
typedef struct {
    long planes, plane, first, w, dh, p, q, step;
} ck_nchw_tiled;

// Whether the call's windows tile its planes in pairs: 2 × 2 at stride 2, every tap inside (so
// every average's divisor is rows[3] · 2 = 4 without an override), window rows evenly
// spaced.
CKV_INLINE int ck_nchw_tiled_shape(const ck_pool_plane *g) {
    if (!(g->s == 2 && g->sw == 2 && g->dw == 1 && g->p > 0)) return 0;
    long a, b;
    ck_nchw_interior(g, &a, &b);
    if (a != 0 || b != g->q) return 0;
    long step = g->p > 1 ? g->rows[4] - g->rows[0] : 0;
    for (long i = 0; i < g->p; i++) {
        const long *r = g->rows + 4 * i;
        if (r[1] != 0 || r[2] != 2 || r[3] != 2 || r[0] != g->rows[0] + i * step) return 0;
    }
    return 1;
}

// The first `planes` planes of a call as tiled planes: none unless ck_nchw_tiled_shape.
CKV_INLINE ck_nchw_tiled ck_nchw_tiled_planes(const ck_pool_plane *g, long planes) {
    ck_nchw_tiled tiled = {0};
    if (!ck_nchw_tiled_shape(g)) return tiled;
    tiled.planes = planes;
    tiled.plane = g->h * g->w;
    tiled.first = g->rows[0] * g->w + g->cols[0];
    tiled.w = g->w;
    tiled.dh = g->dh;
    tiled.p = g->p;
    tiled.q = g->q;
    tiled.step = g->p > 1 ? (g->rows[4] - g->rows[0]) * g->w : 0;
    return tiled;
}

// The forward passes' tiled planes of a call of `planes` planes at x: without the last planes,
// where a row's last vector would read past the input (those go the generic way).
CKV_INLINE ck_nchw_tiled ck_nchw_tiled_inputs(const ck_pool_plane *g, long planes, const float *x) {
    const ck_nchw_shape c = {2, 2, 1};
    long whole = planes;
    while (whole > 0 && !ck_nchw_rows_whole(g, x + (whole - 1) * g->h * g->w, 0, g->q, c)) whole--;
    return ck_nchw_tiled_planes(g, whole);
}

// How far (in elements) the first taps of output row i + CK_NCHW_AHEAD (counting on into the next
// planes) lie past those of row i of plane n, or 0 where there is no such row. Each vector of a
// streaming plane prefetches its own columns of those rows, as the rows of ck_nchw_ahead do
// (against all of them at each row's start, maxpool2-112 with argmax, AMD EPYC (Zen 4), one
// thread, C harness, four interleaved runs: AVX-512 2.5–3.5 → 2.1–3.1 ms, AVX2 2.4–4.2 →
// 2.3–3.4).
CKV_INLINE long ck_nchw_tiled_ahead(ck_nchw_tiled f, long n, long i) {
    long ahead = n * f.p + i + CK_NCHW_AHEAD;
    if (ahead >= f.planes * f.p) return 0;
    return (ahead / f.p - n) * f.plane + (ahead % f.p - i) * f.step;
}

// The columns of windows j ..< j + 4, `ahead` elements on, into the caches.
CKV_INLINE void ck_nchw_tiled_prefetch_vector(ck_nchw_tiled f, const float *x, long n, long i, long j, long ahead) {
    const float *top = x + f.first + n * f.plane + i * f.step + 2 * j + ahead;
    for (long e = 0; e < 2 * 4; e += 64 / (long)sizeof(float)) {
        __builtin_prefetch(top + e, 0, 2);
        __builtin_prefetch(top + f.dh * f.w + e, 0, 2);
    }
}

// The four taps of windows j ..< j + 4 of output row i of plane n, in scan order, as
// whole loads (ck_nchw_tiled_inputs has checked that they stay inside the input).
CKV_INLINE void ck_nchw_tiled_load(ck_nchw_tiled f, const float *x, long n, long i, long j, ckv_generic_f32 taps[4]) {
    const float *top = x + f.first + n * f.plane + i * f.step + 2 * j;
    ckv_generic_f32_load_pairs_tail(top, ck_nchw_count(1, 0, 0), &taps[0], &taps[1]);
    ckv_generic_f32_load_pairs_tail(top + f.dh * f.w, ck_nchw_count(1, 0, 0), &taps[2], &taps[3]);
}

// Max pooling of the tiled planes into the sink's outputs and, with `arg_bytes` 1 or 4, their
// argmax taps (0 to 3: the window's rows and columns in scan order); `arg_bytes` (the sink's)
// and `stream` constants at each call.
CKV_INLINE void ck_nchw_max_tiled(ck_nchw_tiled f, const float *x, const int stream, ck_nchw_sink *sink, const int arg_bytes) {
    for (long n = 0; n < f.planes; n++) {
        for (long i = 0; i < f.p; i++) {
            long ahead = stream ? ck_nchw_tiled_ahead(f, n, i) : 0;
            float *out = ck_nchw_row_out(sink, (n * f.p + i) * f.q);
            char *arg = ck_nchw_row_arg(sink, (n * f.p + i) * f.q);
            for (long j = 0; j < f.q; j += 4) {
                if (ahead) ck_nchw_tiled_prefetch_vector(f, x, n, i, j, ahead);
                ckv_generic_f32 taps[4], best, unused;
                ckv_generic_f32_idx ids = ckv_generic_f32_idx_set1(0);
                ck_nchw_tiled_load(f, x, n, i, j, taps);
                best = taps[0];
                CK_UNROLL for (int t = 1; t < 4; t++) ck_max_take(&best, &ids, &unused, taps[t], ckv_generic_f32_idx_set1(t), 0);
                ckv_generic_f32_store_tail(out + j, best, f.q - j);
                if (arg_bytes) ckv_generic_f32_idx_store(arg + j * arg_bytes, arg_bytes, ids, f.q - j);
            }
            ck_nchw_row_done(sink, f.q);
        }
    }
}

// Average pooling of the tiled planes into the sink's outputs: the taps summed from 0 in scan
// order, times the divisor's reciprocal where that is exact, else over the divisor (`exact` and
// `stream` constants at each call).
CKV_INLINE void ck_nchw_avg_tiled(ck_nchw_tiled f, const float *x, const int stream, ckv_generic_f32 divisor, const int exact, ck_nchw_sink *sink) {
    for (long n = 0; n < f.planes; n++) {
        for (long i = 0; i < f.p; i++) {
            long ahead = stream ? ck_nchw_tiled_ahead(f, n, i) : 0;
            float *out = ck_nchw_row_out(sink, (n * f.p + i) * f.q);
            for (long j = 0; j < f.q; j += 4) {
                if (ahead) ck_nchw_tiled_prefetch_vector(f, x, n, i, j, ahead);
                ckv_generic_f32 taps[4], sum = ckv_generic_f32_zero();
                ck_nchw_tiled_load(f, x, n, i, j, taps);
                CK_UNROLL for (int t = 0; t < 4; t++) sum = ckv_generic_f32_add(sum, taps[t]);
                ckv_generic_f32_store_tail(out + j, exact ? ckv_generic_f32_mul(sum, divisor) : ckv_generic_f32_div(sum, divisor), f.q - j);
            }
            ck_nchw_row_done(sink, f.q);
        }
    }
}

// The forward entry points' dispatch: `stream`, `exact` and the argmax width as constants
// (the gradients' are in pool_nchw_backward.c.in).
CKV_INLINE void ck_nchw_max_tiled_run(ck_nchw_tiled f, const float *x, int stream, ck_nchw_sink *sink) {
    int arg_bytes = sink->arg_bytes;
    if (stream && arg_bytes == 1) ck_nchw_max_tiled(f, x, 1, sink, 1);
    else if (arg_bytes == 1) ck_nchw_max_tiled(f, x, 0, sink, 1);
    else if (arg_bytes == 0) ck_nchw_max_tiled(f, x, stream, sink, 0);
    else ck_nchw_max_tiled(f, x, stream, sink, arg_bytes);
}

CKV_INLINE void ck_nchw_avg_tiled_run(const ck_pool_plane *g, ck_nchw_tiled f, const float *x, ck_nchw_sink *sink) {
    ck_nchw_scale scale = {0};
    ck_nchw_scale_for(&scale, ck_nchw_divisor(g, g->rows, 2));
    if (scale.exact && !g->stream) ck_nchw_avg_tiled(f, x, 0, scale.v, 1, sink);
    else if (scale.exact) ck_nchw_avg_tiled(f, x, 1, scale.v, 1, sink);
    else ck_nchw_avg_tiled(f, x, g->stream, scale.v, 0, sink);
}

// One scan of windows j ..< j + n (n ≤ nv · 4, nv a constant at each call: that many
// independent chains of compare and select, whose latency would otherwise bound the loop) of the
// row with row entry r into best and ids; an `ordered` scan returns 0 where a tap was NaN.
CKV_INLINE int ck_nchw_max_scan(const ck_pool_plane *g, const long *r, const float *x, long j, ck_nchw_shape c,
                                const int nv, int whole, long n, const int ordered, ckv_generic_f32 *best, ckv_generic_f32_idx *ids) {
    const float *first = x + (r[0] + r[1] * g->dh) * g->w + g->cols[4 * j];
    // The first tap starts the maximum; the others are taken in scan order. (Pairs take the
    // first tap again, which changes nothing.)
    ckv_generic_f32 sum[4];
    CK_UNROLL for (int v = 0; v < nv; v++) {
        best[v] = ckv_generic_f32_load_strided_tail(first + v * 4 * c.sw, c.sw, ck_nchw_count(whole, n, v));
        sum[v] = best[v];
        ids[v] = ckv_generic_f32_idx_set1((int)(r[1] * c.s));
    }
    for (long k = r[1]; k < r[2]; k++) {
        const float *row = first + (k - r[1]) * g->dh * g->w;
        if (ck_nchw_is_pair(c)) {
            ckv_generic_f32_idx left = ckv_generic_f32_idx_set1((int)(2 * k)), right = ckv_generic_f32_idx_set1((int)(2 * k + 1));
            CK_UNROLL for (int v = 0; v < nv; v++) {
                ckv_generic_f32 even, odd;
                ckv_generic_f32_load_pairs_tail(row + v * 4 * 2, ck_nchw_count(whole, n, v), &even, &odd);
                ck_max_take(&best[v], &ids[v], &sum[v], even, left, ordered);
                ck_max_take(&best[v], &ids[v], &sum[v], odd, right, ordered);
            }
            continue;
        }
        for (long t = k == r[1]; t < c.s; t++) {
            ckv_generic_f32_idx id = ckv_generic_f32_idx_set1((int)(k * c.s + t));
            CK_UNROLL for (int v = 0; v < nv; v++) {
                ckv_generic_f32 tap = ckv_generic_f32_load_strided_tail(row + t * c.dw + v * 4 * c.sw, c.sw, ck_nchw_count(whole, n, v));
                ck_max_take(&best[v], &ids[v], &sum[v], tap, id, ordered);
            }
        }
    }
    int clean = 1;
    if (ordered) CK_UNROLL for (int v = 0; v < nv; v++) clean &= !ckv_generic_f32_any_nan(sum[v]);
    return clean;
}

// Windows j ..< j + n of the row with row entry r: scanned ordered first where they have more
// than 4 taps (as pool_max.c.in's windows).
CKV_INLINE void ck_nchw_max_vectors(const ck_pool_plane *g, const long *r, const float *x, long j, ck_nchw_shape c,
                                    const int nv, int whole, long n, float *out, char *arg, int arg_bytes) {
    ckv_generic_f32 best[4];
    ckv_generic_f32_idx ids[4];
    if ((r[2] - r[1]) * c.s <= 4) ck_nchw_max_scan(g, r, x, j, c, nv, whole, n, 0, best, ids);
    else if (!ck_nchw_max_scan(g, r, x, j, c, nv, whole, n, 1, best, ids))
        ck_nchw_max_scan(g, r, x, j, c, nv, whole, n, 0, best, ids);
    CK_UNROLL for (int v = 0; v < nv; v++) {
        ckv_generic_f32_store_tail(out + j + v * 4, best[v], n - v * 4);
        if (arg_bytes) ckv_generic_f32_idx_store(arg + (j + v * 4) * arg_bytes, arg_bytes, ids[v], n - v * 4);
    }
}

// Windows j ..< j + n in as many vectors as they need (`whole` a constant at each call: the
// loads then need no masks).
CKV_INLINE void ck_nchw_max_chunk(const ck_pool_plane *g, const long *r, const float *x, long j, ck_nchw_shape c,
                                  const int whole, long n, float *out, char *arg, int arg_bytes) {
    switch ((n + 4 - 1) / 4) {
    case 1: ck_nchw_max_vectors(g, r, x, j, c, 1, whole, n, out, arg, arg_bytes); break;
    case 2: ck_nchw_max_vectors(g, r, x, j, c, 2, whole, n, out, arg, arg_bytes); break;
    case 3: ck_nchw_max_vectors(g, r, x, j, c, 3, whole, n, out, arg, arg_bytes); break;
    default: ck_nchw_max_vectors(g, r, x, j, c, 4, whole, n, out, arg, arg_bytes); break;
    }
}

// Interior windows a ..< b of the row with row entry r, 4 vectors at a time.
CKV_INLINE void ck_nchw_max_run(const ck_pool_plane *g, const long *r, const float *x, long a, long b, ck_nchw_shape c,
                                float *out, char *arg, int arg_bytes) {
    for (long j = a; j < b; j += 4 * 4) {
        long n = b - j < 4 * 4 ? b - j : 4 * 4;
        if (ck_nchw_whole(g, r, x, j, n, c)) ck_nchw_max_chunk(g, r, x, j, c, 1, n, out, arg, arg_bytes);
        else ck_nchw_max_chunk(g, r, x, j, c, 0, n, out, arg, arg_bytes);
    }
}

// One window at an end of the row, tap by tap, in every lane of a vector: the vector take has no
// branch on the data (the scalar scan of the one such window of a row of 3 × 3 windows took a
// fifth of the row's time; this takes a quarter less). The first tap starts the maximum and is
// taken again, which changes nothing.
CKV_INLINE void ck_nchw_max_window(const ck_pool_plane *g, const long *r, const float *x, long q, float *out, char *arg,
                                   int arg_bytes) {
    const long *c = g->cols + 4 * q;
    const float *first = x + (r[0] + r[1] * g->dh) * g->w + c[0] + c[1] * g->dw;
    ckv_generic_f32 best = ckv_generic_f32_set1(*first), unused;
    ckv_generic_f32_idx ids = ckv_generic_f32_idx_set1((int)(r[1] * g->s + c[1]));
    for (long k = r[1]; k < r[2]; k++) {
        for (long t = c[1]; t < c[2]; t++) {
            ckv_generic_f32 tap = ckv_generic_f32_set1(first[(k - r[1]) * g->dh * g->w + (t - c[1]) * g->dw]);
            ck_max_take(&best, &ids, &unused, tap, ckv_generic_f32_idx_set1((int)(k * g->s + t)), 0);
        }
    }
    ckv_generic_f32_store_tail(out + q, best, 1);
    if (arg_bytes) ckv_generic_f32_idx_store(arg + q * arg_bytes, arg_bytes, ids, 1);
}

// The interior windows [a, b) of a row whose windows are 2 or 3 wide at stride 2 (undilated) and
// `rows` (2 or 3) rows high: scanned as ck_nchw_max_vectors scans them (ordered first where they
// have more than 4 taps, rescanned where a tap was NaN), a vector of windows at a time with the
// taps unrolled and every id a constant (the generic scan's loops and checks per chunk cost up
// to a tenth of a row). `whole` as in ck_nchw_whole, for the whole row. Windows 3 wide load
// their middle and last taps as pairs and take the first from the last, a lane down, with the
// vector before's last lane in `carry`. With `lead`, window a − 1, whose first column is the
// padding, goes first: its first tap there is its second again, which leaves its maximum as it
// is, and an id on that column is moved to the second.
CKV_INLINE void ck_nchw_max_unrolled_row(const ck_pool_plane *g, const long *r, const float *x, long a, long b,
                                         const ck_nchw_shape c, const int rows, const int whole, const int lead,
                                         long ahead, float *out, char *arg, int arg_bytes) {
    const int ordered = rows * c.s > 4;
    const long start = a - lead;
    const float *first = x + ((r[0] + r[1] * g->dh) * g->w + g->cols[4 * start] + 1);  // window start's second tap
    ckv_generic_f32 carry[3];  // windows 3 wide only
    CK_UNROLL for (int k = 0; k < rows; k++) carry[k] = ckv_generic_f32_set1(first[k * g->dh * g->w - 1 + lead]);
    for (long j = start; j < b; j += 4) {
        long n = b - j, count = ck_nchw_count(whole, n, 0);
        ckv_generic_f32 best, sum;
        ckv_generic_f32_idx ids;
        CK_UNROLL for (int k = 0; k < rows; k++) {
            const float *row = first + k * g->dh * g->w + 2 * (j - start);
            if (ahead)
                for (long e = 0; e < 2 * 4; e += 64 / (long)sizeof(float)) __builtin_prefetch(row + ahead + e, 0, 2);
            ckv_generic_f32 left, middle, right = ckv_generic_f32_zero();  // right: windows 3 wide only
            if (c.s == 3) {
                ckv_generic_f32_load_pairs_tail(row, count, &middle, &right);
                left = ckv_generic_f32_shift_in(right, carry[k]);
                carry[k] = right;
            } else {
                ckv_generic_f32_load_pairs_tail(row - 1, count, &left, &middle);
            }
            if (k == 0) best = left, sum = left, ids = ckv_generic_f32_idx_set1((int)(r[1] * c.s));
            else ck_max_take(&best, &ids, &sum, left, ckv_generic_f32_idx_set1((int)((r[1] + k) * c.s)), ordered);
            ck_max_take(&best, &ids, &sum, middle, ckv_generic_f32_idx_set1((int)((r[1] + k) * c.s + 1)), ordered);
            if (c.s == 3) ck_max_take(&best, &ids, &sum, right, ckv_generic_f32_idx_set1((int)((r[1] + k) * c.s + 2)), ordered);
        }
        long m = n < 4 ? n : 4, padded = lead && j == start;
        if (ordered && ckv_generic_f32_any_nan(sum)) {
            if (padded) ck_nchw_max_window(g, r, x, j, out, arg, arg_bytes);
            if (m > padded) ck_nchw_max_vectors(g, r, x, j + padded, c, 1, 0, m - padded, out, arg, arg_bytes);
            continue;
        }
        ckv_generic_f32_store_tail(out + j, best, m);
        if (!arg_bytes) continue;
        ckv_generic_f32_idx_store(arg + j * arg_bytes, arg_bytes, ids, m);
        if (padded && ck_nchw_arg(arg, arg_bytes, j) % c.s == 0)
            ck_nchw_set_arg(arg, arg_bytes, j, ck_nchw_arg(arg, arg_bytes, j) + 1);
    }
}

// The unrolled rows' shapes: windows 2 or 3 wide at stride 2, 2 or 3 rows high; `rows` is the
// row's; `whole` and `lead` as constants, so that the loads need no checks.
CKV_INLINE void ck_nchw_max_unrolled_as(const ck_pool_plane *g, const long *r, const float *x, long a, long b,
                                        const ck_nchw_shape c, long rows, int whole, const int lead, long ahead,
                                        float *out, char *arg, int arg_bytes) {
    if (rows == 2 && whole) ck_nchw_max_unrolled_row(g, r, x, a, b, c, 2, 1, lead, ahead, out, arg, arg_bytes);
    else if (rows == 2) ck_nchw_max_unrolled_row(g, r, x, a, b, c, 2, 0, lead, ahead, out, arg, arg_bytes);
    else if (whole) ck_nchw_max_unrolled_row(g, r, x, a, b, c, 3, 1, lead, ahead, out, arg, arg_bytes);
    else ck_nchw_max_unrolled_row(g, r, x, a, b, c, 3, 0, lead, ahead, out, arg, arg_bytes);
}

CKV_INLINE void ck_nchw_max_unrolled(const ck_pool_plane *g, const long *r, const float *x, long a, long b,
                                     const ck_nchw_shape c, long rows, int whole, int lead, long ahead, float *out,
                                     char *arg, int arg_bytes) {
    if (lead) ck_nchw_max_unrolled_as(g, r, x, a, b, c, rows, whole, 1, ahead, out, arg, arg_bytes);
    else ck_nchw_max_unrolled_as(g, r, x, a, b, c, rows, whole, 0, ahead, out, arg, arg_bytes);
}

// The rows of the plane whose first output is element `base` of the call's.
CKV_INLINE void ck_nchw_max_rows(const ck_pool_plane *g, const float *x, ck_nchw_sink *sink, long base, ck_nchw_shape c) {
    int arg_bytes = sink->arg_bytes;
    long a, b;
    ck_nchw_interior(g, &a, &b);
    int unrolled = c.sw == 2 && (c.s == 2 || c.s == 3) && c.dw == 1 && b > a;
    // Window 0 of windows 3 wide padded by a column on the left (ResNet's stem pooling) joins the
    // vectors (as its own window it took a seventh of maxpool3s2-112's rows).
    int lead = unrolled && c.s == 3 && a == 1 && g->cols[1] == 1 && g->cols[2] == 3;
    int whole = unrolled && ck_nchw_rows_whole(g, x, a - lead, b, c);
    for (long i = 0; i < g->p; i++) {
        const long *r = g->rows + 4 * i;
        float *o = ck_nchw_row_out(sink, base + i * g->q);
        char *row_arg = ck_nchw_row_arg(sink, base + i * g->q);
        long rows = r[2] - r[1];
        int vectors = unrolled && (rows == 2 || rows == 3);
        if (vectors) {
            ck_nchw_max_unrolled(g, r, x, a, b, c, rows, whole, lead, ck_nchw_ahead(g, x, i), o, row_arg, arg_bytes);
        } else {
            ck_nchw_prefetch(g, x, i);
            ck_nchw_max_run(g, r, x, a, b, c, o, row_arg, arg_bytes);
        }
        for (long q = vectors ? lead : 0; q < a; q++) ck_nchw_max_window(g, r, x, q, o, row_arg, arg_bytes);
        for (long q = b; q < g->q; q++) ck_nchw_max_window(g, r, x, q, o, row_arg, arg_bytes);
        ck_nchw_row_done(sink, g->q);
    }
}

// One plane (the entry points below run several).
CKV_INLINE void ck_nchw_max_plane(const ck_pool_plane *g, const float *x, ck_nchw_sink *sink, long base) {
    if (g->sw == 2 && g->s == 2 && g->dw == 1) ck_nchw_max_rows(g, x, sink, base, (ck_nchw_shape){2, 2, 1});
    else if (g->sw == 2 && g->s == 3 && g->dw == 1) ck_nchw_max_rows(g, x, sink, base, (ck_nchw_shape){2, 3, 1});
    else if (g->sw == 1) ck_nchw_max_rows(g, x, sink, base, (ck_nchw_shape){1, g->s, g->dw});
    else if (g->sw == 2) ck_nchw_max_rows(g, x, sink, base, (ck_nchw_shape){2, g->s, g->dw});
    else ck_nchw_max_rows(g, x, sink, base, (ck_nchw_shape){g->sw, g->s, g->dw});
}

CKV_TARGET void ck_f32_pool_max_nchw__generic(const ck_pool_plane *g, long planes, const float *x, float *out, void *arg,
                                            int arg_bytes) {
    ck_nchw_stage values, args;
    ck_nchw_sink staged = ck_nchw_sink_for(g, out, arg, arg_bytes, &values, &args);
    ck_nchw_sink direct = ck_nchw_sink_direct(out, arg, arg_bytes);
    ck_nchw_tiled tiled = ck_nchw_tiled_inputs(g, planes, x);
    ck_nchw_max_tiled_run(tiled, x, g->stream, &staged);
    ck_nchw_sink_finish(&staged);
    for (long n = tiled.planes; n < planes; n++) ck_nchw_max_plane(g, x + n * g->h * g->w, &direct, n * g->p * g->q);
}

// Average pooling of NCHW planes, forward (included by pool_nchw.c.in).

// Windows j ..< j + n as ck_nchw_max_vectors: the taps summed from 0 in scan order, then divided
// (by the exact reciprocal of a power of two, as the NHWC kernels do: the same bits).
CKV_INLINE void ck_nchw_avg_vectors(const ck_pool_plane *g, const long *r, const float *x, long j, ck_nchw_shape c,
                                    const int nv, int whole, long n, ckv_generic_f32 divisor, int exact, float *out) {
    ckv_generic_f32 sum[4];
    CK_UNROLL for (int v = 0; v < nv; v++) sum[v] = ckv_generic_f32_zero();
    for (long k = r[1]; k < r[2]; k++) {
        const float *row = x + (r[0] + k * g->dh) * g->w + g->cols[4 * j];
        if (ck_nchw_is_pair(c)) {
            CK_UNROLL for (int v = 0; v < nv; v++) {
                ckv_generic_f32 even, odd;
                ckv_generic_f32_load_pairs_tail(row + v * 4 * 2, ck_nchw_count(whole, n, v), &even, &odd);
                sum[v] = ckv_generic_f32_add(ckv_generic_f32_add(sum[v], even), odd);
            }
            continue;
        }
        for (long t = 0; t < c.s; t++) {
            CK_UNROLL for (int v = 0; v < nv; v++) {
                const float *p = row + t * c.dw + v * 4 * c.sw;
                sum[v] = ckv_generic_f32_add(sum[v], ckv_generic_f32_load_strided_tail(p, c.sw, ck_nchw_count(whole, n, v)));
            }
        }
    }
    CK_UNROLL for (int v = 0; v < nv; v++) {
        ckv_generic_f32 mean = exact ? ckv_generic_f32_mul(sum[v], divisor) : ckv_generic_f32_div(sum[v], divisor);
        ckv_generic_f32_store_tail(out + j + v * 4, mean, n - v * 4);
    }
}

// Windows j ..< j + n in as many vectors as they need (`whole` a constant at each call: the
// loads then need no masks).
CKV_INLINE void ck_nchw_avg_chunk(const ck_pool_plane *g, const long *r, const float *x, long j, ck_nchw_shape c,
                                  const int whole, long n, ckv_generic_f32 divisor, int exact, float *out) {
    switch ((n + 4 - 1) / 4) {
    case 1: ck_nchw_avg_vectors(g, r, x, j, c, 1, whole, n, divisor, exact, out); break;
    case 2: ck_nchw_avg_vectors(g, r, x, j, c, 2, whole, n, divisor, exact, out); break;
    case 3: ck_nchw_avg_vectors(g, r, x, j, c, 3, whole, n, divisor, exact, out); break;
    default: ck_nchw_avg_vectors(g, r, x, j, c, 4, whole, n, divisor, exact, out); break;
    }
}

CKV_INLINE void ck_nchw_avg_run(const ck_pool_plane *g, const long *r, const float *x, long a, long b, ck_nchw_shape c,
                                ck_nchw_scale scale, float *out) {
    ckv_generic_f32 divisor = scale.v;
    int exact = scale.exact;
    for (long j = a; j < b; j += 4 * 4) {
        long n = b - j < 4 * 4 ? b - j : 4 * 4;
        if (ck_nchw_whole(g, r, x, j, n, c)) ck_nchw_avg_chunk(g, r, x, j, c, 1, n, divisor, exact, out);
        else ck_nchw_avg_chunk(g, r, x, j, c, 0, n, divisor, exact, out);
    }
}

CKV_INLINE void ck_nchw_avg_window(const ck_pool_plane *g, const long *r, const float *x, long q, float *out) {
    const long *c = g->cols + 4 * q;
    float sum = 0;
    for (long k = r[1]; k < r[2]; k++) {
        for (long t = c[1]; t < c[2]; t++) sum += x[(r[0] + k * g->dh) * g->w + c[0] + t * g->dw];
    }
    out[q] = sum / (float)ck_nchw_divisor(g, r, c[3]);
}

// A row of 2 × 2 windows at stride 2 that all lie inside it, both window rows inside the input
// (average pooling's common case): the generic run's sums in the same order, a vector of windows
// at a time, with whether loads may be whole found once a plane (the generic run's checks per
// row and chunk took about a quarter of the time on rows of 14 windows).
CKV_INLINE void ck_nchw_avg_pair_row(const ck_pool_plane *g, const long *r, const float *x, ckv_generic_f32 divisor,
                                     const int exact, const int whole, float *out) {
    const float *top = x + (r[0] + r[1] * g->dh) * g->w + g->cols[0], *bottom = top + g->dh * g->w;
    for (long j = 0; j < g->q; j += 4) {
        long n = g->q - j;
        ckv_generic_f32 even, odd, below_even, below_odd;
        ckv_generic_f32_load_pairs_tail(top + 2 * j, ck_nchw_count(whole, n, 0), &even, &odd);
        ckv_generic_f32_load_pairs_tail(bottom + 2 * j, ck_nchw_count(whole, n, 0), &below_even, &below_odd);
        ckv_generic_f32 sum = ckv_generic_f32_add(ckv_generic_f32_add(ckv_generic_f32_add(ckv_generic_f32_add(ckv_generic_f32_zero(), even), odd), below_even), below_odd);
        ckv_generic_f32_store_tail(out + j, exact ? ckv_generic_f32_mul(sum, divisor) : ckv_generic_f32_div(sum, divisor), n);
    }
}

// The rows of the plane whose first output is element `base` of the call's.
CKV_INLINE void ck_nchw_avg_rows(const ck_pool_plane *g, const float *x, ck_nchw_sink *sink, long base, ck_nchw_shape c) {
    long a, b;
    ck_nchw_interior(g, &a, &b);
    int pair_rows = ck_nchw_is_pair(c) && a == 0 && b == g->q;
    int whole = pair_rows && ck_nchw_rows_whole(g, x, a, b, c);
    ck_nchw_scale scale = {0};
    for (long i = 0; i < g->p; i++) {
        const long *r = g->rows + 4 * i;
        float *o = ck_nchw_row_out(sink, base + i * g->q);
        ck_nchw_prefetch(g, x, i);
        ck_nchw_scale_for(&scale, ck_nchw_divisor(g, r, c.s));
        if (pair_rows && r[2] - r[1] == 2) {
            // whole and exact as constants at each call: the loop then has no branch.
            if (whole && scale.exact) ck_nchw_avg_pair_row(g, r, x, scale.v, 1, 1, o);
            else if (whole) ck_nchw_avg_pair_row(g, r, x, scale.v, 0, 1, o);
            else ck_nchw_avg_pair_row(g, r, x, scale.v, scale.exact, 0, o);
        } else {
            ck_nchw_avg_run(g, r, x, a, b, c, scale, o);
            for (long q = 0; q < a; q++) ck_nchw_avg_window(g, r, x, q, o);
            for (long q = b; q < g->q; q++) ck_nchw_avg_window(g, r, x, q, o);
        }
        ck_nchw_row_done(sink, g->q);
    }
}

CKV_INLINE void ck_nchw_avg_plane(const ck_pool_plane *g, const float *x, ck_nchw_sink *sink, long base) {
    if (g->sw == 2 && g->s == 2 && g->dw == 1) ck_nchw_avg_rows(g, x, sink, base, (ck_nchw_shape){2, 2, 1});
    else if (g->sw == 2 && g->s == 3 && g->dw == 1) ck_nchw_avg_rows(g, x, sink, base, (ck_nchw_shape){2, 3, 1});
    else if (g->sw == 1) ck_nchw_avg_rows(g, x, sink, base, (ck_nchw_shape){1, g->s, g->dw});
    else if (g->sw == 2) ck_nchw_avg_rows(g, x, sink, base, (ck_nchw_shape){2, g->s, g->dw});
    else ck_nchw_avg_rows(g, x, sink, base, (ck_nchw_shape){g->sw, g->s, g->dw});
}

CKV_TARGET void ck_f32_pool_avg_nchw__generic(const ck_pool_plane *g, long planes, const float *x, float *out) {
    ck_nchw_stage values;
    ck_nchw_sink staged = ck_nchw_sink_for(g, out, NULL, 0, &values, NULL), direct = ck_nchw_sink_direct(out, NULL, 0);
    ck_nchw_tiled tiled = ck_nchw_tiled_inputs(g, planes, x);
    ck_nchw_avg_tiled_run(g, tiled, x, &staged);
    ck_nchw_sink_finish(&staged);
    for (long n = tiled.planes; n < planes; n++) ck_nchw_avg_plane(g, x + n * g->h * g->w, &direct, n * g->p * g->q);
}
// The NCHW plane kernels' gradients: pool_nchw.c.in includes this after its forward passes,
// whose helpers (ck_nchw_interior, ck_nchw_divisor, ck_nchw_scale, …) it uses.

// What tap `id` of window q receives where the windows tile the input: 0 + dy[q] / its divisor
// (average), 0 + dy[q] where the argmax names the tap (max), else 0.
CKV_INLINE float ck_nchw_tap_value(const ck_pool_plane *g, const long *r, const float *dy, const void *arg, int arg_bytes,
                                  long q, long id) {
    if (!arg) return (float)0 + dy[q] / (float)ck_nchw_divisor(g, r, g->cols[4 * q + 3]);
    return ck_nchw_arg(arg, arg_bytes, q) == id ? (float)0 + dy[q] : (float)0;
}

// The values ck_nchw_tap_value gives the two taps of windows j ..< j + n (dy and arg counted
// from the same window), as vectors: `value` for either tap of the average (no
// argmax, `arg_bytes` 0), else dy where the argmax names the tap; `ids` the argmax taps.
CKV_INLINE void ck_nchw_pair_gradient(const float *dy, const char *arg, int arg_bytes, long j, long n, ckv_generic_f32 divisor,
                                      const int exact, ckv_generic_f32 *value, ckv_generic_f32_idx *ids) {
    ckv_generic_f32 v = ckv_generic_f32_load_tail(dy + j, n);
    *value = ckv_generic_f32_add(ckv_generic_f32_zero(), arg_bytes ? v : exact ? ckv_generic_f32_mul(v, divisor) : ckv_generic_f32_div(v, divisor));
    *ids = arg_bytes ? ckv_generic_f32_idx_load(arg + j * arg_bytes, arg_bytes, n) : ckv_generic_f32_idx_set1(0);
}

// Window row k's two taps of those windows, interleaved into row (their first tap's element).
CKV_INLINE void ck_nchw_pair_store(float *row, ckv_generic_f32 value, ckv_generic_f32_idx ids, int arg_bytes, long k, long n) {
    ckv_generic_f32 left = value, right = value;
    if (arg_bytes) {
        left = ckv_generic_f32_select(ckv_generic_f32_idx_eq(ids, ckv_generic_f32_idx_set1((int)(2 * k))), ckv_generic_f32_zero(), value);
        right = ckv_generic_f32_select(ckv_generic_f32_idx_eq(ids, ckv_generic_f32_idx_set1((int)(2 * k + 1))), ckv_generic_f32_zero(), value);
    }
    ckv_generic_f32_store_interleaved_tail(row, left, right, n);
}

// The window rows of output row i (row entry r) of windows that tile the input two columns
// each (s = sw = 2, undilated), values as ck_nchw_tap_value gives them: every element of those
// dx rows written once, the interior windows' two taps a vector pair at a time, interleaved.
// dx points at the plane.
CKV_INLINE void ck_nchw_pair_rows(const ck_pool_plane *g, const long *r, long a, long b, const float *dy,
                                  const void *arg, int arg_bytes, ckv_generic_f32 divisor, const int exact, float *dx) {
    for (long j = a; j < b; j += 4) {
        ckv_generic_f32 value;
        ckv_generic_f32_idx ids;
        ck_nchw_pair_gradient(dy, (const char *)arg, arg_bytes, j, b - j, divisor, exact, &value, &ids);
        for (long k = r[1]; k < r[2]; k++)
            ck_nchw_pair_store(dx + (r[0] + k * g->dh) * g->w + g->cols[4 * j], value, ids, arg_bytes, k, b - j);
    }
    // The windows at the ends, tap by tap.
    if (a == 0 && b == g->q) return;
    for (long k = r[1]; k < r[2]; k++) {
        float *row = dx + (r[0] + k * g->dh) * g->w;
        for (long t = 0; t < 2; t++) {
            long q0 = g->tap_cols[2 * t], q1 = g->tap_cols[2 * t + 1];
            for (long q = q0; q < (a < q1 ? a : q1); q++)
                row[g->cols[4 * q] + t] = ck_nchw_tap_value(g, r, dy, arg, arg_bytes, q, 2 * k + t);
            for (long q = (b > q0 ? b : q0); q < q1; q++)
                row[g->cols[4 * q] + t] = ck_nchw_tap_value(g, r, dy, arg, arg_bytes, q, 2 * k + t);
        }
    }
}

// The gradient of tiled planes (pool_nchw_tiled.c.in) whose windows tile them (every element
// of dx under one window): the rows of ck_nchw_pair_rows without its tables and checks a row.
// `arg_bytes` (0 for the average) and `exact` constants at each call.
CKV_INLINE void ck_nchw_tiled_backward(ck_nchw_tiled f, const float *dy, const char *arg, const int arg_bytes,
                                       ckv_generic_f32 divisor, const int exact, float *dx) {
    for (long n = 0; n < f.planes; n++) {
        for (long i = 0; i < f.p; i++) {
            float *top = dx + f.first + n * f.plane + i * f.step;
            long o = (n * f.p + i) * f.q;
            for (long j = 0; j < f.q; j += 4) {
                ckv_generic_f32 value;
                ckv_generic_f32_idx ids;
                ck_nchw_pair_gradient(dy, arg, arg_bytes, o + j, f.q - j, divisor, exact, &value, &ids);
                CK_UNROLL for (int k = 0; k < 2; k++)
                    ck_nchw_pair_store(top + k * f.dh * f.w + 2 * j, value, ids, arg_bytes, k, f.q - j);
            }
        }
    }
}

// The gradients' dispatch: `exact` and the argmax width as constants.
CKV_INLINE void ck_nchw_max_tiled_backward_run(ck_nchw_tiled f, const float *dy, const void *arg, int arg_bytes, float *dx) {
    if (arg_bytes == 1) ck_nchw_tiled_backward(f, dy, arg, 1, ckv_generic_f32_zero(), 1, dx);
    else ck_nchw_tiled_backward(f, dy, arg, arg_bytes, ckv_generic_f32_zero(), 1, dx);
}

CKV_INLINE void ck_nchw_avg_tiled_backward_run(const ck_pool_plane *g, ck_nchw_tiled f, const float *dy, float *dx) {
    ck_nchw_scale scale = {0};
    ck_nchw_scale_for(&scale, ck_nchw_divisor(g, g->rows, 2));
    if (scale.exact) ck_nchw_tiled_backward(f, dy, NULL, 0, scale.v, 1, dx);
    else ck_nchw_tiled_backward(f, dy, NULL, 0, scale.v, 0, dx);
}

CKV_INLINE int ck_nchw_pairs(const ck_pool_plane *g, int tiles) {
    return tiles && g->s == 2 && g->sw == 2 && g->dw == 1;
}

CKV_INLINE void ck_nchw_avg_backward_plane(const ck_pool_plane *g, const float *dy, int tiles, float *share,
                                           float *dx) {
    int pairs = ck_nchw_pairs(g, tiles);
    long a, b;
    ck_nchw_interior(g, &a, &b);
    if (!pairs) memset(dx, 0, sizeof(float) * (size_t)(g->h * g->w));
    ck_nchw_scale scale = {0};
    for (long i = 0; i < g->p; i++) {
        const long *r = g->rows + 4 * i;
        const float *gradient = dy + i * g->q;
        if (pairs) {
            // exact as a constant at each call: the loop then has no branch.
            ck_nchw_scale_for(&scale, ck_nchw_divisor(g, r, 2));
            if (scale.exact) ck_nchw_pair_rows(g, r, a, b, gradient, NULL, 0, scale.v, 1, dx);
            else ck_nchw_pair_rows(g, r, a, b, gradient, NULL, 0, scale.v, 0, dx);
            continue;
        }
        // Overlapping windows (or gaps): each window's share added to its taps, tap by tap (each
        // window row, each column tap, the windows in order).
        for (long j = 0; j < g->q; j++) share[j] = gradient[j] / (float)ck_nchw_divisor(g, r, g->cols[4 * j + 3]);
        for (long k = r[1]; k < r[2]; k++) {
            float *row = dx + (r[0] + k * g->dh) * g->w;
            for (long t = 0; t < g->s; t++) {
                for (long q = g->tap_cols[2 * t]; q < g->tap_cols[2 * t + 1]; q++)
                    row[g->cols[4 * q] + t * g->dw] += share[q];
            }
        }
    }
}

CKV_TARGET void ck_f32_pool_avg_backward_nchw__generic(const ck_pool_plane *g, long planes, const float *dy, int tiles,
                                                     float *share, float *dx) {
    ck_nchw_tiled tiled = ck_nchw_tiled_planes(g, tiles ? planes : 0);
    ck_nchw_avg_tiled_backward_run(g, tiled, dy, dx);
    for (long n = tiled.planes; n < planes; n++)
        ck_nchw_avg_backward_plane(g, dy + n * g->p * g->q, tiles, share, dx + n * g->h * g->w);
}

// The max-pooling gradient of planes of even width whose windows are 3 wide at stride 2,
// undilated (the 3 × 3, stride-2 pooling of ResNet's stem): windows that overlap, so that the
// generic way is a memset of the plane and then each window's dy added at its argmax, window by
// window (scalar, with one table lookup a window; the memset alone took a third of the time).
// Here each row of dx takes, a vector of column pairs (2m, 2m + 1) at a time, what each window
// row that covers it gives it, window rows in order and, within one, windows in order: the
// generic sums in the generic order, with 0 added where a window's argmax is another tap (which
// changes no sum: sums start at +0, so they are never −0). Each row is stored once by the first
// window row that covers it and added to by the later ones; rows no window covers are zeroed.
//
// Windows start at column c0 + 2j. With c0 odd (c0 = 2b + 1), column 2m is tap 1 of window
// m − b − 1, column 2m + 1 tap 2 of that window and then tap 0 of the next; with c0 even
// (c0 = 2b), column 2m is tap 2 of window m − b − 1 and then tap 0 of window m − b, column
// 2m + 1 tap 1 of window m − b.

// Whether the planes' windows are 3 wide at stride 2, undilated, on planes of even width.
CKV_INLINE int ck_nchw_overlap_shape(const ck_pool_plane *g) {
    if (!(g->s == 3 && g->sw == 2 && g->dw == 1 && g->w % 2 == 0 && g->p > 0 && g->q > 0)) return 0;
    for (long j = 1; j < g->q; j++)
        if (g->cols[4 * j] != g->cols[0] + 2 * j) return 0;
    return 1;
}

// The dy and argmax taps of windows b ..< b + 4 of a window row of q windows, dy 0 for
// windows outside [0, q) (whose taps then give nothing, whichever they name).
CKV_INLINE void ck_nchw_window_lanes(const float *dy, const char *arg, int arg_bytes, long b, long q, ckv_generic_f32 *values,
                                     ckv_generic_f32_idx *ids) {
    if (b >= 0 && b < q) {
        *values = ckv_generic_f32_load_tail(dy + b, q - b);
        *ids = ckv_generic_f32_idx_load(arg + b * arg_bytes, arg_bytes, q - b);
        return;
    }
    // A vector that starts before the first window (where c0 is even) or past the last: lanes
    // from a copy.
    float v[4];
    int32_t t[4];
    for (long l = 0; l < 4; l++) {
        int inside = b + l >= 0 && b + l < q;
        v[l] = inside ? dy[b + l] : (float)0;
        t[l] = inside ? (int32_t)ck_nchw_arg(arg, arg_bytes, b + l) : 0;
    }
    *values = ckv_generic_f32_load_tail(v, 4);
    *ids = ckv_generic_f32_idx_load(t, 4, 4);
}

// dy where the window's argmax is tap `id`, 0 elsewhere.
CKV_INLINE ckv_generic_f32 ck_nchw_at_tap(ckv_generic_f32 values, ckv_generic_f32_idx ids, int id) {
    return ckv_generic_f32_select(ckv_generic_f32_idx_eq(ids, ckv_generic_f32_idx_set1(id)), ckv_generic_f32_zero(), values);
}

// What window row i gives the rows of dx it covers; rows [0, *done) hold their sums so far
// (those at or past it are stored instead of added to, rows skipped on the way zeroed).
// `arg_bytes` a constant at each call.
CKV_INLINE void ck_nchw_overlap_window_row(const ck_pool_plane *g, long i, const float *dy, const char *arg,
                                           const int arg_bytes, long *done, float *dx) {
    const long *r = g->rows + 4 * i;
    long pairs = g->w / 2, c0 = g->cols[0], odd = c0 & 1, b = (c0 - odd) / 2, fresh = *done;
    for (long k = r[1]; k < r[2]; k++) {
        long h = r[0] + k * g->dh;
        if (h > *done) memset(dx + *done * g->w, 0, sizeof(float) * (size_t)((h - *done) * g->w));
        if (h >= *done) *done = h + 1;
    }
    for (long m = 0; m < pairs; m += 4) {
        long n = pairs - m;
        ckv_generic_f32 before, here;
        ckv_generic_f32_idx before_ids, here_ids;
        ck_nchw_window_lanes(dy, arg, arg_bytes, m - b - 1, g->q, &before, &before_ids);
        ck_nchw_window_lanes(dy, arg, arg_bytes, m - b, g->q, &here, &here_ids);
        for (long k = r[1]; k < r[2]; k++) {
            long h = r[0] + k * g->dh;
            float *row = dx + h * g->w + 2 * m;
            int first = (int)(3 * k), middle = first + 1, last = first + 2;
            ckv_generic_f32 even = ckv_generic_f32_zero(), second = ckv_generic_f32_zero();
            if (h < fresh) ckv_generic_f32_load_pairs_tail(row, n, &even, &second);
            if (odd) {
                even = ckv_generic_f32_add(even, ck_nchw_at_tap(before, before_ids, middle));
                second = ckv_generic_f32_add(ckv_generic_f32_add(second, ck_nchw_at_tap(before, before_ids, last)),
                                  ck_nchw_at_tap(here, here_ids, first));
            } else {
                even = ckv_generic_f32_add(ckv_generic_f32_add(even, ck_nchw_at_tap(before, before_ids, last)),
                                ck_nchw_at_tap(here, here_ids, first));
                second = ckv_generic_f32_add(second, ck_nchw_at_tap(here, here_ids, middle));
            }
            ckv_generic_f32_store_interleaved_tail(row, even, second, n);
        }
    }
}

CKV_INLINE void ck_nchw_overlap_plane(const ck_pool_plane *g, const float *dy, const char *arg, const int arg_bytes,
                                      float *dx) {
    long done = 0;
    for (long i = 0; i < g->p; i++)
        ck_nchw_overlap_window_row(g, i, dy + i * g->q, arg + i * g->q * arg_bytes, arg_bytes, &done, dx);
    if (g->h > done) memset(dx + done * g->w, 0, sizeof(float) * (size_t)((g->h - done) * g->w));
}
// Planes [first, planes) of a call whose windows have ck_nchw_overlap_shape.
CKV_INLINE void ck_nchw_overlap_planes(const ck_pool_plane *g, long first, long planes, const float *dy, const void *arg,
                                       int arg_bytes, float *dx) {
    for (long n = first; n < planes; n++) {
        const float *plane_dy = dy + n * g->p * g->q;
        const char *plane_arg = (const char *)arg + n * g->p * g->q * arg_bytes;
        float *plane_dx = dx + n * g->h * g->w;
        if (arg_bytes == 1) ck_nchw_overlap_plane(g, plane_dy, plane_arg, 1, plane_dx);
        else ck_nchw_overlap_plane(g, plane_dy, plane_arg, arg_bytes, plane_dx);
    }
}

CKV_INLINE void ck_nchw_max_backward_plane(const ck_pool_plane *g, const float *dy, const void *arg, int arg_bytes,
                                           int tiles, float *dx) {
    int pairs = ck_nchw_pairs(g, tiles);
    long a, b;
    ck_nchw_interior(g, &a, &b);
    if (!pairs) memset(dx, 0, sizeof(float) * (size_t)(g->h * g->w));
    for (long i = 0; i < g->p; i++) {
        const long *r = g->rows + 4 * i;
        const float *gradient = dy + i * g->q;
        const char *row_arg = (const char *)arg + i * g->q * arg_bytes;
        if (pairs) {
            ck_nchw_pair_rows(g, r, a, b, gradient, row_arg, arg_bytes, ckv_generic_f32_zero(), 1, dx);
            continue;
        }
        // Each gradient added at its window's argmax, window by window.
        float *band = dx + r[0] * g->w;
        for (long j = 0; j < g->q; j++)
            band[g->cols[4 * j] + g->tap_offsets[ck_nchw_arg(row_arg, arg_bytes, j)]] += gradient[j];
    }
}

CKV_TARGET void ck_f32_pool_max_backward_nchw__generic(const ck_pool_plane *g, long planes, const float *dy,
                                                     const void *arg, int arg_bytes, int tiles, float *dx) {
    ck_nchw_tiled tiled = ck_nchw_tiled_planes(g, tiles ? planes : 0);
    ck_nchw_max_tiled_backward_run(tiled, dy, arg, arg_bytes, dx);
    if (ck_nchw_overlap_shape(g)) {
        ck_nchw_overlap_planes(g, tiled.planes, planes, dy, arg, arg_bytes, dx);
        return;
    }
    for (long n = tiled.planes; n < planes; n++) {
        const char *plane_arg = (const char *)arg + n * g->p * g->q * arg_bytes;
        ck_nchw_max_backward_plane(g, dy + n * g->p * g->q, plane_arg, arg_bytes, tiles, dx + n * g->h * g->w);
    }
}

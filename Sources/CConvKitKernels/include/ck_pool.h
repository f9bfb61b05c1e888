// Pooling row kernels of ConvKit's fast path (NHWC), generated for every instruction set from
// templates/pool_*.c.in and run for the instruction set `isa` asks (capped at the CPU's).
#ifndef CK_POOL_H
#define CK_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// Max pooling of one NHWC output row of `q` windows over `c` channels.
///
/// The window rows are the `rows` input rows `x_rows[k]` (each pointing at column 0, channel 0
/// of its row) with row tap `row_taps[k]`; window j reads columns `start + t · dw` for taps t in
/// `lo ..< hi`, where (start, lo, hi) = (cols[4j], cols[4j + 1], cols[4j + 2]). Taps are scanned
/// row by row; out[j · c + ch] is the first maximum of channel ch, a NaN counting as larger
/// than any number (the first NaN wins). With `arg_bytes` 1 or 4, the winner's tap
/// `row_taps[k] · s + t` is stored as uint8_t or int32_t at element j · c + ch of `arg`.
/// `tap_pointers` and `tap_ids` are scratch for rows · (hi − lo) entries.
/// `stream` marks a call whose data do not fit in cache: whole aligned vectors are stored
/// non-temporally. `ahead`, where not 0, is the distance in elements from each window row to the
/// rows to prefetch (the next output row's): `x_rows[k] + ahead` must point into the input over
/// the row's window columns.
void ck_pool_max_row_f32(int isa, const float *const *x_rows, const long *row_taps, long rows,
                         const long *cols, long q, long c, long s, long dw, float *out, void *arg,
                        int arg_bytes, const float **tap_pointers, int *tap_ids, int stream, long ahead);
void ck_pool_max_row_f64(int isa, const double *const *x_rows, const long *row_taps, long rows,
                        const long *cols, long q, long c, long s, long dw, double *out, void *arg,
                        int arg_bytes, const double **tap_pointers, int *tap_ids, int stream, long ahead);

/// Average pooling of one NHWC output row, windows as in ck_pool_max_row_f32: out[j · c + ch] is
/// the sum of the window's taps, added in scan order starting from 0, divided by the window's
/// divisor: `divisor_override` if positive, else `row_count · cols[4j + 3]`. (Dividing by a power
/// of two multiplies by its exact reciprocal.) `stream` and `ahead` as in ck_pool_max_row_f32.
void ck_pool_avg_row_f32(int isa, const float *const *x_rows, long rows, const long *cols, long q, long c, long dw,
                         long row_count, long divisor_override, float *out, int stream, long ahead);
void ck_pool_avg_row_f64(int isa, const double *const *x_rows, long rows, const long *cols, long q, long c, long dw,
                         long row_count, long divisor_override, double *out, int stream, long ahead);

/// Max-pooling gradient of one NHWC output row.
///
/// Windows as in ck_pool_max_row_f32, but `dx_rows[k]` are rows of the input gradient with row tap
/// `row_taps[k]` (a caller may pass only some of a window's rows). For each window j in order and
/// each of its taps, the channels whose stored argmax (arg_bytes 1: uint8_t, 4: int32_t, at
/// arg + j · c) is that tap receive dy[j · c + ch]: added to dx, or with `assign` (windows that
/// tile the input) stored as 0 + dy, other channels set to 0.
void ck_pool_max_backward_row_f32(int isa, float *const *dx_rows, const long *row_taps, long rows,
                                 const long *cols, long q, long c, long s, long dw, const float *dy,
                                 const void *arg, int arg_bytes, int assign);
void ck_pool_max_backward_row_f64(int isa, double *const *dx_rows, const long *row_taps, long rows,
                                 const long *cols, long q, long c, long s, long dw, const double *dy,
                                 const void *arg, int arg_bytes, int assign);

/// Max-pooling gradient of one NHWC row of dx, gathered.
///
/// The windows holding the row are the `rows` output rows k (increasing) whose window row
/// `row_taps[k]` is this row, with their dy rows `dy_rows[k]` and stored argmax rows
/// `arg_rows[k]` (arg_bytes 1: uint8_t, 4: int32_t), each (Q, c). Column iw of the row is tap t
/// of output column q for the pairs (q, t) = column_pairs[2i], column_pairs[2i + 1], i in
/// column_start[iw] ..< column_start[iw + 1] (increasing q). dx[iw · c + ch] is 0 plus, in
/// window order, dy[q · c + ch] of every window whose argmax of channel ch is its tap
/// row_taps[k] · s + t; each element is written once (non-temporally with `stream`).
void ck_pool_max_gather_row_f32(int isa, const float *const *dy_rows, const void *const *arg_rows,
                               const long *row_taps, long rows, const long *column_start,
                               const long *column_pairs, long w, long c, long s, int arg_bytes,
                               float *dx, int stream);
void ck_pool_max_gather_row_f64(int isa, const double *const *dy_rows, const void *const *arg_rows,
                               const long *row_taps, long rows, const long *column_start,
                               const long *column_pairs, long w, long c, long s, int arg_bytes,
                               double *dx, int stream);

/// One NCHW plane's pooling: the input plane (h, w), the output plane (p, q), the window's width
/// `s`, its dilations, the column stride `sw`, and PoolAxisTable's tables: `rows` and `cols`
/// (start, lo, hi, count) per output row and column as in ck_pool_max_row_f32, `tap_cols` the
/// outputs [first, end) whose column tap t lies inside the input (two entries per tap).
/// `stream` marks planes of a call whose data do not fit in cache: the input is prefetched ahead,
/// and planes tiled by 2 × 2 windows at stride 2 store whole output lines non-temporally.
/// The forward kernels may read any element of the input before `end` (the end of the tensor)
/// and so load whole vectors at the ends of rows. `tap_offsets[r · s + t]` (for the max-pooling
/// gradient) is window tap (r, t)'s offset in the plane from tap (0, 0): r · dh · w + t · dw.
typedef struct {
    long h, w, p, q;
    long s, dh, dw, sw;
    const long *rows, *cols, *tap_cols;
    long divisor_override;
    int stream;
    const void *end;
    const long *tap_offsets;
} ck_pool_plane;

/// The NCHW plane kernels below each run `planes` consecutive planes of one call: input planes
/// h · w elements apart, output planes p · q apart (and so for the argmax, dy and dx).

/// Max pooling of NCHW planes: out (p, q) and, with `arg_bytes` 1 or 4, the argmax as in
/// ck_pool_max_row_f32, the same bits as the NHWC kernels.
void ck_pool_max_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *x, float *out, void *arg,
                          int arg_bytes);
void ck_pool_max_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *x, double *out, void *arg,
                          int arg_bytes);

/// Average pooling of NCHW planes, as ck_pool_avg_row_f32 computes each window (divisor
/// `g->divisor_override` if positive, else rows[4i + 3] · cols[4j + 3]).
void ck_pool_avg_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *x, float *out);
void ck_pool_avg_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *x, double *out);

/// The average-pooling gradient of NCHW planes: dx (h, w) is 0 plus dy / divisor of every
/// window at each of its taps, added tap by tap (for each output row, each window row and column
/// tap, the windows in order). With `tiles` (the windows cover every element once) each element
/// may be written once instead. `share` is scratch for q elements.
void ck_pool_avg_backward_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *dy, int tiles,
                                   float *share, float *dx);
void ck_pool_avg_backward_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *dy, int tiles,
                                   double *share, double *dx);

/// The max-pooling gradient of NCHW planes from the stored argmax (arg_bytes 1: uint8_t, 4:
/// int32_t, (p, q)): dx (h, w) is 0 plus, window by window in order, dy at the window's argmax.
/// With `tiles` each element may be written once instead.
void ck_pool_max_backward_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *dy, const void *arg,
                                   int arg_bytes, int tiles, float *dx);
void ck_pool_max_backward_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *dy, const void *arg,
                                   int arg_bytes, int tiles, double *dx);

#ifdef __cplusplus
}
#endif

#endif

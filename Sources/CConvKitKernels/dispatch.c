// Runs the generated micro-kernels (gen/) of the instruction set the caller asks for, through
// the table of each instruction set's kernels and tiles (gen/kernel_table.c). A request for an
// instruction set this CPU lacks gets the best one it has: no kernel runs without its
// instructions.
#include "ck_kernel_support.h"
#include "ck_pool.h"

int ck_isa_detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return CK_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CK_ISA_AVX2;
#endif
    return CK_ISA_GENERIC;
}

int ck_isa_usable(int isa) {
    static int cached = -1;
    int detected = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (detected < 0) {
        detected = ck_isa_detect();
        __atomic_store_n(&cached, detected, __ATOMIC_RELAXED);
    }
    return isa < CK_ISA_GENERIC ? CK_ISA_GENERIC : isa > detected ? detected : isa;
}

static const ck_f32_kernels *f32_kernels(int isa) { return &ck_f32_kernel_table[ck_isa_usable(isa)]; }
static const ck_f64_kernels *f64_kernels(int isa) { return &ck_f64_kernel_table[ck_isa_usable(isa)]; }

void ck_kernel_tile(int isa, int family, int is_double, long *mr, long *nr) {
    const ck_f32_kernels *f = f32_kernels(isa);
    const ck_f64_kernels *d = f64_kernels(isa);
    switch (family) {
    case CK_FAMILY_GEMM_INDIRECT:
        *mr = is_double ? d->gemm_indirect_mr : f->gemm_indirect_mr;
        *nr = is_double ? d->gemm_indirect_nr : f->gemm_indirect_nr;
        return;
    case CK_FAMILY_WEIGHT_GRADIENT:
        *mr = is_double ? d->weight_gradient_mr : f->weight_gradient_mr;
        *nr = is_double ? d->weight_gradient_nr : f->weight_gradient_nr;
        return;
    default:
        *mr = is_double ? d->gemm_packed_mr : f->gemm_packed_mr;
        *nr = is_double ? d->gemm_packed_nr : f->gemm_packed_nr;
    }
}

void ck_sgemm_packed(int isa, long m, long n, long kc, const float *a, const float *b, float *c,
                     const long *row_offsets, int accumulate) {
    f32_kernels(isa)->gemm_packed(m, n, kc, a, b, c, row_offsets, accumulate);
}

void ck_dgemm_packed(int isa, long m, long n, long kc, const double *a, const double *b, double *c,
                     const long *row_offsets, int accumulate) {
    f64_kernels(isa)->gemm_packed(m, n, kc, a, b, c, row_offsets, accumulate);
}

void ck_sgemm_indirect(int isa, long m, long n, long taps, long channels, const float *const *a_rows,
                       const float *b, const float *bias, float *c, const long *row_offsets, int accumulate) {
    f32_kernels(isa)->gemm_indirect(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate);
}

void ck_dgemm_indirect(int isa, long m, long n, long taps, long channels, const double *const *a_rows,
                       const double *b, const double *bias, double *c, const long *row_offsets, int accumulate) {
    f64_kernels(isa)->gemm_indirect(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate);
}

void ck_sgemm_weight_gradient(int isa, long m, long row_base, long n, long depth, long taps, long channels,
                              const float *const *a_rows, float *b, const float *b_source, long ld_source,
                              const float *b_next, long next_depth, float *c, const long *row_offsets, int accumulate) {
    f32_kernels(isa)->weight_gradient(m, row_base, n, depth, taps, channels, a_rows, b, b_source, ld_source, b_next,
                                     next_depth, c, row_offsets, accumulate);
}

void ck_dgemm_weight_gradient(int isa, long m, long row_base, long n, long depth, long taps, long channels,
                              const double *const *a_rows, double *b, const double *b_source, long ld_source,
                              const double *b_next, long next_depth, double *c, const long *row_offsets,
                              int accumulate) {
    f64_kernels(isa)->weight_gradient(m, row_base, n, depth, taps, channels, a_rows, b, b_source, ld_source, b_next,
                                     next_depth, c, row_offsets, accumulate);
}

void ck_spanel_sums(int isa, const float *packed, long rows, long n, float *sum) {
    f32_kernels(isa)->panel_sums(packed, rows, n, sum);
}

void ck_dpanel_sums(int isa, const double *packed, long rows, long n, double *sum) {
    f64_kernels(isa)->panel_sums(packed, rows, n, sum);
}

void ck_sgemm_few_columns(int isa, long m, long n, long taps, long channels, const float *const *a_rows,
                          const float *const *b_taps, long b_column_stride, float *c, const long *row_offsets) {
    f32_kernels(isa)->few_columns(m, n, taps, channels, a_rows, b_taps, b_column_stride, c, row_offsets);
}

void ck_dgemm_few_columns(int isa, long m, long n, long taps, long channels, const double *const *a_rows,
                          const double *const *b_taps, long b_column_stride, double *c, const long *row_offsets) {
    f64_kernels(isa)->few_columns(m, n, taps, channels, a_rows, b_taps, b_column_stride, c, row_offsets);
}

float ck_peak_probe(int isa, long iterations) { return f32_kernels(isa)->peak(iterations); }

long ck_peak_flops_per_round(int isa) { return f32_kernels(isa)->peak_flops_per_round; }

void ck_small_pack_band(int isa, const float *x, long channels, long channel_step, const long *row_map, long rows,
                        const long *column_map, long columns, long stride, long line, float *band) {
    f32_kernels(isa)->small_pack_band(x, channels, channel_step, row_map, rows, column_map, columns, stride, line, band);
}

void ck_small_unpack_band(int isa, const float *band, long channels, long rows, long columns, long top, long left,
                          long stride, long line, long padded_rows, long padded_columns, float *dx, int planar) {
    f32_kernels(isa)->small_unpack_band(band, channels, rows, columns, top, left, stride, line, padded_rows,
                                        padded_columns, dx, planar);
}

void ck_small_transpose(int isa, const float *dy, long count, long n, long ldy, long pitch, float *dyt) {
    f32_kernels(isa)->small_transpose(dy, count, n, ldy, pitch, dyt);
}

void ck_small_forward(int isa, long count, long n, long taps, const long *offsets, const float *x, const float *w,
                      long ldw, const float *bias, float *y, long ldy) {
    f32_kernels(isa)->small_forward(count, n, taps, offsets, x, w, ldw, bias, y, ldy);
}

void ck_small_forward_planes(int isa, long rows, long count, long n, long taps, const long *offsets, const float *x,
                             long ldx, const float *w, long ldw, const float *bias, float *y, long ld_plane) {
    f32_kernels(isa)->small_forward_planes(rows, count, n, taps, offsets, x, ldx, w, ldw, bias, y, ld_plane);
}

void ck_small_weights(int isa, long segments, const long *lengths, long n, long taps, const float *const *rows,
                      long ld_rows, const float *dy, long ldy, float *dw, long lddw) {
    f32_kernels(isa)->small_weights(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw);
}

void ck_small_data(int isa, long count, long n, long taps, const long *offsets, const float *wt, const float *dyt,
                   float *x) {
    f32_kernels(isa)->small_data(count, n, taps, offsets, wt, dyt, x);
}

void ck_pool_max_row_f32(int isa, const float *const *x_rows, const long *row_taps, long rows, const long *cols, long q,
                         long c, long s, long dw, float *out, void *arg, int arg_bytes, const float **tap_pointers,
                         int *tap_ids, int stream, long ahead) {
    f32_kernels(isa)->pool_max(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids,
                               stream, ahead);
}

void ck_pool_max_row_f64(int isa, const double *const *x_rows, const long *row_taps, long rows, const long *cols,
                         long q, long c, long s, long dw, double *out, void *arg, int arg_bytes,
                         const double **tap_pointers, int *tap_ids, int stream, long ahead) {
    f64_kernels(isa)->pool_max(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids,
                               stream, ahead);
}

void ck_pool_avg_row_f32(int isa, const float *const *x_rows, long rows, const long *cols, long q, long c, long dw,
                         long row_count, long divisor_override, float *out, int stream, long ahead) {
    f32_kernels(isa)->pool_avg(x_rows, rows, cols, q, c, dw, row_count, divisor_override, out, stream, ahead);
}

void ck_pool_avg_row_f64(int isa, const double *const *x_rows, long rows, const long *cols, long q, long c, long dw,
                         long row_count, long divisor_override, double *out, int stream, long ahead) {
    f64_kernels(isa)->pool_avg(x_rows, rows, cols, q, c, dw, row_count, divisor_override, out, stream, ahead);
}

void ck_pool_max_backward_row_f32(int isa, float *const *dx_rows, const long *row_taps, long rows, const long *cols,
                                  long q, long c, long s, long dw, const float *dy, const void *arg, int arg_bytes,
                                  int assign) {
    f32_kernels(isa)->pool_max_backward(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, arg_bytes, assign);
}

void ck_pool_max_backward_row_f64(int isa, double *const *dx_rows, const long *row_taps, long rows, const long *cols,
                                  long q, long c, long s, long dw, const double *dy, const void *arg, int arg_bytes,
                                  int assign) {
    f64_kernels(isa)->pool_max_backward(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, arg_bytes, assign);
}

void ck_pool_max_gather_row_f32(int isa, const float *const *dy_rows, const void *const *arg_rows, const long *row_taps,
                                long rows, const long *column_start, const long *column_pairs, long w, long c, long s,
                                int arg_bytes, float *dx, int stream) {
    f32_kernels(isa)->pool_max_gather(dy_rows, arg_rows, row_taps, rows, column_start, column_pairs, w, c, s, arg_bytes,
                                      dx, stream);
}

void ck_pool_max_gather_row_f64(int isa, const double *const *dy_rows, const void *const *arg_rows,
                                const long *row_taps, long rows, const long *column_start, const long *column_pairs,
                                long w, long c, long s, int arg_bytes, double *dx, int stream) {
    f64_kernels(isa)->pool_max_gather(dy_rows, arg_rows, row_taps, rows, column_start, column_pairs, w, c, s, arg_bytes,
                                      dx, stream);
}

void ck_pool_max_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *x, float *out, void *arg,
                          int arg_bytes) {
    f32_kernels(isa)->pool_max_nchw(g, planes, x, out, arg, arg_bytes);
}

void ck_pool_avg_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *x, float *out) {
    f32_kernels(isa)->pool_avg_nchw(g, planes, x, out);
}

void ck_pool_avg_backward_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *dy, int tiles,
                                   float *share, float *dx) {
    f32_kernels(isa)->pool_avg_backward_nchw(g, planes, dy, tiles, share, dx);
}

void ck_pool_max_backward_nchw_f32(int isa, const ck_pool_plane *g, long planes, const float *dy, const void *arg,
                                   int arg_bytes, int tiles, float *dx) {
    f32_kernels(isa)->pool_max_backward_nchw(g, planes, dy, arg, arg_bytes, tiles, dx);
}

void ck_pool_max_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *x, double *out, void *arg,
                          int arg_bytes) {
    f64_kernels(isa)->pool_max_nchw(g, planes, x, out, arg, arg_bytes);
}

void ck_pool_avg_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *x, double *out) {
    f64_kernels(isa)->pool_avg_nchw(g, planes, x, out);
}

void ck_pool_avg_backward_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *dy, int tiles,
                                   double *share, double *dx) {
    f64_kernels(isa)->pool_avg_backward_nchw(g, planes, dy, tiles, share, dx);
}

void ck_pool_max_backward_nchw_f64(int isa, const ck_pool_plane *g, long planes, const double *dy, const void *arg,
                                   int arg_bytes, int tiles, double *dx) {
    f64_kernels(isa)->pool_max_backward_nchw(g, planes, dy, arg, arg_bytes, tiles, dx);
}

void ck_transpose_f32(int isa, long rows, long columns, const float *src, long ld_src, float *dst, long ld_dst,
                      int stream) {
    f32_kernels(isa)->transpose(rows, columns, src, ld_src, dst, ld_dst, stream);
}

void ck_transpose_f64(int isa, long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst,
                      int stream) {
    f64_kernels(isa)->transpose(rows, columns, src, ld_src, dst, ld_dst, stream);
}

void ck_winograd_f2x3_weights_f32(int isa, long c0, long c1, long c, long k, const float *w, float *u, long u_stride, long nr) {
    f32_kernels(isa)->winograd_weights(c0, c1, c, k, w, u, u_stride, nr);
}

void ck_winograd_f2x3_weights_f64(int isa, long c0, long c1, long c, long k, const double *w, double *u, long u_stride, long nr) {
    f64_kernels(isa)->winograd_weights(c0, c1, c, k, w, u, u_stride, nr);
}

void ck_winograd_f2x3_input_f32(int isa, long tiles, long c, const float *const *pixels, float *v, long ldv) {
    f32_kernels(isa)->winograd_input(tiles, c, pixels, v, ldv);
}

void ck_winograd_f2x3_input_f64(int isa, long tiles, long c, const double *const *pixels, double *v, long ldv) {
    f64_kernels(isa)->winograd_input(tiles, c, pixels, v, ldv);
}

void ck_winograd_f2x3_output_f32(int isa, long tiles, long k, const float *m, long ldm, float *const *pixels, const float *bias) {
    f32_kernels(isa)->winograd_output(tiles, k, m, ldm, pixels, bias);
}

void ck_winograd_f2x3_output_f64(int isa, long tiles, long k, const double *m, long ldm, double *const *pixels, const double *bias) {
    f64_kernels(isa)->winograd_output(tiles, k, m, ldm, pixels, bias);
}

void ck_winograd_f2x3_gradient_f32(int isa, long tiles, long k, const float *const *pixels, float *e, long xi_stride, long panel_stride, long nr) {
    f32_kernels(isa)->winograd_gradient(tiles, k, pixels, e, xi_stride, panel_stride, nr);
}

void ck_winograd_f2x3_gradient_f64(int isa, long tiles, long k, const double *const *pixels, double *e, long xi_stride, long panel_stride, long nr) {
    f64_kernels(isa)->winograd_gradient(tiles, k, pixels, e, xi_stride, panel_stride, nr);
}

void ck_winograd_f2x3_weight_gradient_f32(int isa, long c0, long c1, long c, long k, const float *m, long xi_stride, float *dw) {
    f32_kernels(isa)->winograd_weight_gradient(c0, c1, c, k, m, xi_stride, dw);
}

void ck_winograd_f2x3_weight_gradient_f64(int isa, long c0, long c1, long c, long k, const double *m, long xi_stride, double *dw) {
    f64_kernels(isa)->winograd_weight_gradient(c0, c1, c, k, m, xi_stride, dw);
}

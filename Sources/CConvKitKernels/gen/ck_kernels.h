// Auto-generated file. Do not edit!
//   Generator: Scripts/generate-kernels.py
// Every generated kernel, and the table of the kernels and tiles of each instruction set.
#ifndef CK_KERNELS_H
#define CK_KERNELS_H

void ck_f32_gemm_packed_4x8__generic(long m, long n, long kc, const float *a, const float *b, float *c, const long *row_offsets, int accumulate);
void ck_f32_gemm_indirect_4x8__generic(long m, long n, long taps, long channels, const float *const *rows, const float *b, const float *bias, float *c, const long *row_offsets, int accumulate);
void ck_f32_weight_gradient_4x8__generic(long m, long row_base, long n, long depth, long taps, long channels, const float *const *rows, float *b, const float *b_source, long ld_source, const float *b_next, long next_depth, float *c, const long *row_offsets, int accumulate);
void ck_f32_panel_sums_8__generic(const float *packed, long rows, long n, float *sum);
void ck_f32_pool_max_c16__generic(const float *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, float *out, void *arg, int arg_bytes, const float **tap_pointers, int *tap_ids, int stream, long ahead);
void ck_f32_pool_avg_c16__generic(const float *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, float *out, int stream, long ahead);
void ck_f32_pool_max_backward_c16__generic(float *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const float *dy, const void *arg, int arg_bytes, int assign);
void ck_f32_pool_max_gather_c16__generic(const float *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, float *dx, int stream);
void ck_f32_pool_max_nchw__generic(const ck_pool_plane *g, long planes, const float *x, float *out, void *arg, int arg_bytes);
void ck_f32_pool_avg_nchw__generic(const ck_pool_plane *g, long planes, const float *x, float *out);
void ck_f32_pool_avg_backward_nchw__generic(const ck_pool_plane *g, long planes, const float *dy, int tiles, float *share, float *dx);
void ck_f32_pool_max_backward_nchw__generic(const ck_pool_plane *g, long planes, const float *dy, const void *arg, int arg_bytes, int tiles, float *dx);
void ck_f32_transpose_4x4__generic(long rows, long columns, const float *src, long ld_src, float *dst, long ld_dst, int stream);
void ck_f32_winograd_f2x3_weights__generic(long c0, long c1, long c, long k, const float *w, float *u, long u_stride, long nr);
void ck_f32_winograd_f2x3_input__generic(long tiles, long c, const float *const *pixels, float *v, long ldv);
void ck_f32_winograd_f2x3_output__generic(long tiles, long k, const float *m, long ldm, float *const *pixels, const float *bias);
void ck_f32_winograd_f2x3_gradient__generic(long tiles, long k, const float *const *pixels, float *e, long xi_stride, long panel_stride, long nr);
void ck_f32_winograd_f2x3_weight_gradient__generic(long c0, long c1, long c, long k, const float *m, long xi_stride, float *dw);
void ck_f32_few_columns_2x16__generic(long m, long n, long taps, long channels, const float *const *rows, const float *const *b, long b_column_stride, float *c, const long *row_offsets);
void ck_f64_gemm_packed_4x8__generic(long m, long n, long kc, const double *a, const double *b, double *c, const long *row_offsets, int accumulate);
void ck_f64_gemm_indirect_4x8__generic(long m, long n, long taps, long channels, const double *const *rows, const double *b, const double *bias, double *c, const long *row_offsets, int accumulate);
void ck_f64_weight_gradient_4x8__generic(long m, long row_base, long n, long depth, long taps, long channels, const double *const *rows, double *b, const double *b_source, long ld_source, const double *b_next, long next_depth, double *c, const long *row_offsets, int accumulate);
void ck_f64_panel_sums_8__generic(const double *packed, long rows, long n, double *sum);
void ck_f64_pool_max_c8__generic(const double *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, double *out, void *arg, int arg_bytes, const double **tap_pointers, int *tap_ids, int stream, long ahead);
void ck_f64_pool_avg_c8__generic(const double *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, double *out, int stream, long ahead);
void ck_f64_pool_max_backward_c8__generic(double *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const double *dy, const void *arg, int arg_bytes, int assign);
void ck_f64_pool_max_gather_c8__generic(const double *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, double *dx, int stream);
void ck_f64_pool_max_nchw__generic(const ck_pool_plane *g, long planes, const double *x, double *out, void *arg, int arg_bytes);
void ck_f64_pool_avg_nchw__generic(const ck_pool_plane *g, long planes, const double *x, double *out);
void ck_f64_pool_avg_backward_nchw__generic(const ck_pool_plane *g, long planes, const double *dy, int tiles, double *share, double *dx);
void ck_f64_pool_max_backward_nchw__generic(const ck_pool_plane *g, long planes, const double *dy, const void *arg, int arg_bytes, int tiles, double *dx);
void ck_f64_transpose_2x2__generic(long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst, int stream);
void ck_f64_winograd_f2x3_weights__generic(long c0, long c1, long c, long k, const double *w, double *u, long u_stride, long nr);
void ck_f64_winograd_f2x3_input__generic(long tiles, long c, const double *const *pixels, double *v, long ldv);
void ck_f64_winograd_f2x3_output__generic(long tiles, long k, const double *m, long ldm, double *const *pixels, const double *bias);
void ck_f64_winograd_f2x3_gradient__generic(long tiles, long k, const double *const *pixels, double *e, long xi_stride, long panel_stride, long nr);
void ck_f64_winograd_f2x3_weight_gradient__generic(long c0, long c1, long c, long k, const double *m, long xi_stride, double *dw);
void ck_f64_few_columns_2x8__generic(long m, long n, long taps, long channels, const double *const *rows, const double *const *b, long b_column_stride, double *c, const long *row_offsets);
float ck_f32_peak_8x4__generic(long iterations);
void ck_f32_small_forward__generic(long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw, const float *bias, float *y, long ldy);
void ck_f32_small_forward_planes_4x2__generic(long rows, long count, long n, long taps, const long *offsets, const float *x, long ldx, const float *w, long ldw, const float *bias, float *y, long ld_plane);
void ck_f32_small_weights__generic(long segments, const long *lengths, long n, long taps, const float *const *rows, long ld_rows, const float *dy, long ldy, float *dw, long lddw);
void ck_f32_small_data_2x32__generic(long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x);
void ck_f32_small_pack_band__generic(const float *x, long channels, long channel_step, const long *row_map, long rows, const long *column_map, long columns, long stride, long line, float *band);
void ck_f32_small_unpack_band__generic(const float *band, long channels, long rows, long columns, long top, long left, long stride, long line, long padded_rows, long padded_columns, float *dx, int planar);
void ck_f32_small_transpose__generic(const float *dy, long count, long n, long ldy, long pitch, float *dyt);
#if defined(__x86_64__)
void ck_f32_gemm_packed_6x16__avx2(long m, long n, long kc, const float *a, const float *b, float *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f32_gemm_indirect_6x16__avx2(long m, long n, long taps, long channels, const float *const *rows, const float *b, const float *bias, float *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f32_weight_gradient_6x16__avx2(long m, long row_base, long n, long depth, long taps, long channels, const float *const *rows, float *b, const float *b_source, long ld_source, const float *b_next, long next_depth, float *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f32_panel_sums_16__avx2(const float *packed, long rows, long n, float *sum);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_c32__avx2(const float *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, float *out, void *arg, int arg_bytes, const float **tap_pointers, int *tap_ids, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f32_pool_avg_c64__avx2(const float *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, float *out, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_backward_c32__avx2(float *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const float *dy, const void *arg, int arg_bytes, int assign);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_gather_c32__avx2(const float *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, float *dx, int stream);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_nchw__avx2(const ck_pool_plane *g, long planes, const float *x, float *out, void *arg, int arg_bytes);
#endif
#if defined(__x86_64__)
void ck_f32_pool_avg_nchw__avx2(const ck_pool_plane *g, long planes, const float *x, float *out);
#endif
#if defined(__x86_64__)
void ck_f32_pool_avg_backward_nchw__avx2(const ck_pool_plane *g, long planes, const float *dy, int tiles, float *share, float *dx);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_backward_nchw__avx2(const ck_pool_plane *g, long planes, const float *dy, const void *arg, int arg_bytes, int tiles, float *dx);
#endif
#if defined(__x86_64__)
void ck_f32_transpose_8x8__avx2(long rows, long columns, const float *src, long ld_src, float *dst, long ld_dst, int stream);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_weights__avx2(long c0, long c1, long c, long k, const float *w, float *u, long u_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_input__avx2(long tiles, long c, const float *const *pixels, float *v, long ldv);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_output__avx2(long tiles, long k, const float *m, long ldm, float *const *pixels, const float *bias);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_gradient__avx2(long tiles, long k, const float *const *pixels, float *e, long xi_stride, long panel_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_weight_gradient__avx2(long c0, long c1, long c, long k, const float *m, long xi_stride, float *dw);
#endif
#if defined(__x86_64__)
void ck_f32_few_columns_2x16__avx2(long m, long n, long taps, long channels, const float *const *rows, const float *const *b, long b_column_stride, float *c, const long *row_offsets);
#endif
#if defined(__x86_64__)
void ck_f64_gemm_packed_6x8__avx2(long m, long n, long kc, const double *a, const double *b, double *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f64_gemm_indirect_6x8__avx2(long m, long n, long taps, long channels, const double *const *rows, const double *b, const double *bias, double *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f64_weight_gradient_6x8__avx2(long m, long row_base, long n, long depth, long taps, long channels, const double *const *rows, double *b, const double *b_source, long ld_source, const double *b_next, long next_depth, double *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f64_panel_sums_8__avx2(const double *packed, long rows, long n, double *sum);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_c16__avx2(const double *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, double *out, void *arg, int arg_bytes, const double **tap_pointers, int *tap_ids, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f64_pool_avg_c32__avx2(const double *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, double *out, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_backward_c16__avx2(double *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const double *dy, const void *arg, int arg_bytes, int assign);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_gather_c16__avx2(const double *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, double *dx, int stream);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_nchw__avx2(const ck_pool_plane *g, long planes, const double *x, double *out, void *arg, int arg_bytes);
#endif
#if defined(__x86_64__)
void ck_f64_pool_avg_nchw__avx2(const ck_pool_plane *g, long planes, const double *x, double *out);
#endif
#if defined(__x86_64__)
void ck_f64_pool_avg_backward_nchw__avx2(const ck_pool_plane *g, long planes, const double *dy, int tiles, double *share, double *dx);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_backward_nchw__avx2(const ck_pool_plane *g, long planes, const double *dy, const void *arg, int arg_bytes, int tiles, double *dx);
#endif
#if defined(__x86_64__)
void ck_f64_transpose_4x4__avx2(long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst, int stream);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_weights__avx2(long c0, long c1, long c, long k, const double *w, double *u, long u_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_input__avx2(long tiles, long c, const double *const *pixels, double *v, long ldv);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_output__avx2(long tiles, long k, const double *m, long ldm, double *const *pixels, const double *bias);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_gradient__avx2(long tiles, long k, const double *const *pixels, double *e, long xi_stride, long panel_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_weight_gradient__avx2(long c0, long c1, long c, long k, const double *m, long xi_stride, double *dw);
#endif
#if defined(__x86_64__)
void ck_f64_few_columns_2x8__avx2(long m, long n, long taps, long channels, const double *const *rows, const double *const *b, long b_column_stride, double *c, const long *row_offsets);
#endif
#if defined(__x86_64__)
float ck_f32_peak_12x8__avx2(long iterations);
#endif
#if defined(__x86_64__)
void ck_f32_small_forward__avx2(long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw, const float *bias, float *y, long ldy);
#endif
#if defined(__x86_64__)
void ck_f32_small_forward_planes_6x2__avx2(long rows, long count, long n, long taps, const long *offsets, const float *x, long ldx, const float *w, long ldw, const float *bias, float *y, long ld_plane);
#endif
#if defined(__x86_64__)
void ck_f32_small_weights__avx2(long segments, const long *lengths, long n, long taps, const float *const *rows, long ld_rows, const float *dy, long ldy, float *dw, long lddw);
#endif
#if defined(__x86_64__)
void ck_f32_small_data_3x32__avx2(long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x);
#endif
#if defined(__x86_64__)
void ck_f32_small_pack_band__avx2(const float *x, long channels, long channel_step, const long *row_map, long rows, const long *column_map, long columns, long stride, long line, float *band);
#endif
#if defined(__x86_64__)
void ck_f32_small_unpack_band__avx2(const float *band, long channels, long rows, long columns, long top, long left, long stride, long line, long padded_rows, long padded_columns, float *dx, int planar);
#endif
#if defined(__x86_64__)
void ck_f32_small_transpose__avx2(const float *dy, long count, long n, long ldy, long pitch, float *dyt);
#endif
#if defined(__x86_64__)
void ck_f32_gemm_packed_8x32__avx512(long m, long n, long kc, const float *a, const float *b, float *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f32_gemm_indirect_8x32__avx512(long m, long n, long taps, long channels, const float *const *rows, const float *b, const float *bias, float *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f32_weight_gradient_6x64__avx512(long m, long row_base, long n, long depth, long taps, long channels, const float *const *rows, float *b, const float *b_source, long ld_source, const float *b_next, long next_depth, float *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f32_panel_sums_64__avx512(const float *packed, long rows, long n, float *sum);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_c64__avx512(const float *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, float *out, void *arg, int arg_bytes, const float **tap_pointers, int *tap_ids, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f32_pool_avg_c128__avx512(const float *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, float *out, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_backward_c64__avx512(float *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const float *dy, const void *arg, int arg_bytes, int assign);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_gather_c64__avx512(const float *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, float *dx, int stream);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_nchw__avx512(const ck_pool_plane *g, long planes, const float *x, float *out, void *arg, int arg_bytes);
#endif
#if defined(__x86_64__)
void ck_f32_pool_avg_nchw__avx512(const ck_pool_plane *g, long planes, const float *x, float *out);
#endif
#if defined(__x86_64__)
void ck_f32_pool_avg_backward_nchw__avx512(const ck_pool_plane *g, long planes, const float *dy, int tiles, float *share, float *dx);
#endif
#if defined(__x86_64__)
void ck_f32_pool_max_backward_nchw__avx512(const ck_pool_plane *g, long planes, const float *dy, const void *arg, int arg_bytes, int tiles, float *dx);
#endif
#if defined(__x86_64__)
void ck_f32_transpose_16x16__avx512(long rows, long columns, const float *src, long ld_src, float *dst, long ld_dst, int stream);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_weights__avx512(long c0, long c1, long c, long k, const float *w, float *u, long u_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_input__avx512(long tiles, long c, const float *const *pixels, float *v, long ldv);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_output__avx512(long tiles, long k, const float *m, long ldm, float *const *pixels, const float *bias);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_gradient__avx512(long tiles, long k, const float *const *pixels, float *e, long xi_stride, long panel_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f32_winograd_f2x3_weight_gradient__avx512(long c0, long c1, long c, long k, const float *m, long xi_stride, float *dw);
#endif
#if defined(__x86_64__)
void ck_f32_few_columns_2x16__avx512(long m, long n, long taps, long channels, const float *const *rows, const float *const *b, long b_column_stride, float *c, const long *row_offsets);
#endif
#if defined(__x86_64__)
void ck_f64_gemm_packed_8x16__avx512(long m, long n, long kc, const double *a, const double *b, double *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f64_gemm_indirect_8x16__avx512(long m, long n, long taps, long channels, const double *const *rows, const double *b, const double *bias, double *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f64_weight_gradient_6x32__avx512(long m, long row_base, long n, long depth, long taps, long channels, const double *const *rows, double *b, const double *b_source, long ld_source, const double *b_next, long next_depth, double *c, const long *row_offsets, int accumulate);
#endif
#if defined(__x86_64__)
void ck_f64_panel_sums_32__avx512(const double *packed, long rows, long n, double *sum);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_c32__avx512(const double *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, double *out, void *arg, int arg_bytes, const double **tap_pointers, int *tap_ids, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f64_pool_avg_c64__avx512(const double *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, double *out, int stream, long ahead);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_backward_c32__avx512(double *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const double *dy, const void *arg, int arg_bytes, int assign);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_gather_c32__avx512(const double *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, double *dx, int stream);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_nchw__avx512(const ck_pool_plane *g, long planes, const double *x, double *out, void *arg, int arg_bytes);
#endif
#if defined(__x86_64__)
void ck_f64_pool_avg_nchw__avx512(const ck_pool_plane *g, long planes, const double *x, double *out);
#endif
#if defined(__x86_64__)
void ck_f64_pool_avg_backward_nchw__avx512(const ck_pool_plane *g, long planes, const double *dy, int tiles, double *share, double *dx);
#endif
#if defined(__x86_64__)
void ck_f64_pool_max_backward_nchw__avx512(const ck_pool_plane *g, long planes, const double *dy, const void *arg, int arg_bytes, int tiles, double *dx);
#endif
#if defined(__x86_64__)
void ck_f64_transpose_8x8__avx512(long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst, int stream);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_weights__avx512(long c0, long c1, long c, long k, const double *w, double *u, long u_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_input__avx512(long tiles, long c, const double *const *pixels, double *v, long ldv);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_output__avx512(long tiles, long k, const double *m, long ldm, double *const *pixels, const double *bias);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_gradient__avx512(long tiles, long k, const double *const *pixels, double *e, long xi_stride, long panel_stride, long nr);
#endif
#if defined(__x86_64__)
void ck_f64_winograd_f2x3_weight_gradient__avx512(long c0, long c1, long c, long k, const double *m, long xi_stride, double *dw);
#endif
#if defined(__x86_64__)
void ck_f64_few_columns_2x8__avx512(long m, long n, long taps, long channels, const double *const *rows, const double *const *b, long b_column_stride, double *c, const long *row_offsets);
#endif
#if defined(__x86_64__)
float ck_f32_peak_24x16__avx512(long iterations);
#endif
#if defined(__x86_64__)
void ck_f32_small_forward__avx512(long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw, const float *bias, float *y, long ldy);
#endif
#if defined(__x86_64__)
void ck_f32_small_forward_planes_8x3__avx512(long rows, long count, long n, long taps, const long *offsets, const float *x, long ldx, const float *w, long ldw, const float *bias, float *y, long ld_plane);
#endif
#if defined(__x86_64__)
void ck_f32_small_weights__avx512(long segments, const long *lengths, long n, long taps, const float *const *rows, long ld_rows, const float *dy, long ldy, float *dw, long lddw);
#endif
#if defined(__x86_64__)
void ck_f32_small_data_12x32__avx512(long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x);
#endif
#if defined(__x86_64__)
void ck_f32_small_pack_band__avx512(const float *x, long channels, long channel_step, const long *row_map, long rows, const long *column_map, long columns, long stride, long line, float *band);
#endif
#if defined(__x86_64__)
void ck_f32_small_unpack_band__avx512(const float *band, long channels, long rows, long columns, long top, long left, long stride, long line, long padded_rows, long padded_columns, float *dx, int planar);
#endif
#if defined(__x86_64__)
void ck_f32_small_transpose__avx512(const float *dy, long count, long n, long ldy, long pitch, float *dyt);
#endif

/// The float kernels of one instruction set.
typedef struct {
    long gemm_packed_mr, gemm_packed_nr;
    void (*gemm_packed)(long m, long n, long kc, const float *a, const float *b, float *c, const long *row_offsets, int accumulate);
    long gemm_indirect_mr, gemm_indirect_nr;
    void (*gemm_indirect)(long m, long n, long taps, long channels, const float *const *rows, const float *b, const float *bias, float *c, const long *row_offsets, int accumulate);
    long weight_gradient_mr, weight_gradient_nr;
    void (*weight_gradient)(long m, long row_base, long n, long depth, long taps, long channels, const float *const *rows, float *b, const float *b_source, long ld_source, const float *b_next, long next_depth, float *c, const long *row_offsets, int accumulate);
    void (*panel_sums)(const float *packed, long rows, long n, float *sum);
    void (*few_columns)(long m, long n, long taps, long channels, const float *const *rows, const float *const *b, long b_column_stride, float *c, const long *row_offsets);
    long peak_flops_per_round;
    float (*peak)(long iterations);
    void (*small_forward)(long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw, const float *bias, float *y, long ldy);
    void (*small_forward_planes)(long rows, long count, long n, long taps, const long *offsets, const float *x, long ldx, const float *w, long ldw, const float *bias, float *y, long ld_plane);
    void (*small_weights)(long segments, const long *lengths, long n, long taps, const float *const *rows, long ld_rows, const float *dy, long ldy, float *dw, long lddw);
    void (*small_data)(long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x);
    void (*small_pack_band)(const float *x, long channels, long channel_step, const long *row_map, long rows, const long *column_map, long columns, long stride, long line, float *band);
    void (*small_unpack_band)(const float *band, long channels, long rows, long columns, long top, long left, long stride, long line, long padded_rows, long padded_columns, float *dx, int planar);
    void (*small_transpose)(const float *dy, long count, long n, long ldy, long pitch, float *dyt);
    void (*pool_max)(const float *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, float *out, void *arg, int arg_bytes, const float **tap_pointers, int *tap_ids, int stream, long ahead);
    void (*pool_avg)(const float *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, float *out, int stream, long ahead);
    void (*pool_max_backward)(float *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const float *dy, const void *arg, int arg_bytes, int assign);
    void (*pool_max_gather)(const float *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, float *dx, int stream);
    void (*pool_max_nchw)(const ck_pool_plane *g, long planes, const float *x, float *out, void *arg, int arg_bytes);
    void (*pool_avg_nchw)(const ck_pool_plane *g, long planes, const float *x, float *out);
    void (*pool_avg_backward_nchw)(const ck_pool_plane *g, long planes, const float *dy, int tiles, float *share, float *dx);
    void (*pool_max_backward_nchw)(const ck_pool_plane *g, long planes, const float *dy, const void *arg, int arg_bytes, int tiles, float *dx);
    void (*transpose)(long rows, long columns, const float *src, long ld_src, float *dst, long ld_dst, int stream);
    void (*winograd_weights)(long c0, long c1, long c, long k, const float *w, float *u, long u_stride, long nr);
    void (*winograd_input)(long tiles, long c, const float *const *pixels, float *v, long ldv);
    void (*winograd_output)(long tiles, long k, const float *m, long ldm, float *const *pixels, const float *bias);
    void (*winograd_gradient)(long tiles, long k, const float *const *pixels, float *e, long xi_stride, long panel_stride, long nr);
    void (*winograd_weight_gradient)(long c0, long c1, long c, long k, const float *m, long xi_stride, float *dw);
} ck_f32_kernels;
/// Indexed by ck_isa; on other CPUs than x86-64 every entry holds the portable kernels.
extern const ck_f32_kernels ck_f32_kernel_table[3];

/// The double kernels of one instruction set.
typedef struct {
    long gemm_packed_mr, gemm_packed_nr;
    void (*gemm_packed)(long m, long n, long kc, const double *a, const double *b, double *c, const long *row_offsets, int accumulate);
    long gemm_indirect_mr, gemm_indirect_nr;
    void (*gemm_indirect)(long m, long n, long taps, long channels, const double *const *rows, const double *b, const double *bias, double *c, const long *row_offsets, int accumulate);
    long weight_gradient_mr, weight_gradient_nr;
    void (*weight_gradient)(long m, long row_base, long n, long depth, long taps, long channels, const double *const *rows, double *b, const double *b_source, long ld_source, const double *b_next, long next_depth, double *c, const long *row_offsets, int accumulate);
    void (*panel_sums)(const double *packed, long rows, long n, double *sum);
    void (*few_columns)(long m, long n, long taps, long channels, const double *const *rows, const double *const *b, long b_column_stride, double *c, const long *row_offsets);
    void (*pool_max)(const double *const *x_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, double *out, void *arg, int arg_bytes, const double **tap_pointers, int *tap_ids, int stream, long ahead);
    void (*pool_avg)(const double *const *x_rows, long rows, const long *cols, long q, long c, long dw, long row_count, long divisor_override, double *out, int stream, long ahead);
    void (*pool_max_backward)(double *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c, long s, long dw, const double *dy, const void *arg, int arg_bytes, int assign);
    void (*pool_max_gather)(const double *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows, const long *column_start, const long *column_pairs, long w, long c, long s, int arg_bytes, double *dx, int stream);
    void (*pool_max_nchw)(const ck_pool_plane *g, long planes, const double *x, double *out, void *arg, int arg_bytes);
    void (*pool_avg_nchw)(const ck_pool_plane *g, long planes, const double *x, double *out);
    void (*pool_avg_backward_nchw)(const ck_pool_plane *g, long planes, const double *dy, int tiles, double *share, double *dx);
    void (*pool_max_backward_nchw)(const ck_pool_plane *g, long planes, const double *dy, const void *arg, int arg_bytes, int tiles, double *dx);
    void (*transpose)(long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst, int stream);
    void (*winograd_weights)(long c0, long c1, long c, long k, const double *w, double *u, long u_stride, long nr);
    void (*winograd_input)(long tiles, long c, const double *const *pixels, double *v, long ldv);
    void (*winograd_output)(long tiles, long k, const double *m, long ldm, double *const *pixels, const double *bias);
    void (*winograd_gradient)(long tiles, long k, const double *const *pixels, double *e, long xi_stride, long panel_stride, long nr);
    void (*winograd_weight_gradient)(long c0, long c1, long c, long k, const double *m, long xi_stride, double *dw);
} ck_f64_kernels;
/// Indexed by ck_isa; on other CPUs than x86-64 every entry holds the portable kernels.
extern const ck_f64_kernels ck_f64_kernel_table[3];

#endif

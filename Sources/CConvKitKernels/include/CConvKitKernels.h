// Micro-kernels of ConvKit's fast path, generated for every instruction set from one template per
// kernel family (Scripts/generate-kernels.py) and chosen at run time by the `isa` argument of each
// entry point. Everything else (packing, blocking, threading) lives in Swift.
#ifndef CCONVKITKERNELS_H
#define CCONVKITKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets with kernels of their own.
typedef enum {
    CK_ISA_GENERIC = 0,
    CK_ISA_AVX2 = 1,
    CK_ISA_AVX512 = 2,
} ck_isa;

/// The best instruction set this CPU supports.
int ck_isa_detect(void);
/// The instruction set the entry points below run for `isa`: `isa` itself, or the best this CPU
/// supports where it lacks `isa` (no kernel runs without its instructions).
int ck_isa_usable(int isa);

/// Kernel families with a micro-tile of rows × columns.
typedef enum {
    CK_FAMILY_GEMM_PACKED = 0,
    CK_FAMILY_GEMM_INDIRECT = 1,
    CK_FAMILY_WEIGHT_GRADIENT = 2,
} ck_family;

/// Rows (MR) and columns (NR) of the micro-tile of `family` for `isa`, for float (`is_double` 0)
/// or double. The packed and indirect kernels of one instruction set share NR (B is packed
/// alike for both).
void ck_kernel_tile(int isa, int family, int is_double, long *mr, long *nr);

/// C (+)= A · B over packed operands: for the `m × n` block of C whose row i starts at
/// `c + row_offsets[i]`,
///   C[i][j] = (accumulate ? C[i][j] : 0) + Σ_{p < kc} A[i][p] · B[p][j].
/// `a` holds ceil(m / MR) micro-panels, panel t at a + t·kc·MR, element (i, p) at [p·MR + i];
/// `b` holds ceil(n / NR) micro-panels, panel u at b + u·kc·NR, element (p, j) at [p·NR + j].
/// Panels are zero-padded to whole tiles; only the m × n block of C is written.
void ck_sgemm_packed(int isa, long m, long n, long kc, const float *a, const float *b,
                     float *c, const long *row_offsets, int accumulate);
void ck_dgemm_packed(int isa, long m, long n, long kc, const double *a, const double *b,
                     double *c, const long *row_offsets, int accumulate);

/// C (+)= A · B where A is given indirectly: row i of A is the concatenation over taps t of the
/// `channels` elements at `a_rows[i · taps + t]` (an implicit-GEMM convolution reads its input
/// through these pointers; a padding tap points at a row of zeros). B is packed as for
/// ck_sgemm_packed with depth taps · channels; C is addressed as there. `bias` (n elements, or
/// NULL) is added to every row, so C = bias + A · B needs no pass of its own.
void ck_sgemm_indirect(int isa, long m, long n, long taps, long channels, const float *const *a_rows,
                       const float *b, const float *bias, float *c, const long *row_offsets, int accumulate);
void ck_dgemm_indirect(int isa, long m, long n, long taps, long channels, const double *const *a_rows,
                       const double *b, const double *bias, double *c, const long *row_offsets, int accumulate);

/// C (+)= A · B for a convolution's weight gradient: row i of A and C is the (tap, channel) pair
/// row_base + i = tap · channels + channel, and A[i][p] = a_rows[p · taps + tap][channel] (the
/// input pixel that tap `tap` of output pixel p reads; a row of zeros for padding); B (depth × n,
/// the output gradient) is read from b, packed as ck_pack_panels packs it in panels of the
/// family's NR columns (ck_kernel_tile), or, given b_source (B's rows, ld_source apart), packed
/// into b by the kernel as it first reads it; C as in ck_sgemm_packed. `b_next` (or NULL): the
/// first of `next_depth` rows (ld_source apart) that the next call will pack, fetched into the
/// caches meanwhile; it changes no result. The sums over each piece of CK_WEIGHT_GRADIENT_CHAIN
/// pixels (from p = 0) are chains of FMAs from zero, added to C (stored, for the first piece
/// when !accumulate) in order.
#define CK_WEIGHT_GRADIENT_CHAIN 128
void ck_sgemm_weight_gradient(int isa, long m, long row_base, long n, long depth, long taps, long channels,
                              const float *const *a_rows, float *b, const float *b_source, long ld_source,
                              const float *b_next, long next_depth, float *c, const long *row_offsets, int accumulate);
void ck_dgemm_weight_gradient(int isa, long m, long row_base, long n, long depth, long taps, long channels,
                              const double *const *a_rows, double *b, const double *b_source, long ld_source,
                              const double *b_next, long next_depth, double *c, const long *row_offsets,
                              int accumulate);
/// The bias gradient's sums beside the weight gradient: sum[j] += Σ_p B(p, j) for j < n, B packed
/// as the weight-gradient kernel reads it (`rows` rows in panels of its nr columns), each column
/// added in the order of p on every instruction set.
void ck_spanel_sums(int isa, const float *packed, long rows, long n, float *sum);
void ck_dpanel_sums(int isa, const double *packed, long rows, long n, double *sum);

/// Packs `rows` rows of n columns of a row-major matrix (rows `ld` elements apart, elements of
/// `element_size` bytes) into panels of `nr` columns, `ld_panel` elements apart (rows · nr when
/// they are consecutive): element (p, j) of panel u goes to dst[u · ld_panel + p · nr + j], zero
/// where u · nr + j ≥ n.
void ck_pack_panels(const void *src, long element_size, long ld, long rows, long n, long nr, long ld_panel, void *dst);

/// dst[j · ld_dst + i] = src[i · ld_src + j] for i < rows, j < columns (blocks transposed in
/// registers). The layout conversions between NCHW and NHWC are batches of these. `stream` asks
/// for stores around the caches (results larger than the caches), taken where whole lines allow.
void ck_transpose_f32(int isa, long rows, long columns, const float *src, long ld_src, float *dst, long ld_dst,
                      int stream);
void ck_transpose_f64(int isa, long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst,
                      int stream);

/// Winograd F(2 × 2, 3 × 3) transforms for 3 × 3 stride-1 convolutions over NHWC
/// (templates/winograd.c.in), vectorised along the channels:
/// - weights: U[ξ] = G g Gᵀ for input channels c0 ..< c1 of a (3, 3, c, k) weight, into 16
///   matrices c × k packed in panels of nr columns (as ck_pack_panels packs B), matrix ξ at
///   u + ξ · u_stride; the panels' padding is not written;
/// - input: V = Bᵀ d B for `tiles` 4 × 4 tiles of c channels, pixel (i, j) of tile t at
///   pixels[16 t + 4 i + j], element ξ of tile t to v + (16 t + ξ) · ldv;
/// - output: Y = Aᵀ M A + bias (bias NULL for none), element ξ of tile t at m + (16 t + ξ) · ldm,
///   output (i, j) of tile t to pixels[4 t + 2 i + j] unless that is NULL.
void ck_winograd_f2x3_weights_f32(int isa, long c0, long c1, long c, long k, const float *w, float *u, long u_stride, long nr);
void ck_winograd_f2x3_weights_f64(int isa, long c0, long c1, long c, long k, const double *w, double *u, long u_stride, long nr);
void ck_winograd_f2x3_input_f32(int isa, long tiles, long c, const float *const *pixels, float *v, long ldv);
void ck_winograd_f2x3_input_f64(int isa, long tiles, long c, const double *const *pixels, double *v, long ldv);
void ck_winograd_f2x3_output_f32(int isa, long tiles, long k, const float *m, long ldm, float *const *pixels, const float *bias);
void ck_winograd_f2x3_output_f64(int isa, long tiles, long k, const double *m, long ldm, double *const *pixels, const double *bias);
/// The weight gradient's F(3 × 3, 2 × 2), around the same input transform:
/// - gradient: E = A e Aᵀ for `tiles` 2 × 2 output-gradient tiles of k channels, pixel (i, j)
///   of tile t at pixels[4 t + 2 i + j] (NULL for zeros), element ξ of tile t, channel kk, to
///   e + ξ · xi_stride + (kk / nr) · panel_stride + t · nr + kk % nr (panels of nr columns; their
///   padding is not written);
/// - weight_gradient: dw = Gᵀ M G for input channels c0 ..< c1, element ξ of pair (ci, kk) at
///   m + ξ · xi_stride + ci · k + kk, tap (r, s) to dw + ((3 r + s) · c + ci) · k + kk.
void ck_winograd_f2x3_gradient_f32(int isa, long tiles, long k, const float *const *pixels, float *e, long xi_stride, long panel_stride, long nr);
void ck_winograd_f2x3_gradient_f64(int isa, long tiles, long k, const double *const *pixels, double *e, long xi_stride, long panel_stride, long nr);
void ck_winograd_f2x3_weight_gradient_f32(int isa, long c0, long c1, long c, long k, const float *m, long xi_stride, float *dw);
void ck_winograd_f2x3_weight_gradient_f64(int isa, long c0, long c1, long c, long k, const double *m, long xi_stride, double *dw);

/// The forward pass's indirection table for output pixels m0 ..< m0 + count (m = (n·P + p)·Q + q):
/// entry i · R · S + r · S + s is the address of the input pixel that tap (r, s) reads,
/// base + ((n·H + ih)·W + iw − origin) · pixel_stride elements with ih = tap_rows[p·R + r] and
/// iw = tap_cols[q·S + s], or `zero` where either is −1 (zero padding); `origin` is the first
/// pixel base holds (0 for the whole tensor, counted across the batch).
void ck_forward_tap_pointers(const char *base, long element_size, long pixel_stride, long origin, long m0, long count,
                             long P, long Q, long H, long W, const long *tap_rows, long R,
                             const long *tap_cols, long S, const char *zero, const char **out);

/// The input gradient's indirection table for rows m0 ..< m0 + count of one stride residue class
/// (row m = (n·class_rows + a)·class_cols + b is padded position (first_row + a·sh, first_col + b·sw)):
/// entry i · taps + t is the output-gradient pixel that reached it through tap (tap_r[t], tap_s[t]),
/// or `zero`; row_offsets[i] is where its gradient goes in the (N, region_height, region_width,
/// out_pixel_stride) result, plus out_column.
void ck_gradient_tap_pointers(const char *dy, long element_size, long pixel_stride, long m0, long count,
                              long class_rows, long class_cols, long first_row, long first_col,
                              long sh, long sw, long dh, long dw, long P, long Q,
                              const long *tap_r, const long *tap_s, long taps, const char *zero,
                              const char **out, long region_top, long region_left, long region_height,
                              long region_width, long out_pixel_stride, long out_column, long *row_offsets);

/// C (+)= A · B for few columns (n ≤ 4): C[i][j] = Σ_t Σ_k a_rows[i·taps + t][k] · b_taps[t][j·b_column_stride + k]
/// with k < channels, vectorised along k. The input gradient of a layer with 1 to 4 input
/// channels, where a column panel of the other kernels would be mostly padding.
void ck_sgemm_few_columns(int isa, long m, long n, long taps, long channels, const float *const *a_rows,
                          const float *const *b_taps, long b_column_stride, float *c, const long *row_offsets);
void ck_dgemm_few_columns(int isa, long m, long n, long taps, long channels, const double *const *a_rows,
                          const double *const *b_taps, long b_column_stride, double *c, const long *row_offsets);

/// Fused multiply-add throughput probe: runs `iterations` rounds of independent FMAs on
/// registers of `isa` and returns a value that depends on them (so they are not optimised away).
/// Each round is 2 · lanes · chains flops, with lanes and chains given by ck_peak_flops_per_round.
float ck_peak_probe(int isa, long iterations);
long ck_peak_flops_per_round(int isa);

/// Direct kernels for convolutions with few input channels over a planar band
/// (templates/small_copy.c.in explains the layout). Float only, on every instruction set.
enum {
    /// Pixels per run of ck_small_weights (the row pitch of ck_small_transpose's result too).
    CK_SMALL_PITCH = 128,
    /// Taps per block of the packed weight ck_small_data reads.
    CK_SMALL_DATA_TAPS = 12,
    /// Pixels per call of ck_small_data (the columns of its transposed output gradient).
    CK_SMALL_DATA_PIXELS = 32,
};
/// band ← the padded rows of x (an image, (H, W, C) or (C, H, W)): channel c of padded row hp
/// and column wp copies x[row_map[hp] + column_map[wp] + c · channel_step] (a map's −1: zeros).
void ck_small_pack_band(int isa, const float *x, long channels, long channel_step, const long *row_map, long rows,
                        const long *column_map, long columns, long stride, long line, float *band);
/// dx (rows, columns, channels), or (channels, rows, columns) where `planar`, ← the band's
/// positions (h + top, w + left); zero where past the padded_rows × padded_columns the taps reach.
void ck_small_unpack_band(int isa, const float *band, long channels, long rows, long columns, long top, long left,
                          long stride, long line, long padded_rows, long padded_columns, float *dx, int planar);
/// dyt[j · pitch + q] ← dy[q · ldy + j] for j < n, q < count; zero for count ≤ q < pitch.
void ck_small_transpose(int isa, const float *dy, long count, long n, long ldy, long pitch, float *dyt);
/// y[q · ldy + j] = bias[j] + Σ_t x[offsets[t] + q] · w[t · ldw + j] (bias may be NULL).
void ck_small_forward(int isa, long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw,
                      const float *bias, float *y, long ldy);
/// y[j · ld_plane + r · count + q] = bias[j] + Σ_t x[r · ldx + offsets[t] + q] · w[t · ldw + j] for
/// r < rows: ck_small_forward's sums for `rows` output rows, stored into planes (NCHW) instead
/// of rows.
void ck_small_forward_planes(int isa, long rows, long count, long n, long taps, const long *offsets, const float *x,
                             long ldx, const float *w, long ldw, const float *bias, float *y, long ld_plane);
/// dw[t · lddw + j] += Σ_q a_t[q] · dy[q · ldy + j] over a run of pixels q in `segments` pieces:
/// piece s holds lengths[s] pixels, whose values of tap t are rows[s · ld_rows + t][0 …].
void ck_small_weights(int isa, long segments, const long *lengths, long n, long taps, const float *const *rows,
                      long ld_rows, const float *dy, long ldy, float *dw, long lddw);
/// x[offsets[t] + q] += Σ_j w[t, j] · dyt[j · CK_SMALL_DATA_PIXELS + q] for q < count, with w
/// packed in blocks of CK_SMALL_DATA_TAPS taps (block b as (n, CK_SMALL_DATA_TAPS) at
/// b · n · CK_SMALL_DATA_TAPS).
void ck_small_data(int isa, long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x);

/// Tells the CPU that the caller is spinning on a memory location (PAUSE on x86), so that a
/// waiting thread uses less of the core and leaves the loop quickly when the location changes.
static inline void ck_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// Tunes glibc's allocator to keep large freed blocks for reuse (no-op elsewhere). For
/// programs, not libraries: it changes the whole process.
void ck_keep_large_allocations(void);

#ifdef __cplusplus
}
#endif

#include "ck_pool.h"

#endif

// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/winograd.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// Winograd's minimal filtering F(2 × 2, 3 × 3) (Lavin and Gray, 2015) for 3 × 3 stride-1
// convolutions over NHWC, vectorised along the channels in steps of 4: the transforms of
// the weight (U = G g Gᵀ), of each 4 × 4 input tile (V = Bᵀ d B) and of each 4 × 4 product
// tile back to 2 × 2 outputs (Y = Aᵀ M A + bias). Between them, 16 GEMMs M[ξ] = V[ξ] · U[ξ]
// (the indirect GEMM kernel) do the multiplications: 16 per output tile and channel pair where
// the direct convolution does 36. Every ISA runs the same additions in the same order, and the
// halves of G are exact, so every ISA gives the same bits.
//
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
//
// The weight gradient is the dual algorithm F(3 × 3, 2 × 2): each 4 × 4 input tile correlated
// with the 2 × 2 output-gradient tile under it, dw = Gᵀ [(A e Aᵀ) ⊙ (Bᵀ d B)] G summed over the
// tiles, the sum over tiles again 16 GEMMs (the weight-gradient kernel), between the same input
// transform, one of the output gradient (A e Aᵀ) and one back to 3 × 3 (Gᵀ M G).

// Rows (or, with a stride of 1, columns) of Bᵀ d: d points at 4 values `stride` apart.
CKV_INLINE void ck_wino_input_rows_f64_avx2(const ckv_avx2_f64 *d, long stride, ckv_avx2_f64 *t) {
    t[0] = ckv_avx2_f64_sub(d[0], d[2 * stride]);
    t[stride] = ckv_avx2_f64_add(d[stride], d[2 * stride]);
    t[2 * stride] = ckv_avx2_f64_sub(d[2 * stride], d[stride]);
    t[3 * stride] = ckv_avx2_f64_sub(d[stride], d[3 * stride]);
}

// G g for three values `stride` apart (four out).
CKV_INLINE void ck_wino_weight_rows_f64_avx2(const ckv_avx2_f64 *g, long stride, ckv_avx2_f64 *a, long out_stride) {
    ckv_avx2_f64 half = ckv_avx2_f64_set1((double)0.5);
    ckv_avx2_f64 outer = ckv_avx2_f64_add(g[0], g[2 * stride]);
    a[0] = g[0];
    a[out_stride] = ckv_avx2_f64_mul(ckv_avx2_f64_add(outer, g[stride]), half);
    a[2 * out_stride] = ckv_avx2_f64_mul(ckv_avx2_f64_sub(outer, g[stride]), half);
    a[3 * out_stride] = g[2 * stride];
}

// Aᵀ m for four values `stride` apart (two out).
CKV_INLINE void ck_wino_output_rows_f64_avx2(const ckv_avx2_f64 *m, long stride, ckv_avx2_f64 *s, long out_stride) {
    s[0] = ckv_avx2_f64_add(ckv_avx2_f64_add(m[0], m[stride]), m[2 * stride]);
    s[out_stride] = ckv_avx2_f64_sub(ckv_avx2_f64_sub(m[stride], m[2 * stride]), m[3 * stride]);
}

// U[ξ] for input channels c0 ..< c1 of a (3, 3, c, k) weight, written into the 16 packed
// matrices at u + ξ · u_stride, each c × k in panels of nr columns (element (ci, kk) at
// ((kk / nr) · c + ci) · nr + kk % nr; nr a multiple of 4, the panels' padding left as it is).
CKV_TARGET void ck_f64_winograd_f2x3_weights__avx2(long c0, long c1, long c, long k, const double *w, double *u,
                                                  long u_stride, long nr) {
    for (long ci = c0; ci < c1; ci++) {
        for (long kk = 0; kk < k; kk += 4) {
            long left = k - kk;
            ckv_avx2_f64 g[9], a[12], x[16];
            CK_UNROLL for (int tap = 0; tap < 9; tap++) g[tap] = ckv_avx2_f64_load_tail(w + (tap * c + ci) * k + kk, left);
            // a = G g (4 × 3), then U = a Gᵀ (4 × 4).
            CK_UNROLL for (int j = 0; j < 3; j++) ck_wino_weight_rows_f64_avx2(g + j, 3, a + j, 3);
            CK_UNROLL for (int i = 0; i < 4; i++) ck_wino_weight_rows_f64_avx2(a + 3 * i, 1, x + 4 * i, 1);
            double *dst = u + ((kk / nr) * c + ci) * nr + kk % nr;
            CK_UNROLL for (int xi = 0; xi < 16; xi++) ckv_avx2_f64_store_tail(dst + xi * u_stride, x[xi], left);
        }
    }
}

// V = Bᵀ d B for `tiles` input tiles: pixel (i, j) of tile t (c channels) at pixels[16 t + 4 i + j];
// element ξ = 4 i + j of tile t goes to v + (16 t + ξ) · ldv.
CKV_TARGET void ck_f64_winograd_f2x3_input__avx2(long tiles, long c, const double *const *pixels, double *v, long ldv) {
    for (long t = 0; t < tiles; t++) {
        const double *const *p = pixels + 16 * t;
        double *out = v + 16 * t * ldv;
        for (long ch = 0; ch < c; ch += 4) {
            long left = c - ch;
            ckv_avx2_f64 d[16], x[16];
            CK_UNROLL for (int e = 0; e < 16; e++) d[e] = ckv_avx2_f64_load_tail(p[e] + ch, left);
            CK_UNROLL for (int j = 0; j < 4; j++) ck_wino_input_rows_f64_avx2(d + j, 4, x + j);
            CK_UNROLL for (int i = 0; i < 4; i++) ck_wino_input_rows_f64_avx2(x + 4 * i, 1, d + 4 * i);
            CK_UNROLL for (int e = 0; e < 16; e++) ckv_avx2_f64_store_tail(out + e * ldv + ch, d[e], left);
        }
    }
}

// Y = Aᵀ M A + bias for `tiles` product tiles: element ξ of tile t (k channels) at
// m + (16 t + ξ) · ldm; output (i, j) of tile t goes to pixels[4 t + 2 i + j], or nowhere when NULL
// (the tiles past an odd output edge).
CKV_TARGET void ck_f64_winograd_f2x3_output__avx2(long tiles, long k, const double *m, long ldm, double *const *pixels,
                                                 const double *bias) {
    for (long t = 0; t < tiles; t++) {
        double *const *p = pixels + 4 * t;
        const double *in = m + 16 * t * ldm;
        for (long ch = 0; ch < k; ch += 4) {
            long left = k - ch;
            ckv_avx2_f64 x[16], s[8], y[4];
            CK_UNROLL for (int e = 0; e < 16; e++) x[e] = ckv_avx2_f64_load_tail(in + e * ldm + ch, left);
            CK_UNROLL for (int j = 0; j < 4; j++) ck_wino_output_rows_f64_avx2(x + j, 4, s + j, 4);
            CK_UNROLL for (int i = 0; i < 2; i++) ck_wino_output_rows_f64_avx2(s + 4 * i, 1, y + 2 * i, 1);
            ckv_avx2_f64 b = bias ? ckv_avx2_f64_load_tail(bias + ch, left) : ckv_avx2_f64_zero();
            CK_UNROLL for (int e = 0; e < 4; e++)
                if (p[e]) ckv_avx2_f64_store_tail(p[e] + ch, ckv_avx2_f64_add(y[e], b), left);
        }
    }
}

// A e for two values `stride` apart (four out): e0, e0 + e1, e0 − e1, 0 − e1.
CKV_INLINE void ck_wino_gradient_rows_f64_avx2(const ckv_avx2_f64 *e, long stride, ckv_avx2_f64 *a, long out_stride) {
    a[0] = e[0];
    a[out_stride] = ckv_avx2_f64_add(e[0], e[stride]);
    a[2 * out_stride] = ckv_avx2_f64_sub(e[0], e[stride]);
    a[3 * out_stride] = ckv_avx2_f64_sub(ckv_avx2_f64_zero(), e[stride]);
}

// Gᵀ m for four values `stride` apart (three out): m0 + ½(m1 + m2), ½(m1 − m2), ½(m1 + m2) + m3.
CKV_INLINE void ck_wino_weight_gradient_rows_f64_avx2(const ckv_avx2_f64 *m, long stride, ckv_avx2_f64 *w, long out_stride) {
    ckv_avx2_f64 half = ckv_avx2_f64_set1((double)0.5);
    ckv_avx2_f64 inner = ckv_avx2_f64_mul(ckv_avx2_f64_add(m[stride], m[2 * stride]), half);
    w[0] = ckv_avx2_f64_add(m[0], inner);
    w[out_stride] = ckv_avx2_f64_mul(ckv_avx2_f64_sub(m[stride], m[2 * stride]), half);
    w[2 * out_stride] = ckv_avx2_f64_add(inner, m[3 * stride]);
}

// E = A e Aᵀ for `tiles` 2 × 2 output-gradient tiles: pixel (i, j) of tile t (k channels) at
// pixels[4 t + 2 i + j], NULL for zeros (past an odd edge); element ξ of tile t, channel kk,
// goes to e + ξ · xi_stride + (kk / nr) · panel_stride + t · nr + kk % nr: the GEMM's B in panels
// of nr columns (nr a multiple of 4; the panels' padding is not written).
CKV_TARGET void ck_f64_winograd_f2x3_gradient__avx2(long tiles, long k, const double *const *pixels, double *e,
                                                        long xi_stride, long panel_stride, long nr) {
    for (long t = 0; t < tiles; t++) {
        const double *const *p = pixels + 4 * t;
        for (long kk = 0; kk < k; kk += 4) {
            long left = k - kk;
            ckv_avx2_f64 g[4], a[8], x[16];
            CK_UNROLL for (int i = 0; i < 4; i++) g[i] = p[i] ? ckv_avx2_f64_load_tail(p[i] + kk, left) : ckv_avx2_f64_zero();
            CK_UNROLL for (int j = 0; j < 2; j++) ck_wino_gradient_rows_f64_avx2(g + j, 2, a + j, 2);
            CK_UNROLL for (int i = 0; i < 4; i++) ck_wino_gradient_rows_f64_avx2(a + 2 * i, 1, x + 4 * i, 1);
            double *dst = e + (kk / nr) * panel_stride + t * nr + kk % nr;
            CK_UNROLL for (int xi = 0; xi < 16; xi++) ckv_avx2_f64_store_tail(dst + xi * xi_stride, x[xi], left);
        }
    }
}

// dw = Gᵀ M G for input channels c0 ..< c1: element ξ of channel pair (ci, kk) at
// m + ξ · xi_stride + ci · k + kk; tap (r, s) of it goes to dw + ((3 r + s) · c + ci) · k + kk, a
// (3, 3, c, k) weight gradient.
CKV_TARGET void ck_f64_winograd_f2x3_weight_gradient__avx2(long c0, long c1, long c, long k, const double *m,
                                                               long xi_stride, double *dw) {
    for (long ci = c0; ci < c1; ci++) {
        for (long kk = 0; kk < k; kk += 4) {
            long left = k - kk;
            ckv_avx2_f64 x[16], s[12], w[9];
            CK_UNROLL for (int xi = 0; xi < 16; xi++) x[xi] = ckv_avx2_f64_load_tail(m + xi * xi_stride + ci * k + kk, left);
            CK_UNROLL for (int j = 0; j < 4; j++) ck_wino_weight_gradient_rows_f64_avx2(x + j, 4, s + j, 4);
            CK_UNROLL for (int i = 0; i < 3; i++) ck_wino_weight_gradient_rows_f64_avx2(s + 4 * i, 1, w + 3 * i, 1);
            CK_UNROLL for (int tap = 0; tap < 9; tap++) ckv_avx2_f64_store_tail(dw + (tap * c + ci) * k + kk, w[tap], left);
        }
    }
}
#endif  // defined(__x86_64__)

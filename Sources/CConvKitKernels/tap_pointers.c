// Indirection tables of the implicit-GEMM kernels: which input (or output-gradient) pixel each
// tap of each row reads. Built in C because it runs once per row and tap of every call.
#include "CConvKitKernels.h"

void ck_forward_tap_pointers(const char *base, long element_size, long pixel_stride, long origin, long m0, long count,
                             long P, long Q, long H, long W, const long *tap_rows, long R,
                             const long *tap_cols, long S, const char *zero, const char **out) {
    long n = m0 / (P * Q), p = m0 / Q % P, q = m0 % Q;
    long bytes_per_pixel = pixel_stride * element_size;
    for (long i = 0; i < count; i++) {
        const long *rows = tap_rows + p * R, *cols = tap_cols + q * S;
        for (long r = 0; r < R; r++) {
            long ih = rows[r];
            for (long s = 0; s < S; s++) {
                long iw = cols[s];
                *out++ = ih >= 0 && iw >= 0 ? base + ((n * H + ih) * W + iw - origin) * bytes_per_pixel : zero;
            }
        }
        if (++q == Q) { q = 0; if (++p == P) { p = 0; n++; } }
    }
}

void ck_gradient_tap_pointers(const char *dy, long element_size, long pixel_stride, long m0, long count,
                              long class_rows, long class_cols, long first_row, long first_col,
                              long sh, long sw, long dh, long dw, long P, long Q,
                              const long *tap_r, const long *tap_s, long taps, const char *zero,
                              const char **out, long region_top, long region_left, long region_height,
                              long region_width, long out_pixel_stride, long out_column, long *row_offsets) {
    long per_image = class_rows * class_cols;
    long n = m0 / per_image, a = m0 % per_image / class_cols, b = m0 % class_cols;
    long bytes_per_pixel = pixel_stride * element_size;
    for (long i = 0; i < count; i++) {
        long hp = first_row + a * sh, wp = first_col + b * sw;
        row_offsets[i] = ((n * region_height + hp - region_top) * region_width + wp - region_left) * out_pixel_stride + out_column;
        for (long t = 0; t < taps; t++) {
            // The output position that read this padded position through tap (r, s); the class
            // guarantees the divisions are exact.
            long dr = hp - tap_r[t] * dh, dc = wp - tap_s[t] * dw;
            // Integer division is slow; stride 1 (the common case) needs none.
            long pp = sh == 1 ? dr : dr / sh, qq = sw == 1 ? dc : dc / sw;
            *out++ = dr >= 0 && pp < P && dc >= 0 && qq < Q ? dy + ((n * P + pp) * Q + qq) * bytes_per_pixel : zero;
        }
        if (++b == class_cols) { b = 0; if (++a == class_rows) { a = 0; n++; } }
    }
}

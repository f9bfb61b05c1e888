// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/small_copy.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx512.h"

// The copies of the few-channel kernels, plain loops the compiler vectorises for avx512
// (CConvKitKernels.h, ck_small_pack_band and the two after it).
//
// The input (or its gradient) is held as a *planar band*: for each padded row, one line per
// channel c and stride residue ρ holding the padded columns ρ, ρ + sw, ρ + 2sw, … So tap
// (r, s, c) of output column q reads `line[q + offset]`: for every tap the pixels of an output
// row are contiguous, and the kernels broadcast them in place.

// Channel c of x's element at row_map[hp] + column_map[wp] is c · channel_step further: 1 in an
// (H, W, C) image, H · W in a (C, H, W) one.
CKV_TARGET void ck_f32_small_pack_band__avx512(const float *x, long channels, long channel_step, const long *row_map,
                                              long rows, const long *column_map, long columns, long stride, long line,
                                              float *band) {
    long row_pitch = channels * stride * line;
    for (long hp = 0; hp < rows; hp++) {
        float *out = band + hp * row_pitch;
        if (row_map[hp] < 0) {
            for (long i = 0; i < row_pitch; i++) out[i] = 0;
            continue;
        }
        for (long c = 0; c < channels; c++) {
            const float *source = x + row_map[hp] + c * channel_step;
            for (long residue = 0; residue < stride; residue++) {
                float *lane = out + (c * stride + residue) * line;
                long j = 0;
                for (long wp = residue; wp < columns; j++, wp += stride) {
                    long from = column_map[wp];
                    lane[j] = from < 0 ? 0 : source[from];
                }
                for (; j < line; j++) lane[j] = 0;
            }
        }
    }
}

CKV_TARGET void ck_f32_small_unpack_band__avx512(const float *band, long channels, long rows, long columns, long top,
                                                long left, long stride, long line, long padded_rows,
                                                long padded_columns, float *dx, int planar) {
    long row_pitch = channels * stride * line;
    // Element (h, w, c) of dx: NHWC, or NCHW where `planar`.
    long pixel_step = planar ? 1 : channels, channel_step = planar ? rows * columns : 1;
    for (long h = 0; h < rows; h++) {
        long hp = h + top;
        for (long w = 0; w < columns; w++) {
            long wp = w + left;
            float *out = dx + (h * columns + w) * pixel_step;
            // Positions no tap reaches (past the last window) get no gradient.
            if (hp >= padded_rows || wp >= padded_columns) {
                for (long c = 0; c < channels; c++) out[c * channel_step] = 0;
                continue;
            }
            const float *lines = band + hp * row_pitch + (wp % stride) * line + wp / stride;
            for (long c = 0; c < channels; c++) out[c * channel_step] = lines[c * stride * line];
        }
    }
}

CKV_TARGET void ck_f32_small_transpose__avx512(const float *dy, long count, long n, long ldy, long pitch, float *dyt) {
    for (long j = 0; j < n; j++) {
        float *row = dyt + j * pitch;
        for (long q = 0; q < count; q++) row[q] = dy[q * ldy + j];
        for (long q = count; q < pitch; q++) row[q] = 0;
    }
}
#endif  // defined(__x86_64__)

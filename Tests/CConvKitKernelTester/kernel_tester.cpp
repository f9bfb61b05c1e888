// The micro-kernel testers (CConvKitKernelTester.h). One tester per family; each case builds
// its operands with offsets and strides, fills every output element the kernel must not touch
// with a sentinel NaN, runs the kernel through its public entry point, and checks every element.
#include "CConvKitKernelTester.h"
#include "CConvKitKernels.h"
#include "tester_support.h"

namespace {

using namespace ckt;

template <typename T> struct Entry;
template <> struct Entry<float> {
    static constexpr int is_double = 0;
    static void packed(int isa, long m, long n, long kc, const float *a, const float *b, float *c, const long *ro, int acc) {
        ck_sgemm_packed(isa, m, n, kc, a, b, c, ro, acc);
    }
    static void indirect(int isa, long m, long n, long taps, long ch, const float *const *rows, const float *b,
                         const float *bias, float *c, const long *ro, int acc) {
        ck_sgemm_indirect(isa, m, n, taps, ch, rows, b, bias, c, ro, acc);
    }
    static void weight_gradient(int isa, long m, long base, long n, long depth, long taps, long ch,
                                const float *const *rows, float *b, const float *source, long lds, float *c, const long *ro,
                                int acc) {
        ck_sgemm_weight_gradient(isa, m, base, n, depth, taps, ch, rows, b, source, lds, c, ro, acc);
    }
    static void few_columns(int isa, long m, long n, long taps, long ch, const float *const *rows,
                            const float *const *b, long bcs, float *c, const long *ro) {
        ck_sgemm_few_columns(isa, m, n, taps, ch, rows, b, bcs, c, ro);
    }
    // The few-column kernels' partial sums are this many lanes wide on every instruction set
    // (FEW_COLUMNS_WIDTH in Scripts/generate-kernels.py).
    static constexpr long few_columns_width = 16;
};
template <> struct Entry<double> {
    static constexpr int is_double = 1;
    static void packed(int isa, long m, long n, long kc, const double *a, const double *b, double *c, const long *ro, int acc) {
        ck_dgemm_packed(isa, m, n, kc, a, b, c, ro, acc);
    }
    static void indirect(int isa, long m, long n, long taps, long ch, const double *const *rows, const double *b,
                         const double *bias, double *c, const long *ro, int acc) {
        ck_dgemm_indirect(isa, m, n, taps, ch, rows, b, bias, c, ro, acc);
    }
    static void weight_gradient(int isa, long m, long base, long n, long depth, long taps, long ch,
                                const double *const *rows, double *b, const double *source, long lds, double *c, const long *ro,
                                int acc) {
        ck_dgemm_weight_gradient(isa, m, base, n, depth, taps, ch, rows, b, source, lds, c, ro, acc);
    }
    static void few_columns(int isa, long m, long n, long taps, long ch, const double *const *rows,
                            const double *const *b, long bcs, double *c, const long *ro) {
        ck_dgemm_few_columns(isa, m, n, taps, ch, rows, b, bcs, c, ro);
    }
    static constexpr long few_columns_width = 8;
};

// An m × n block of C inside a larger array: rows in reverse order (the kernels write through
// row offsets), `ldc` > n elements apart, starting past an offset; everything else sentinel.
template <typename T> struct OutputBlock {
    long m, n, ldc, offset;
    std::vector<T> data;
    std::vector<long> row_offsets;
    std::vector<T> initial;  // the block's values before an accumulating call

    OutputBlock(long m, long n, Random &random) : m(m), n(n), ldc(n + 3), offset(5) {
        data.assign(offset + m * ldc + 7, sentinel<T>());
        initial.resize(m * n);
        random.fill(initial);
        for (long i = 0; i < m; i++) row_offsets.push_back(offset + (m - 1 - i) * ldc);
    }
    void prepare(bool accumulate) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) data[row_offsets[i] + j] = accumulate ? initial[i * n + j] : sentinel<T>();
    }
    T at(long i, long j) const { return data[row_offsets[i] + j]; }
    // Checks the block against `want` (m × n) and everything else for the sentinel.
    void verify(Report &report, bool exact, const std::vector<T> &want, const std::vector<double> &scale,
                const std::string &where) const {
        std::vector<char> inside(data.size(), 0);
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                inside[row_offsets[i] + j] = 1;
                if (!check(report, exact, at(i, j), want[i * n + j], scale[i * n + j], "C", i, j, where)) return;
            }
        }
        for (long e = 0; e < (long)data.size(); e++)
            if (!inside[e] && !check_untouched(report, data[e], "C", e, where)) return;
    }
};

// Finishes a reference element: C = (accumulate ? C : 0) + sum, as the kernels store it.
template <typename T> T stored(bool accumulate, T before, T sum) { return accumulate ? before + sum : sum; }

template <typename T> void test_gemm_packed(int isa, Report &report) {
    long mr, nr;
    ck_kernel_tile(isa, CK_FAMILY_GEMM_PACKED, Entry<T>::is_double, &mr, &nr);
    bool exact = isa != CK_ISA_GENERIC;
    Random random(1);
    for (long m : around(mr)) for (long n : around(nr)) for (long kc : {1L, 2L, 3L, 8L, 17L}) {
        long mp = (m + mr - 1) / mr, np = (n + nr - 1) / nr;
        // Packed panels, zero-padded to whole tiles as the contract asks.
        std::vector<T> a(mp * kc * mr, 0), b(np * kc * nr, 0), av(m * kc), bv(kc * n);
        random.fill(av);
        random.fill(bv);
        for (long i = 0; i < m; i++)
            for (long p = 0; p < kc; p++) a[(i / mr) * kc * mr + p * mr + i % mr] = av[i * kc + p];
        for (long p = 0; p < kc; p++)
            for (long j = 0; j < n; j++) b[(j / nr) * kc * nr + p * nr + j % nr] = bv[p * n + j];
        OutputBlock<T> c(m, n, random);
        for (int accumulate = 0; accumulate < 2; accumulate++) {
            std::string where = describe("m %ld, n %ld, kc %ld, accumulate %d, tile %ldx%ld", m, n, kc, accumulate, mr, nr);
            std::vector<T> want(m * n);
            std::vector<double> scale(m * n, 0);
            for (long i = 0; i < m; i++) for (long j = 0; j < n; j++) {
                T sum = 0;
                for (long p = 0; p < kc; p++) {
                    sum = fused(av[i * kc + p], bv[p * n + j], sum);
                    scale[i * n + j] += std::fabs((double)av[i * kc + p] * (double)bv[p * n + j]);
                }
                want[i * n + j] = stored<T>(accumulate, c.initial[i * n + j], sum);
            }
            c.prepare(accumulate);
            Entry<T>::packed(isa, m, n, kc, a.data(), b.data(), c.data.data(), c.row_offsets.data(), accumulate);
            report.cases++;
            c.verify(report, exact, want, scale, where);
        }
    }
}

template <typename T> void test_gemm_indirect(int isa, Report &report) {
    long mr, nr;
    ck_kernel_tile(isa, CK_FAMILY_GEMM_INDIRECT, Entry<T>::is_double, &mr, &nr);
    bool exact = isa != CK_ISA_GENERIC;
    Random random(2);
    for (long m : around(mr)) for (long n : around(nr)) for (long taps : {1L, 3L}) for (long channels : {1L, 2L, 5L, 17L}) {
        long kc = taps * channels, np = (n + nr - 1) / nr;
        // A pool of input pixels (each `channels` long, at odd offsets), and a row of zeros.
        long pixels = 11;
        std::vector<T> pool(3 + pixels * (channels + 1)), zeros(channels, 0), bv(kc * n), bias(n + 1);
        random.fill(pool);
        random.fill(bv);
        random.fill(bias);
        std::vector<const T *> rows(m * taps);
        for (auto &r : rows) {
            long k = random.below(pixels + 1);
            r = k == pixels ? zeros.data() : pool.data() + 3 + k * (channels + 1);
        }
        std::vector<T> b(np * kc * nr, 0);
        for (long p = 0; p < kc; p++)
            for (long j = 0; j < n; j++) b[(j / nr) * kc * nr + p * nr + j % nr] = bv[p * n + j];
        OutputBlock<T> c(m, n, random);
        for (int variant = 0; variant < 3; variant++) {
            int accumulate = variant == 2;
            const T *bias_ptr = variant >= 1 ? bias.data() + 1 : nullptr;
            std::string where = describe("m %ld, n %ld, taps %ld, channels %ld, bias %d, accumulate %d, tile %ldx%ld",
                                         m, n, taps, channels, bias_ptr != nullptr, accumulate, mr, nr);
            std::vector<T> want(m * n);
            std::vector<double> scale(m * n, 0);
            for (long i = 0; i < m; i++) for (long j = 0; j < n; j++) {
                T sum = bias_ptr ? bias_ptr[j] : 0;
                scale[i * n + j] = std::fabs((double)sum);
                for (long t = 0; t < taps; t++) for (long p = 0; p < channels; p++) {
                    T a = rows[i * taps + t][p], w = bv[(t * channels + p) * n + j];
                    sum = fused(a, w, sum);
                    scale[i * n + j] += std::fabs((double)a * (double)w);
                }
                want[i * n + j] = stored<T>(accumulate, c.initial[i * n + j], sum);
            }
            c.prepare(accumulate);
            Entry<T>::indirect(isa, m, n, taps, channels, rows.data(), b.data(), bias_ptr, c.data.data(),
                               c.row_offsets.data(), accumulate);
            report.cases++;
            c.verify(report, exact, want, scale, where);
        }
    }
}

template <typename T> void test_weight_gradient(int isa, Report &report) {
    long mr, nr;
    ck_kernel_tile(isa, CK_FAMILY_WEIGHT_GRADIENT, Entry<T>::is_double, &mr, &nr);
    bool exact = isa != CK_ISA_GENERIC;
    Random random(3);
    for (long taps : {1L, 3L}) for (long channels : {1L, 5L, mr, 2 * mr + 3}) for (long depth : {1L, 7L, 40L}) {
        long total = taps * channels;
        std::vector<long> ms = around(mr);
        for (long n : around(nr)) for (long m : ms) for (long row_base : {0L, channels - 1}) {
            if (row_base + m > total) continue;
            // Input pixels through tap pointers (some the zero row), dy (depth, n) with ldb > n.
            long pixels = 9, ldb = n + 2;
            std::vector<T> pool(1 + pixels * channels), zeros(channels, 0), dy(depth * ldb + 1);
            random.fill(pool);
            random.fill(dy);
            std::vector<const T *> rows(depth * taps);
            for (auto &r : rows) {
                long k = random.below(pixels + 1);
                r = k == pixels ? zeros.data() : pool.data() + 1 + k * channels;
            }
            const T *b = dy.data() + 1;
            // The kernel reads dy packed in panels of nr columns, zero past n: packed before, or
            // by the kernel itself from dy's rows (into a buffer of NaNs, which any panel it
            // read before writing would spread).
            std::vector<T> packed((n + nr - 1) / nr * nr * depth, sentinel<T>());
            ck_pack_panels(b, sizeof(T), ldb, depth, n, nr, packed.data());
            OutputBlock<T> c(m, n, random);
            for (int mode = 0; mode < 4; mode++) {
                int accumulate = mode % 2, packs = mode / 2;
                std::vector<T> panels = packs ? std::vector<T>(packed.size(), sentinel<T>()) : packed;
                std::string where = describe("m %ld, row base %ld, n %ld, depth %ld, taps %ld, channels %ld, accumulate %d, packs %d, tile %ldx%ld",
                                             m, row_base, n, depth, taps, channels, accumulate, packs, mr, nr);
                std::vector<T> want(m * n);
                std::vector<double> scale(m * n, 0);
                for (long i = 0; i < m; i++) for (long j = 0; j < n; j++) {
                    long tap = (row_base + i) / channels, channel = (row_base + i) % channels;
                    T sum = 0;
                    for (long p = 0; p < depth; p++) {
                        T x = rows[p * taps + tap][channel], d = b[p * ldb + j];
                        sum = fused(x, d, sum);
                        scale[i * n + j] += std::fabs((double)x * (double)d);
                    }
                    want[i * n + j] = stored<T>(accumulate, c.initial[i * n + j], sum);
                }
                c.prepare(accumulate);
                Entry<T>::weight_gradient(isa, m, row_base, n, depth, taps, channels, rows.data(), panels.data(),
                                          packs ? b : nullptr, ldb, c.data.data(), c.row_offsets.data(), accumulate);
                report.cases++;
                c.verify(report, exact, want, scale, where);
                if (report.failures) return;
            }
        }
    }
}

template <typename T> void test_few_columns(int isa, Report &report) {
    const long width = Entry<T>::few_columns_width;
    bool exact = isa != CK_ISA_GENERIC;
    Random random(4);
    for (long m = 1; m <= 5; m++) for (long n = 1; n <= 4; n++) for (long taps : {1L, 3L})
    for (long channels : around(width)) {
        long pixels = 7, bcs = channels + 1;
        std::vector<T> pool(2 + pixels * channels), weights(taps * 4 * bcs + 3);
        random.fill(pool);
        random.fill(weights);
        std::vector<const T *> rows(m * taps), b(taps);
        for (auto &r : rows) r = pool.data() + 2 + random.below(pixels) * channels;
        for (long t = 0; t < taps; t++) b[t] = weights.data() + 3 + t * 4 * bcs;
        OutputBlock<T> c(m, n, random);
        std::string where = describe("m %ld, n %ld, taps %ld, channels %ld", m, n, taps, channels);
        std::vector<T> want(m * n);
        std::vector<double> scale(m * n, 0);
        for (long i = 0; i < m; i++) for (long j = 0; j < n; j++) {
            // Partial sums `width` lanes wide, then added in halves.
            std::vector<T> lanes(width, 0);
            for (long t = 0; t < taps; t++) for (long k = 0; k < channels; k++) {
                T a = rows[i * taps + t][k], w = b[t][j * bcs + k];
                lanes[k % width] = fused(a, w, lanes[k % width]);
                scale[i * n + j] += std::fabs((double)a * (double)w);
            }
            for (long half = width / 2; half > 0; half /= 2)
                for (long l = 0; l < half; l++) lanes[l] += lanes[l + half];
            want[i * n + j] = lanes[0];
        }
        c.prepare(false);
        Entry<T>::few_columns(isa, m, n, taps, channels, rows.data(), b.data(), bcs, c.data.data(), c.row_offsets.data());
        report.cases++;
        c.verify(report, exact, want, scale, where);
        if (report.failures) return;
    }
}

// The few-channel kernels' channel counts: 1 … 17 and around every multiple of 8 up to 65 (the
// tiles are 1 … 4 vectors of 4, 8 or 16), and past a 64-channel chunk.
std::vector<long> small_channel_counts() {
    std::vector<long> n;
    for (long k = 1; k <= 17; k++) n.push_back(k);
    for (long k : {23L, 24L, 25L, 31L, 32L, 33L, 47L, 48L, 49L, 63L, 64L, 65L, 100L}) n.push_back(k);
    return n;
}

void test_small_forward(int isa, Report &report) {
    bool exact = isa != CK_ISA_GENERIC;
    Random random(5);
    std::vector<long> counts;
    for (long q = 1; q <= 25; q++) counts.push_back(q);
    for (long q : {31L, 32L, 33L, 64L}) counts.push_back(q);
    for (long taps : {1L, 2L, 9L, 28L}) for (long n : small_channel_counts()) for (long count : counts) {
        // Taps at arbitrary (overlapping) offsets into the band; the slack the kernel may read
        // past the last pixel holds finite values.
        std::vector<long> offsets(taps);
        for (auto &o : offsets) o = random.below(40);
        long ldw = n + 2, ldy = n + 3;
        std::vector<float> x(40 + count + 32), w(taps * ldw), bias(n + 1);
        random.fill(x);
        random.fill(w);
        random.fill(bias);
        for (int with_bias = 0; with_bias < 2; with_bias++) {
            const float *bp = with_bias ? bias.data() + 1 : nullptr;
            std::vector<float> y(2 + count * ldy, sentinel<float>());
            ck_small_forward(isa, count, n, taps, offsets.data(), x.data(), w.data(), ldw, bp, y.data() + 2, ldy);
            report.cases++;
            std::string where = describe("count %ld, n %ld, taps %ld, bias %d", count, n, taps, with_bias);
            std::vector<char> inside(y.size(), 0);
            for (long q = 0; q < count; q++) for (long j = 0; j < n; j++) {
                float sum = bp ? bp[j] : 0;
                double scale = std::fabs(sum);
                for (long t = 0; t < taps; t++) {
                    sum = fused(x[offsets[t] + q], w[t * ldw + j], sum);
                    scale += std::fabs((double)x[offsets[t] + q] * w[t * ldw + j]);
                }
                inside[2 + q * ldy + j] = 1;
                if (!check(report, exact, y[2 + q * ldy + j], sum, scale, "y", q, j, where)) return;
            }
            for (long e = 0; e < (long)y.size(); e++)
                if (!inside[e] && !check_untouched(report, y[e], "y", e, where)) return;
            // The same sums into planes (ld_plane > count), bit for bit what the rows hold.
            long ld_plane = count + 5;
            std::vector<float> planes(2 + n * ld_plane, sentinel<float>());
            ck_small_forward_planes(isa, count, n, taps, offsets.data(), x.data(), w.data(), ldw, bp, planes.data() + 2,
                                    ld_plane);
            report.cases++;
            where = describe("planes: count %ld, n %ld, taps %ld, bias %d", count, n, taps, with_bias);
            for (long j = 0; j < n; j++) for (long q = 0; q < ld_plane; q++) {
                float got = planes[2 + j * ld_plane + q];
                if (q < count ? !check(report, true, got, y[2 + q * ldy + j], 0, "plane", j, q, where)
                              : !check_untouched(report, got, "plane", j * ld_plane + q, where))
                    return;
            }
            if (!check_untouched(report, planes[0], "plane", -2, where) || !check_untouched(report, planes[1], "plane", -1, where))
                return;
        }
    }
}

void test_small_weights(int isa, Report &report) {
    bool exact = isa != CK_ISA_GENERIC;
    Random random(6);
    const long pitch = CK_SMALL_PITCH;
    std::vector<long> tap_counts;
    for (long t = 1; t <= 13; t++) tap_counts.push_back(t);
    for (long t : {24L, 25L, 49L, 76L}) tap_counts.push_back(t);
    // A run of `count` pixels in pieces of at most `piece` (the last shorter).
    for (auto [count, piece] : {std::pair{1L, 1L}, {5L, 5L}, {5L, 2L}, {pitch, pitch}, {pitch, 32L}, {pitch, 27L}})
    for (long taps : tap_counts)
    for (long n : {1L, 7L, 8L, 9L, 15L, 16L, 17L, 24L, 31L, 32L, 33L, 48L, 49L, 63L, 64L, 65L, 100L}) {
        std::vector<long> lengths;
        for (long done = 0; done < count; done += lengths.back()) lengths.push_back(std::min(piece, count - done));
        long segments = (long)lengths.size();
        // Each tap of each piece reads its pixels somewhere in x; a pointer table wider than taps.
        long ldy = n + 1, lddw = n + 2, ld_rows = taps + 2;
        std::vector<float> x(4 * pitch), dy(count * ldy), initial(taps * n);
        random.fill(x);
        random.fill(dy);
        random.fill(initial);
        std::vector<const float *> rows(segments * ld_rows, nullptr);
        for (long g = 0; g < segments; g++)
            for (long t = 0; t < taps; t++) rows[g * ld_rows + t] = x.data() + random.below(3 * pitch);
        std::vector<float> dw(1 + taps * lddw, sentinel<float>());
        for (long t = 0; t < taps; t++) for (long j = 0; j < n; j++) dw[1 + t * lddw + j] = initial[t * n + j];
        ck_small_weights(isa, segments, lengths.data(), n, taps, rows.data(), ld_rows, dy.data(), ldy, dw.data() + 1, lddw);
        report.cases++;
        std::string where = describe("count %ld in pieces of %ld, n %ld, taps %ld", count, piece, n, taps);
        std::vector<char> inside(dw.size(), 0);
        for (long t = 0; t < taps; t++) for (long j = 0; j < n; j++) {
            float sum = 0;
            double scale = std::fabs(initial[t * n + j]);
            for (long g = 0, q = 0; g < segments; g++) for (long i = 0; i < lengths[g]; i++, q++) {
                float a = rows[g * ld_rows + t][i];
                sum = fused(a, dy[q * ldy + j], sum);
                scale += std::fabs((double)a * dy[q * ldy + j]);
            }
            inside[1 + t * lddw + j] = 1;
            if (!check(report, exact, dw[1 + t * lddw + j], initial[t * n + j] + sum, scale, "dw", t, j, where)) return;
        }
        for (long e = 0; e < (long)dw.size(); e++)
            if (!inside[e] && !check_untouched(report, dw[e], "dw", e, where)) return;
    }
}

void test_small_data(int isa, Report &report) {
    bool exact = isa != CK_ISA_GENERIC;
    Random random(7);
    const long block = CK_SMALL_DATA_TAPS, pixels = CK_SMALL_DATA_PIXELS;
    std::vector<long> tap_counts;
    for (long t = 1; t <= 13; t++) tap_counts.push_back(t);
    for (long t : {24L, 25L, 28L}) tap_counts.push_back(t);
    for (long count = 1; count <= pixels; count++) for (long taps : tap_counts)
    for (long n : {1L, 3L, 16L, 17L, 32L, 33L, 64L}) {
        // Taps at overlapping offsets: their additions to x must come in tap order.
        std::vector<long> offsets(taps);
        for (auto &o : offsets) o = random.below(24);
        long blocks = (taps + block - 1) / block;
        std::vector<float> w(taps * n), wt(blocks * n * block, 0), dyt(n * pixels, 0);
        random.fill(w);
        for (long t = 0; t < taps; t++)
            for (long j = 0; j < n; j++) wt[(t / block * n + j) * block + t % block] = w[t * n + j];
        // dy transposed, zero for the pixels past count (as ck_small_transpose leaves it).
        for (long j = 0; j < n; j++) for (long q = 0; q < count; q++) dyt[j * pixels + q] = (float)random.next();
        std::vector<float> x(24 + pixels + 4, sentinel<float>());
        std::vector<char> touched(x.size(), 0);
        for (long t = 0; t < taps; t++) for (long q = 0; q < count; q++) touched[offsets[t] + q] = 1;
        for (long e = 0; e < (long)x.size(); e++) if (touched[e]) x[e] = (float)random.next();
        std::vector<float> want = x;
        std::vector<double> scale(x.size(), 0);
        for (long t = 0; t < taps; t++) for (long q = 0; q < count; q++) {
            float sum = 0;
            for (long j = 0; j < n; j++) {
                sum = fused(w[t * n + j], dyt[j * pixels + q], sum);
                scale[offsets[t] + q] += std::fabs((double)w[t * n + j] * dyt[j * pixels + q]);
            }
            want[offsets[t] + q] += sum;
        }
        ck_small_data(isa, count, n, taps, offsets.data(), wt.data(), dyt.data(), x.data());
        report.cases++;
        std::string where = describe("count %ld, n %ld, taps %ld", count, n, taps);
        for (long e = 0; e < (long)x.size(); e++) {
            if (touched[e] ? !check(report, exact, x[e], want[e], scale[e], "x", e, 0, where)
                           : !check_untouched(report, x[e], "x", e, where))
                return;
        }
    }
}

// The band copies: every element checked, exactly (they only move values).
void test_small_copies(int isa, Report &report) {
    Random random(8);
    for (long channels = 1; channels <= 4; channels++) for (long stride = 1; stride <= 3; stride++)
    for (long columns : {1L, 5L, 17L, 40L}) {
        long rows = 4, width = columns + 3, line = (columns + stride - 1) / stride + 2;
        long pitch = channels * stride * line;
        // Padded row hp reads image row hp − 1 (row 0 and the last are zeros); padded column wp
        // reads column wp − 1, the first and every seventh zeros.
        std::vector<float> x(rows * width * channels);
        random.fill(x);
        std::vector<long> row_map(rows + 2), column_map(columns);
        for (long hp = 0; hp < rows + 2; hp++) row_map[hp] = hp == 0 || hp == rows + 1 ? -1 : (hp - 1) * width * channels;
        for (long wp = 0; wp < columns; wp++) column_map[wp] = wp % 7 == 0 ? -1 : (wp - 1) * channels;
        std::vector<float> band((rows + 2) * pitch + 1, sentinel<float>());
        ck_small_pack_band(isa, x.data(), channels, row_map.data(), rows + 2, column_map.data(), columns, stride, line,
                           band.data());
        report.cases++;
        std::string where = describe("pack band: channels %ld, stride %ld, columns %ld", channels, stride, columns);
        for (long hp = 0; hp < rows + 2; hp++) for (long c = 0; c < channels; c++) for (long r = 0; r < stride; r++)
        for (long j = 0; j < line; j++) {
            long wp = r + j * stride;
            float want = row_map[hp] < 0 || wp >= columns || column_map[wp] < 0 ? 0 : x[row_map[hp] + column_map[wp] + c];
            if (!check(report, true, band[hp * pitch + (c * stride + r) * line + j], want, 0, "band", hp, j, where)) return;
        }
        if (!check_untouched(report, band.back(), "band", (long)band.size() - 1, where)) return;

        // Unpack: dx (rows, columns − 1, channels), or its planes, from the band at (h + 1, w + 1).
        long out_columns = columns - 1 > 0 ? columns - 1 : 1, padded_columns = columns;
        for (int planar = 0; planar < 2; planar++) {
            std::vector<float> dx(rows * out_columns * channels + 1, sentinel<float>());
            ck_small_unpack_band(isa, band.data(), channels, rows, out_columns, 1, 1, stride, line, rows + 1,
                                 padded_columns, dx.data(), planar);
            report.cases++;
            where = describe("unpack band: channels %ld, stride %ld, columns %ld, planar %d", channels, stride, columns, planar);
            for (long h = 0; h < rows; h++) for (long w = 0; w < out_columns; w++) for (long c = 0; c < channels; c++) {
                long hp = h + 1, wp = w + 1;
                float want = hp >= rows + 1 || wp >= padded_columns ? 0 : band[hp * pitch + (c * stride + wp % stride) * line + wp / stride];
                long at = planar ? (c * rows + h) * out_columns + w : (h * out_columns + w) * channels + c;
                if (!check(report, true, dx[at], want, 0, "dx", h, w, where)) return;
            }
            if (!check_untouched(report, dx.back(), "dx", (long)dx.size() - 1, where)) return;
        }
    }
    for (long taps : {1L, 5L}) for (long count : {1L, 7L, 16L, 17L, 128L}) {
        long pitch = count + 3;
        // Transpose dy (count, n) with rows n + 1 apart into (n, pitch), zeros past count.
        long n = taps * 3;
        std::vector<float> dy(count * (n + 1));
        random.fill(dy);
        std::vector<float> dyt(n * pitch + 1, sentinel<float>());
        ck_small_transpose(isa, dy.data(), count, n, n + 1, pitch, dyt.data());
        report.cases++;
        std::string where = describe("transpose: n %ld, count %ld", n, count);
        for (long j = 0; j < n; j++) for (long q = 0; q < pitch; q++)
            if (!check(report, true, dyt[j * pitch + q], q < count ? dy[q * (n + 1) + j] : 0.0f, 0, "dyt", j, q, where)) return;
        if (!check_untouched(report, dyt.back(), "dyt", (long)dyt.size() - 1, where)) return;
    }
}

template <typename T> void run_family(int family, int isa, Report &report) {
    switch (family) {
    case CKT_GEMM_PACKED: test_gemm_packed<T>(isa, report); break;
    case CKT_GEMM_INDIRECT: test_gemm_indirect<T>(isa, report); break;
    case CKT_WEIGHT_GRADIENT: test_weight_gradient<T>(isa, report); break;
    case CKT_FEW_COLUMNS: test_few_columns<T>(isa, report); break;
    default: report.fail("family %d has no %s kernels", family, sizeof(T) == 8 ? "double" : "float");
    }
}

}  // namespace

const char *ckt_family_name(int family) {
    static const char *const names[CKT_FAMILY_COUNT] = {
        "gemm-packed", "gemm-indirect", "weight-gradient", "few-columns",
        "small-forward", "small-weights", "small-data", "small-copies",
        "pool-max", "pool-avg", "pool-max-backward", "pool-max-gather", "transpose", "winograd-f2x3",
        "pool-nchw",
    };
    return family >= 0 && family < CKT_FAMILY_COUNT ? names[family] : "unknown";
}

int ckt_family_has_double(int family) { return family < CKT_SMALL_FORWARD || family >= CKT_POOL_MAX; }

long ckt_run(int family, int isa, int is_double, long *cases, char *message, long capacity) {
    Report report;
    if (ck_isa_usable(isa) != isa) {
        report.fail("this CPU cannot run instruction set %d", isa);
    } else if (family == CKT_TRANSPOSE) {
        run_transpose_family(isa, is_double != 0, report);
    } else if (family == CKT_WINOGRAD) {
        run_winograd_family(isa, is_double != 0, report);
    } else if (family == CKT_POOL_NCHW) {
        run_pool_nchw_family(isa, is_double != 0, report);
    } else if (family >= CKT_POOL_MAX) {
        run_pool_family(family, isa, is_double != 0, report);
    } else if (family >= CKT_SMALL_FORWARD) {
        if (is_double) report.fail("the few-channel kernels are float only");
        else if (family == CKT_SMALL_FORWARD) test_small_forward(isa, report);
        else if (family == CKT_SMALL_WEIGHTS) test_small_weights(isa, report);
        else if (family == CKT_SMALL_DATA) test_small_data(isa, report);
        else test_small_copies(isa, report);
    } else if (is_double) {
        run_family<double>(family, isa, report);
    } else {
        run_family<float>(family, isa, report);
    }
    *cases = report.cases;
    if (capacity > 0) std::snprintf(message, (size_t)capacity, "%s", report.first.c_str());
    return report.failures;
}

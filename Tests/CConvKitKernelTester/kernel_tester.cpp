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
                                const float *const *rows, float *b, const float *source, long lds, const float *next,
                                long next_depth, float *c, const long *ro, int acc) {
        ck_sgemm_weight_gradient(isa, m, base, n, depth, taps, ch, rows, b, source, lds, next, next_depth, c, ro, acc);
    }
    static void panel_sums(int isa, const float *packed, long rows, long n, float *sum) {
        ck_spanel_sums(isa, packed, rows, n, sum);
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
                                const double *const *rows, double *b, const double *source, long lds, const double *next,
                                long next_depth, double *c, const long *ro, int acc) {
        ck_dgemm_weight_gradient(isa, m, base, n, depth, taps, ch, rows, b, source, lds, next, next_depth, c, ro, acc);
    }
    static void panel_sums(int isa, const double *packed, long rows, long n, double *sum) {
        ck_dpanel_sums(isa, packed, rows, n, sum);
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
    // Depths within one chain of the kernel's and across two.
    const long chain = CK_WEIGHT_GRADIENT_CHAIN;
    for (long taps : {1L, 3L}) for (long channels : {1L, 5L, mr, 2 * mr + 3}) for (long depth : {1L, 7L, 40L, chain + 9}) {
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
            // read before writing would spread), fetching "the next chunk" (dy again) meanwhile.
            std::vector<T> packed((n + nr - 1) / nr * nr * depth, sentinel<T>());
            ck_pack_panels(b, sizeof(T), ldb, depth, n, nr, depth * nr, packed.data());
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
                    // A chain of FMAs from zero per piece of `chain` pixels, each added to C.
                    T value = 0;
                    for (long p0 = 0; p0 < depth; p0 += chain) {
                        T sum = 0;
                        for (long p = p0; p < depth && p < p0 + chain; p++) {
                            T x = rows[p * taps + tap][channel], d = b[p * ldb + j];
                            sum = fused(x, d, sum);
                            scale[i * n + j] += std::fabs((double)x * (double)d);
                        }
                        value = p0 == 0 ? stored<T>(accumulate, c.initial[i * n + j], sum) : value + sum;
                    }
                    want[i * n + j] = value;
                }
                c.prepare(accumulate);
                Entry<T>::weight_gradient(isa, m, row_base, n, depth, taps, channels, rows.data(), panels.data(),
                                          packs ? b : nullptr, ldb, packs ? b : nullptr, packs ? depth : 0, c.data.data(),
                                          c.row_offsets.data(), accumulate);
                report.cases++;
                c.verify(report, exact, want, scale, where);
                if (report.failures) return;
            }
        }
    }
}

// The bias gradient's sums over the weight-gradient kernel's panels: every column added in the
// order of the rows onto its sum, bit for bit on every instruction set (adds only), for widths
// around one panel and past the groups of panels the kernel sums at once; nothing past n written.
template <typename T> void test_panel_sums(int isa, Report &report) {
    long mr, nr;
    ck_kernel_tile(isa, CK_FAMILY_WEIGHT_GRADIENT, Entry<T>::is_double, &mr, &nr);
    Random random(5);
    std::vector<long> widths = around(nr);
    for (long panels : {3L, 4L, 5L, 9L}) widths.push_back(panels * nr - 1);
    for (long rows : {1L, 2L, 7L, 40L}) for (long n : widths) {
        std::vector<T> b(rows * (n + 1));
        random.fill(b);
        std::vector<T> packed((n + nr - 1) / nr * nr * rows, sentinel<T>());
        ck_pack_panels(b.data(), sizeof(T), n + 1, rows, n, nr, rows * nr, packed.data());
        // The same panels 3 elements apart: every element where it belongs, zero past n, the gaps
        // untouched.
        {
            long ld_panel = rows * nr + 3;
            std::vector<T> spaced((n + nr - 1) / nr * ld_panel, sentinel<T>());
            ck_pack_panels(b.data(), sizeof(T), n + 1, rows, n, nr, ld_panel, spaced.data());
            report.cases++;
            std::string where = describe("pack: rows %ld, n %ld, panels of %ld, %ld apart", rows, n, nr, ld_panel);
            for (long e = 0; e < (long)spaced.size(); e++) {
                long u = e / ld_panel, p = e % ld_panel / nr, j = u * nr + e % ld_panel % nr;
                bool gap = e % ld_panel >= rows * nr;
                if (gap ? !check_untouched<T>(report, spaced[e], "packed", e, where)
                        : !check<T>(report, true, spaced[e], j < n ? b[p * (n + 1) + j] : (T)0, 0, "packed", p, j, where))
                    return;
            }
        }
        // The sums at an offset of 1, sentinels on both sides.
        std::vector<T> sum(n + 2 + nr, sentinel<T>()), want(n);
        for (long j = 0; j < n; j++) {
            sum[1 + j] = (T)random.next();
            want[j] = sum[1 + j];
            for (long p = 0; p < rows; p++) want[j] += b[p * (n + 1) + j];
        }
        std::string where = describe("panel sums: rows %ld, n %ld, panels of %ld", rows, n, nr);
        Entry<T>::panel_sums(isa, packed.data(), rows, n, sum.data() + 1);
        report.cases++;
        for (long j = 0; j < n; j++)
            if (!check<T>(report, true, sum[1 + j], want[j], 0, "sum", 0, j, where)) return;
        for (long j : {0L, n + 1}) if (!check_untouched<T>(report, sum[j], "sum", j, where)) return;
        for (long j = n + 2; j < (long)sum.size(); j++) if (!check_untouched<T>(report, sum[j], "sum", j, where)) return;
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

template <typename T> void run_family(int family, int isa, Report &report) {
    switch (family) {
    case CKT_GEMM_PACKED: test_gemm_packed<T>(isa, report); break;
    case CKT_GEMM_INDIRECT: test_gemm_indirect<T>(isa, report); break;
    case CKT_WEIGHT_GRADIENT:
        test_weight_gradient<T>(isa, report);
        test_panel_sums<T>(isa, report);
        break;
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
        run_small_family(family, isa, is_double != 0, report);
    } else if (is_double) {
        run_family<double>(family, isa, report);
    } else {
        run_family<float>(family, isa, report);
    }
    *cases = report.cases;
    if (capacity > 0) std::snprintf(message, (size_t)capacity, "%s", report.first.c_str());
    return report.failures;
}

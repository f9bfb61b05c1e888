// The pooling row kernels' testers (ck_pool.h): windows of every shape the axis tables produce
// (strides, dilations, padding, partial windows), channel counts around every step of 1 to 4
// vectors, inputs with ties, signed zeros and NaNs, outputs and argmax guarded by sentinels.
// Pooling only selects, adds and divides, so every instruction set must match the scalar
// reference bit for bit.
#include "CConvKitKernelTester.h"
#include "CConvKitKernels.h"
#include "ck_pool.h"
#include "pool_tester_support.h"
#include "tester_support.h"

namespace {

using namespace ckt;

template <typename T> struct PoolEntry;
template <> struct PoolEntry<float> {
    static void max_row(int isa, const float *const *x, const long *row_taps, long rows, const long *cols, long q, long c,
                        long s, long dw, float *out, void *arg, int arg_bytes, const float **tp, int *ti, int stream,
                        long ahead) {
        ck_pool_max_row_f32(isa, x, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tp, ti, stream, ahead);
    }
    static void avg_row(int isa, const float *const *x, long rows, const long *cols, long q, long c, long dw,
                        long row_count, long divisor_override, float *out, int stream, long ahead) {
        ck_pool_avg_row_f32(isa, x, rows, cols, q, c, dw, row_count, divisor_override, out, stream, ahead);
    }
    static void backward_row(int isa, float *const *dx, const long *row_taps, long rows, const long *cols, long q, long c,
                             long s, long dw, const float *dy, const void *arg, int arg_bytes, int assign) {
        ck_pool_max_backward_row_f32(isa, dx, row_taps, rows, cols, q, c, s, dw, dy, arg, arg_bytes, assign);
    }
    static void gather_row(int isa, const float *const *dy, const void *const *arg, const long *row_taps, long rows,
                           const long *start, const long *pairs, long w, long c, long s, int arg_bytes, float *dx,
                           int stream) {
        ck_pool_max_gather_row_f32(isa, dy, arg, row_taps, rows, start, pairs, w, c, s, arg_bytes, dx, stream);
    }
};
template <> struct PoolEntry<double> {
    static void max_row(int isa, const double *const *x, const long *row_taps, long rows, const long *cols, long q,
                        long c, long s, long dw, double *out, void *arg, int arg_bytes, const double **tp, int *ti,
                        int stream, long ahead) {
        ck_pool_max_row_f64(isa, x, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tp, ti, stream, ahead);
    }
    static void avg_row(int isa, const double *const *x, long rows, const long *cols, long q, long c, long dw,
                        long row_count, long divisor_override, double *out, int stream, long ahead) {
        ck_pool_avg_row_f64(isa, x, rows, cols, q, c, dw, row_count, divisor_override, out, stream, ahead);
    }
    static void backward_row(int isa, double *const *dx, const long *row_taps, long rows, const long *cols, long q,
                             long c, long s, long dw, const double *dy, const void *arg, int arg_bytes, int assign) {
        ck_pool_max_backward_row_f64(isa, dx, row_taps, rows, cols, q, c, s, dw, dy, arg, arg_bytes, assign);
    }
    static void gather_row(int isa, const double *const *dy, const void *const *arg, const long *row_taps, long rows,
                           const long *start, const long *pairs, long w, long c, long s, int arg_bytes, double *dx,
                           int stream) {
        ck_pool_max_gather_row_f64(isa, dy, arg, row_taps, rows, start, pairs, w, c, s, arg_bytes, dx, stream);
    }
};

// Channel counts around every step of 1 … 4 vectors of 2, 4, 8 or 16 lanes.
std::vector<long> pool_channels() {
    return {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 131};
}

// Input rows for `rows` window rows of `w` columns of c channels, each at an odd offset. (With
// `stream` the testers pass `ahead` -1, so that the prefetches run over memory the rows own:
// they cannot change a result.)
template <typename T> struct InputRows {
    std::vector<std::vector<T>> rows;
    std::vector<const T *> pointers;

    InputRows(long count, long w, long c, Random &random, bool nans) {
        for (long k = 0; k < count; k++) {
            rows.emplace_back(1 + w * c);
            for (auto &v : rows.back()) v = tricky<T>(random, nans);
        }
        for (auto &r : rows) pointers.push_back(r.data() + 1);
    }
};

const uint8_t sentinel_byte = 0xA5;

template <typename T> void test_pool_max(int isa, Report &report) {
    Random random(11);
    for (const Axis &axis : column_axes()) for (long c : pool_channels()) for (long rows : {1L, 3L}) {
        long q = axis.outputs, s = axis.taps;
        InputRows<T> x(rows, axis.size, c, random, true);
        std::vector<long> row_taps(rows);
        for (long k = 0; k < rows; k++) row_taps[k] = k + (rows == 1);  // a partial window: row tap 1 only
        for (int arg_bytes : {0, 1, 4}) for (int stream = 0; stream < 2; stream++) {
            std::vector<T> out(q * c + 2, sentinel<T>());
            std::vector<uint8_t> arg(q * c * 4 + 8, sentinel_byte);
            std::vector<const T *> tap_pointers(rows * s);
            std::vector<int> tap_ids(rows * s);
            PoolEntry<T>::max_row(isa, x.pointers.data(), row_taps.data(), rows, axis.entries.data(), q, c, s,
                                  axis.dilation, out.data() + 1, arg_bytes ? arg.data() + 4 : nullptr, arg_bytes,
                                  tap_pointers.data(), tap_ids.data(), stream, stream ? -1 : 0);
            report.cases++;
            std::string where = describe("max: q %ld, c %ld, rows %ld, window %ld, stride %ld, dilation %ld, width %ld, "
                                         "arg bytes %d, stream %d", q, c, rows, s, axis.stride, axis.dilation,
                                         axis.size, arg_bytes, stream);
            for (long j = 0; j < q; j++) for (long ch = 0; ch < c; ch++) {
                long start = axis.entries[4 * j], lo = axis.entries[4 * j + 1], hi = axis.entries[4 * j + 2];
                T best = 0;
                long winner = -1;
                for (long k = 0; k < rows; k++) for (long t = lo; t < hi; t++) {
                    T v = x.pointers[k][(start + t * axis.dilation) * c + ch];
                    if (winner < 0 || (!(v <= best) && best == best)) {
                        best = v;
                        winner = row_taps[k] * s + t;
                    }
                }
                if (!check(report, true, out[1 + j * c + ch], best, 0, "out", j, ch, where)) return;
                long e = j * c + ch;
                int32_t wide = 0;
                if (arg_bytes == 4) std::memcpy(&wide, arg.data() + 4 + 4 * e, 4);
                long got = arg_bytes == 1 ? arg[4 + e] : wide;
                if (arg_bytes && got != winner) {
                    report.fail("arg[%ld][%ld] = %ld, expected %ld (%s)", j, ch, got, winner, where.c_str());
                    return;
                }
            }
            if (!check_untouched(report, out.front(), "out", -1, where) || !check_untouched(report, out.back(), "out", q * c, where))
                return;
            long used = arg_bytes * q * c;
            for (long e = 0; e < (long)arg.size(); e++) {
                if ((e < 4 || e >= 4 + used) && arg[e] != sentinel_byte) {
                    report.fail("arg byte %ld outside the row was written (%s)", e - 4, where.c_str());
                    return;
                }
            }
        }
    }
}

template <typename T> void test_pool_avg(int isa, Report &report) {
    Random random(12);
    for (const Axis &axis : column_axes()) for (long c : pool_channels()) for (long rows : {1L, 2L, 3L})
    for (long override_divisor : {0L, 4L, 7L}) {
        long q = axis.outputs;
        InputRows<T> x(rows, axis.size, c, random, false);
        long row_count = rows + (rows == 1);  // as if a padded row counted too
        for (int stream = 0; stream < 2; stream++) {
            std::vector<T> out(q * c + 2, sentinel<T>());
            PoolEntry<T>::avg_row(isa, x.pointers.data(), rows, axis.entries.data(), q, c, axis.dilation, row_count,
                                  override_divisor, out.data() + 1, stream, stream ? -1 : 0);
            report.cases++;
            std::string where = describe("average: q %ld, c %ld, rows %ld, window %ld, stride %ld, dilation %ld, "
                                         "width %ld, divisor override %ld, stream %d", q, c, rows, axis.taps,
                                         axis.stride, axis.dilation, axis.size, override_divisor, stream);
            for (long j = 0; j < q; j++) for (long ch = 0; ch < c; ch++) {
                long start = axis.entries[4 * j], lo = axis.entries[4 * j + 1], hi = axis.entries[4 * j + 2];
                T sum = 0;
                for (long k = 0; k < rows; k++) for (long t = lo; t < hi; t++)
                    sum += x.pointers[k][(start + t * axis.dilation) * c + ch];
                long divisor = override_divisor > 0 ? override_divisor : row_count * axis.entries[4 * j + 3];
                bool power = divisor > 0 && (divisor & (divisor - 1)) == 0;
                T want = power ? sum * ((T)1 / (T)divisor) : sum / (T)divisor;
                if (!check(report, true, out[1 + j * c + ch], want, 0, "out", j, ch, where)) return;
            }
            if (!check_untouched(report, out.front(), "out", -1, where) || !check_untouched(report, out.back(), "out", q * c, where))
                return;
        }
    }
}

// A random argmax for each window and channel: one of the window's taps inside the input.
std::vector<long> random_argmax(const Axis &axis, const std::vector<long> &row_taps, long c, Random &random) {
    std::vector<long> winners(axis.outputs * c);
    long rows = (long)row_taps.size();
    for (long j = 0; j < axis.outputs; j++) for (long ch = 0; ch < c; ch++) {
        long lo = axis.entries[4 * j + 1], hi = axis.entries[4 * j + 2];
        long k = random.below(rows), t = hi > lo ? lo + random.below(hi - lo) : lo;
        winners[j * c + ch] = row_taps[k] * axis.taps + t;
    }
    return winners;
}

std::vector<uint8_t> stored_argmax(const std::vector<long> &winners, int arg_bytes) {
    std::vector<uint8_t> bytes(winners.size() * arg_bytes + 3, sentinel_byte);
    for (size_t e = 0; e < winners.size(); e++) {
        if (arg_bytes == 1) bytes[3 + e] = (uint8_t)winners[e];
        else { int32_t v = (int32_t)winners[e]; std::memcpy(bytes.data() + 3 + 4 * e, &v, 4); }
    }
    return bytes;
}

template <typename T> void test_pool_max_backward(int isa, Report &report) {
    Random random(13);
    for (const Axis &axis : column_axes()) for (long c : pool_channels()) for (long rows : {1L, 2L})
    for (int arg_bytes : {1, 4}) for (int assign = 0; assign < 2; assign++) {
        // Assigning is for windows that tile the input: each element written by one window.
        bool tiles = axis.stride == axis.taps && axis.dilation == 1 && axis.entries[0] == 0 && axis.outputs * axis.taps == axis.size;
        if (assign && !tiles) continue;
        long q = axis.outputs, s = axis.taps, w = axis.size;
        std::vector<long> row_taps(rows);
        for (long k = 0; k < rows; k++) row_taps[k] = k;
        std::vector<long> winners = random_argmax(axis, row_taps, c, random);
        std::vector<uint8_t> arg = stored_argmax(winners, arg_bytes);
        std::vector<T> dy(q * c);
        for (auto &v : dy) v = tricky<T>(random, false);
        std::vector<std::vector<T>> dx(rows, std::vector<T>(w * c + 2, sentinel<T>()));
        std::vector<std::vector<T>> want(rows, std::vector<T>(w * c + 2, sentinel<T>()));
        std::vector<T *> dx_rows;
        for (long k = 0; k < rows; k++) {
            if (!assign) for (long e = 1; e <= w * c; e++) dx[k][e] = want[k][e] = (T)random.next();
            dx_rows.push_back(dx[k].data() + 1);
        }
        // in the forward pass window j's tap (k, t) won where the argmax says so, so now:
        for (long j = 0; j < q; j++) for (long k = 0; k < rows; k++)
        for (long t = axis.entries[4 * j + 1]; t < axis.entries[4 * j + 2]; t++) for (long ch = 0; ch < c; ch++) {
            T &target = want[k][1 + (axis.entries[4 * j] + t * axis.dilation) * c + ch];
            T old = assign ? (T)0 : target;
            target = winners[j * c + ch] == row_taps[k] * s + t ? old + dy[j * c + ch] : old;
        }
        PoolEntry<T>::backward_row(isa, dx_rows.data(), row_taps.data(), rows, axis.entries.data(), q, c, s,
                                   axis.dilation, dy.data(), arg.data() + 3, arg_bytes, assign);
        report.cases++;
        std::string where = describe("max backward: q %ld, c %ld, rows %ld, window %ld, stride %ld, dilation %ld, "
                                     "width %ld, arg bytes %d, assign %d", q, c, rows, s, axis.stride,
                                     axis.dilation, w, arg_bytes, assign);
        for (long k = 0; k < rows; k++) for (long e = 0; e < w * c + 2; e++) {
            bool inside = e >= 1 && e <= w * c;
            if (!(inside ? check(report, true, dx[k][e], want[k][e], 0, "dx", k, e - 1, where)
                         : check_untouched(report, dx[k][e], "dx", e - 1, where)))
                return;
        }
    }
}

template <typename T> void test_pool_max_gather(int isa, Report &report) {
    Random random(14);
    for (const Axis &axis : column_axes()) for (long c : pool_channels()) for (long rows : {1L, 2L, 3L})
    for (int arg_bytes : {1, 4}) for (int stream = 0; stream < 2; stream++) {
        long q = axis.outputs, s = axis.taps, w = axis.size;
        // The row of dx under `rows` windows, each of another output row, with row taps 2, 1, 0
        // (as a 3-row window sliding down by one).
        std::vector<long> row_taps(rows);
        for (long k = 0; k < rows; k++) row_taps[k] = rows - 1 - k;
        std::vector<std::vector<T>> dy(rows, std::vector<T>(q * c + 1));
        std::vector<std::vector<uint8_t>> args;
        std::vector<std::vector<long>> winners;
        std::vector<const T *> dy_rows;
        std::vector<const void *> arg_rows;
        for (long k = 0; k < rows; k++) {
            for (auto &v : dy[k]) v = tricky<T>(random, false);
            // Winners in any of the window rows 0 ... 2, so that some are this row's tap.
            winners.push_back(random_argmax(axis, {0, 1, 2}, c, random));
            args.push_back(stored_argmax(winners.back(), arg_bytes));
        }
        for (long k = 0; k < rows; k++) {
            dy_rows.push_back(dy[k].data() + 1);
            arg_rows.push_back(args[k].data() + 3);
        }
        std::vector<long> start, pairs;
        axis.input_windows(start, pairs);
        std::vector<T> dx(w * c + 2, sentinel<T>());
        PoolEntry<T>::gather_row(isa, dy_rows.data(), arg_rows.data(), row_taps.data(), rows, start.data(), pairs.data(),
                                 w, c, s, arg_bytes, dx.data() + 1, stream);
        report.cases++;
        std::string where = describe("max gather: w %ld, c %ld, rows %ld, window %ld, stride %ld, dilation %ld, "
                                     "arg bytes %d, stream %d", w, c, rows, s, axis.stride, axis.dilation,
                                     arg_bytes, stream);
        for (long iw = 0; iw < w; iw++) for (long ch = 0; ch < c; ch++) {
            T sum = 0;
            for (long k = 0; k < rows; k++) for (long i = start[iw]; i < start[iw + 1]; i++) {
                long o = pairs[2 * i], t = pairs[2 * i + 1];
                if (winners[k][o * c + ch] == row_taps[k] * s + t) sum += dy_rows[k][o * c + ch];
            }
            if (!check(report, true, dx[1 + iw * c + ch], sum, 0, "dx", iw, ch, where)) return;
        }
        if (!check_untouched(report, dx.front(), "dx", -1, where) || !check_untouched(report, dx.back(), "dx", w * c, where))
            return;
    }
}

template <typename T> void run_pool(int family, int isa, Report &report) {
    switch (family) {
    case CKT_POOL_MAX: test_pool_max<T>(isa, report); break;
    case CKT_POOL_AVG: test_pool_avg<T>(isa, report); break;
    case CKT_POOL_MAX_BACKWARD: test_pool_max_backward<T>(isa, report); break;
    case CKT_POOL_MAX_GATHER: test_pool_max_gather<T>(isa, report); break;
    default: report.fail("family %d is not a pooling family", family);
    }
}

}  // namespace

void ckt::run_pool_family(int family, int isa, bool is_double, Report &report) {
    if (is_double) run_pool<double>(family, isa, report);
    else run_pool<float>(family, isa, report);
}

// The NCHW plane kernels' tester (ck_pool.h, ck_pool_max_nchw_f32 and the rest): planes whose
// rows hold 1 to 67 windows (around every vector of 2 to 16 lanes), every column axis the
// other pooling testers sweep and a few row axes, inputs with ties, signed zeros and NaNs,
// outputs, argmax and gradients guarded by sentinels. Each result is compared bit for bit
// with a scalar reference that scans each window as the NHWC kernels do, and two planes in one
// call with one call a plane.
#include "CConvKitKernelTester.h"
#include "CConvKitKernels.h"
#include "ck_pool.h"
#include "pool_tester_support.h"
#include "tester_support.h"

namespace {

using namespace ckt;

template <typename T> struct PlaneEntry;
template <> struct PlaneEntry<float> {
    static void max(int isa, const ck_pool_plane *g, long planes, const float *x, float *out, void *arg, int arg_bytes) {
        ck_pool_max_nchw_f32(isa, g, planes, x, out, arg, arg_bytes);
    }
    static void avg(int isa, const ck_pool_plane *g, long planes, const float *x, float *out) {
        ck_pool_avg_nchw_f32(isa, g, planes, x, out);
    }
    static void avg_backward(int isa, const ck_pool_plane *g, long planes, const float *dy, int tiles, float *share,
                             float *dx) {
        ck_pool_avg_backward_nchw_f32(isa, g, planes, dy, tiles, share, dx);
    }
    static void max_backward(int isa, const ck_pool_plane *g, long planes, const float *dy, const void *arg,
                             int arg_bytes, int tiles, float *dx) {
        ck_pool_max_backward_nchw_f32(isa, g, planes, dy, arg, arg_bytes, tiles, dx);
    }
};
template <> struct PlaneEntry<double> {
    static void max(int isa, const ck_pool_plane *g, long planes, const double *x, double *out, void *arg, int arg_bytes) {
        ck_pool_max_nchw_f64(isa, g, planes, x, out, arg, arg_bytes);
    }
    static void avg(int isa, const ck_pool_plane *g, long planes, const double *x, double *out) {
        ck_pool_avg_nchw_f64(isa, g, planes, x, out);
    }
    static void avg_backward(int isa, const ck_pool_plane *g, long planes, const double *dy, int tiles, double *share,
                             double *dx) {
        ck_pool_avg_backward_nchw_f64(isa, g, planes, dy, tiles, share, dx);
    }
    static void max_backward(int isa, const ck_pool_plane *g, long planes, const double *dy, const void *arg,
                             int arg_bytes, int tiles, double *dx) {
        ck_pool_max_backward_nchw_f64(isa, g, planes, dy, arg, arg_bytes, tiles, dx);
    }
};

// The row axes: windows of 1 to 3 rows, strided, dilated, padded.
std::vector<Axis> row_axes() {
    return {Axis(3, 1, 1, 1, 0, 0), Axis(6, 2, 2, 1, 0, 0), Axis(7, 3, 2, 1, 1, 1), Axis(5, 2, 1, 2, 1, 1)};
}

// One plane's geometry, with the tables the kernels read, and its input (guarded by sentinels
// past the plane, which the forward kernels may read and must not use).
template <typename T> struct Plane {
    Axis rows, cols;
    std::vector<long> tap_cols, tap_offsets;
    std::vector<T> x;
    ck_pool_plane g;

    Plane(const Axis &rows, const Axis &cols, long divisor_override, bool readable_past, Random &random)
        : rows(rows), cols(cols), tap_cols(cols.tap_outputs()) {
        long h = rows.size, w = cols.size;
        for (long k = 0; k < rows.taps; k++)
            for (long t = 0; t < cols.taps; t++) tap_offsets.push_back(k * rows.dilation * w + t * cols.dilation);
        x.assign(h * w + 64, sentinel<T>());
        for (long e = 0; e < h * w; e++) x[e] = tricky<T>(random, true);
        g = ck_pool_plane{h, w, rows.outputs, cols.outputs, cols.taps, rows.dilation, cols.dilation, cols.stride,
                          this->rows.entries.data(), this->cols.entries.data(), tap_cols.data(), divisor_override, 0,
                          x.data() + (readable_past ? h * w + 64 : h * w), tap_offsets.data()};
    }
    bool tiles() const { return rows.tiles() && cols.tiles(); }
    long divisor(long i, long j) const {
        return g.divisor_override > 0 ? g.divisor_override : rows.entries[4 * i + 3] * cols.entries[4 * j + 3];
    }
    // Calls f(k, t, element) for the taps of window (i, j) in scan order.
    template <typename F> void taps(long i, long j, F f) const {
        for (long k = rows.entries[4 * i + 1]; k < rows.entries[4 * i + 2]; k++)
            for (long t = cols.entries[4 * j + 1]; t < cols.entries[4 * j + 2]; t++)
                f(k, t, (rows.entries[4 * i] + k * rows.dilation) * g.w + cols.entries[4 * j] + t * cols.dilation);
    }
};

// The planes the testers sweep: every row axis against every column axis.
template <typename T, typename F> void for_planes(Report &report, F f) {
    Random random(17);
    for (const Axis &rows : row_axes()) for (const Axis &cols : column_axes({1, 5, 8, 17, 36, 67})) {
        if (rows.outputs == 0 || report.failures) continue;
        f(rows, cols, random);
    }
}

template <typename T> bool untouched(Report &report, const std::vector<T> &v, long used, const std::string &where) {
    return check_untouched(report, v.front(), "out", -1, where) && check_untouched(report, v[used + 1], "out", used, where);
}

template <typename T> void test_forward(int isa, Report &report) {
    for_planes<T>(report, [&](const Axis &rows, const Axis &cols, Random &random) {
        for (int readable_past = 0; readable_past < 2; readable_past++) for (long override_divisor : {0L, 3L, 4L})
        for (int stream = 0; stream < 2; stream++) {
            Plane<T> plane(rows, cols, override_divisor, readable_past, random);
            plane.g.stream = stream;  // prefetching ahead; tiled planes staging their rows
            long p = plane.g.p, q = plane.g.q;
            std::string where = describe("plane %ldx%ld, window %ldx%ld, stride %ld x %ld, dilation %ld x %ld, "
                                         "divisor override %ld, readable past %d, stream %d", plane.g.h, plane.g.w,
                                         rows.taps, cols.taps, rows.stride, cols.stride, rows.dilation, cols.dilation,
                                         override_divisor, readable_past, stream);
            for (int arg_bytes : {0, 1, 4}) {
                std::vector<T> out(p * q + 2, sentinel<T>());
                std::vector<uint8_t> arg(p * q * 4 + 8, 0xA5);
                PlaneEntry<T>::max(isa, &plane.g, 1, plane.x.data(), out.data() + 1, arg_bytes ? arg.data() + 4 : nullptr,
                                   arg_bytes);
                report.cases++;
                for (long i = 0; i < p; i++) for (long j = 0; j < q; j++) {
                    T best = 0;
                    long winner = -1;
                    plane.taps(i, j, [&](long k, long t, long e) {
                        T v = plane.x[e];
                        if (winner < 0 || (!(v <= best) && best == best)) { best = v; winner = k * cols.taps + t; }
                    });
                    if (!check(report, true, out[1 + i * q + j], best, 0, "max", i, j, where)) return;
                    long e = i * q + j;
                    int32_t wide = 0;
                    if (arg_bytes == 4) std::memcpy(&wide, arg.data() + 4 + 4 * e, 4);
                    long got = arg_bytes == 1 ? arg[4 + e] : wide;
                    if (arg_bytes && got != winner) {
                        report.fail("arg[%ld][%ld] = %ld, expected %ld (%s)", i, j, got, winner, where.c_str());
                        return;
                    }
                }
                if (!untouched(report, out, p * q, where)) return;
                for (long e = 0; e < (long)arg.size(); e++) {
                    if ((e < 4 || e >= 4 + arg_bytes * p * q) && arg[e] != 0xA5) {
                        report.fail("arg byte %ld outside the plane was written (%s)", e - 4, where.c_str());
                        return;
                    }
                }
            }
            std::vector<T> out(p * q + 2, sentinel<T>());
            PlaneEntry<T>::avg(isa, &plane.g, 1, plane.x.data(), out.data() + 1);
            report.cases++;
            for (long i = 0; i < p; i++) for (long j = 0; j < q; j++) {
                T sum = 0;
                plane.taps(i, j, [&](long, long, long e) { sum += plane.x[e]; });
                if (!check(report, true, out[1 + i * q + j], sum / (T)plane.divisor(i, j), 0, "average", i, j, where)) return;
            }
            if (!untouched(report, out, p * q, where)) return;
        }
    });
}

template <typename T> void test_backward(int isa, Report &report) {
    for_planes<T>(report, [&](const Axis &rows, const Axis &cols, Random &random) {
        for (int tiles = 0; tiles < 2; tiles++) for (long override_divisor : {0L, 3L, 4L}) for (int arg_bytes : {1, 4}) {
            Plane<T> plane(rows, cols, override_divisor, false, random);
            if (tiles && !plane.tiles()) continue;
            long p = plane.g.p, q = plane.g.q, hw = plane.g.h * plane.g.w;
            std::string where = describe("plane %ldx%ld, window %ldx%ld, stride %ld x %ld, dilation %ld x %ld, "
                                         "divisor override %ld, tiles %d, arg bytes %d", plane.g.h, plane.g.w,
                                         rows.taps, cols.taps, rows.stride, cols.stride, rows.dilation,
                                         cols.dilation, override_divisor, tiles, arg_bytes);
            std::vector<T> dy(p * q);
            for (auto &v : dy) v = tricky<T>(random, false);
            // A random winner among each window's taps, stored as the forward pass stores it.
            std::vector<long> winners(p * q);
            std::vector<uint8_t> arg(p * q * 4, 0);
            for (long e = 0; e < p * q; e++) {
                std::vector<long> ids;
                plane.taps(e / q, e % q, [&](long k, long t, long) { ids.push_back(k * cols.taps + t); });
                winners[e] = ids[random.below((long)ids.size())];
                if (arg_bytes == 1) arg[e] = (uint8_t)winners[e];
                else { int32_t v = (int32_t)winners[e]; std::memcpy(arg.data() + 4 * e, &v, 4); }
            }
            // dx starts at 0; in the forward pass this was A = max(window) (or its mean), so now
            // the winner (every tap) receives dy (dy / divisor): the max window by window, the
            // average tap by tap (each window row, each column tap, the windows in order).
            std::vector<T> want_max(hw, 0), want_avg(hw, 0);
            for (long e = 0; e < p * q; e++) {
                plane.taps(e / q, e % q, [&](long k, long t, long at) {
                    if (winners[e] == k * cols.taps + t) want_max[at] += dy[e];
                });
            }
            for (long i = 0; i < p; i++)
            for (long k = rows.entries[4 * i + 1]; k < rows.entries[4 * i + 2]; k++)
            for (long t = 0; t < cols.taps; t++) for (long j = 0; j < q; j++) {
                if (t < cols.entries[4 * j + 1] || t >= cols.entries[4 * j + 2]) continue;
                long at = (rows.entries[4 * i] + k * rows.dilation) * plane.g.w + cols.entries[4 * j] + t * cols.dilation;
                want_avg[at] += dy[i * q + j] / (T)plane.divisor(i, j);
            }
            std::vector<T> dx(hw + 2, sentinel<T>()), share(q);
            PlaneEntry<T>::max_backward(isa, &plane.g, 1, dy.data(), arg.data(), arg_bytes, tiles, dx.data() + 1);
            report.cases++;
            for (long e = 0; e < hw; e++) if (!check(report, true, dx[1 + e], want_max[e], 0, "max dx", e, 0, where)) return;
            if (!untouched(report, dx, hw, where)) return;
            std::fill(dx.begin(), dx.end(), sentinel<T>());
            PlaneEntry<T>::avg_backward(isa, &plane.g, 1, dy.data(), tiles, share.data(), dx.data() + 1);
            report.cases++;
            for (long e = 0; e < hw; e++) if (!check(report, true, dx[1 + e], want_avg[e], 0, "average dx", e, 0, where)) return;
            if (!untouched(report, dx, hw, where)) return;
        }
    });
}

// Two planes in one call against one call a plane, bit for bit: the second plane's input, output,
// argmax, dy and dx at the offsets the kernels compute (h · w and p · q on). Streaming calls
// (every other plane) stage rows across the planes' boundary.
template <typename T> void test_planes(int isa, Report &report) {
    int stream = 0;
    for_planes<T>(report, [&](const Axis &rows, const Axis &cols, Random &random) {
        Plane<T> plane(rows, cols, 0, false, random);
        plane.g.stream = stream = !stream;
        long hw = plane.g.h * plane.g.w, pq = plane.g.p * plane.g.q;
        std::string where = describe("two planes %ldx%ld, window %ldx%ld, stride %ld x %ld, stream %d", plane.g.h,
                                     plane.g.w, rows.taps, cols.taps, rows.stride, cols.stride, stream);
        std::vector<T> x(2 * hw + 64), dy(2 * pq);
        for (auto &v : x) v = tricky<T>(random, true);
        for (auto &v : dy) v = tricky<T>(random, false);
        ck_pool_plane g = plane.g;
        g.end = x.data() + 2 * hw;
        std::vector<T> both(2 * pq), one(2 * pq), dx_both(2 * hw), dx_one(2 * hw), share(plane.g.q);
        std::vector<uint8_t> arg_both(2 * pq), arg_one(2 * pq);
        PlaneEntry<T>::max(isa, &g, 2, x.data(), both.data(), arg_both.data(), 1);
        for (long n = 0; n < 2; n++)
            PlaneEntry<T>::max(isa, &g, 1, x.data() + n * hw, one.data() + n * pq, arg_one.data() + n * pq, 1);
        PlaneEntry<T>::max_backward(isa, &g, 2, dy.data(), arg_both.data(), 1, 0, dx_both.data());
        for (long n = 0; n < 2; n++)
            PlaneEntry<T>::max_backward(isa, &g, 1, dy.data() + n * pq, arg_one.data() + n * pq, 1, 0, dx_one.data() + n * hw);
        report.cases++;
        for (long e = 0; e < 2 * pq; e++) {
            if (!check(report, true, both[e], one[e], 0, "max of two planes", e, 0, where)) return;
            if (arg_both[e] != arg_one[e]) { report.fail("arg %ld of two planes differs (%s)", e, where.c_str()); return; }
        }
        for (long e = 0; e < 2 * hw; e++) if (!check(report, true, dx_both[e], dx_one[e], 0, "max dx of two planes", e, 0, where)) return;
        PlaneEntry<T>::avg(isa, &g, 2, x.data(), both.data());
        for (long n = 0; n < 2; n++) PlaneEntry<T>::avg(isa, &g, 1, x.data() + n * hw, one.data() + n * pq);
        PlaneEntry<T>::avg_backward(isa, &g, 2, dy.data(), 0, share.data(), dx_both.data());
        for (long n = 0; n < 2; n++)
            PlaneEntry<T>::avg_backward(isa, &g, 1, dy.data() + n * pq, 0, share.data(), dx_one.data() + n * hw);
        report.cases++;
        for (long e = 0; e < 2 * pq; e++) if (!check(report, true, both[e], one[e], 0, "average of two planes", e, 0, where)) return;
        for (long e = 0; e < 2 * hw; e++) if (!check(report, true, dx_both[e], dx_one[e], 0, "average dx of two planes", e, 0, where)) return;
    });
}

}  // namespace

void ckt::run_pool_nchw_family(int isa, bool is_double, Report &report) {
    if (is_double) {
        test_forward<double>(isa, report);
        test_backward<double>(isa, report);
        test_planes<double>(isa, report);
    } else {
        test_forward<float>(isa, report);
        test_backward<float>(isa, report);
        test_planes<float>(isa, report);
    }
}

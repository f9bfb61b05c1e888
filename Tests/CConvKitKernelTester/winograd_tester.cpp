// The Winograd F(2 × 2, 3 × 3) transforms' tester (CConvKitKernels.h, ck_winograd_f2x3_*, and the
// weight gradient's F(3 × 3, 2 × 2) transforms of the output gradient and back to 3 × 3): channel
// counts around every vector width (1 … 17 and 31 … 33), several tiles, a range of input channels
// for the weights, pixel pointers into a padded image with a stride of their own, NULL outputs
// past an edge, with and without bias; every element outside what a kernel writes guarded by a
// sentinel. The transforms only add, subtract and halve, in one order on every instruction set:
// the scalar reference below performs the same operations, so every element matches bit for bit.
#include "CConvKitKernelTester.h"
#include "CConvKitKernels.h"
#include "tester_support.h"

namespace {

using namespace ckt;

void weights(int isa, long c0, long c1, long c, long k, const float *w, float *u, long u_stride, long nr) {
    ck_winograd_f2x3_weights_f32(isa, c0, c1, c, k, w, u, u_stride, nr);
}
void weights(int isa, long c0, long c1, long c, long k, const double *w, double *u, long u_stride, long nr) {
    ck_winograd_f2x3_weights_f64(isa, c0, c1, c, k, w, u, u_stride, nr);
}
void input(int isa, long tiles, long c, const float *const *pixels, float *v, long ldv) {
    ck_winograd_f2x3_input_f32(isa, tiles, c, pixels, v, ldv);
}
void input(int isa, long tiles, long c, const double *const *pixels, double *v, long ldv) {
    ck_winograd_f2x3_input_f64(isa, tiles, c, pixels, v, ldv);
}
void output(int isa, long tiles, long k, const float *m, long ldm, float *const *pixels, const float *bias) {
    ck_winograd_f2x3_output_f32(isa, tiles, k, m, ldm, pixels, bias);
}
void output(int isa, long tiles, long k, const double *m, long ldm, double *const *pixels, const double *bias) {
    ck_winograd_f2x3_output_f64(isa, tiles, k, m, ldm, pixels, bias);
}

void gradient(int isa, long tiles, long k, const float *const *pixels, float *e, long xi_stride, long panel_stride, long nr) {
    ck_winograd_f2x3_gradient_f32(isa, tiles, k, pixels, e, xi_stride, panel_stride, nr);
}
void gradient(int isa, long tiles, long k, const double *const *pixels, double *e, long xi_stride, long panel_stride, long nr) {
    ck_winograd_f2x3_gradient_f64(isa, tiles, k, pixels, e, xi_stride, panel_stride, nr);
}
void weight_gradient(int isa, long c0, long c1, long c, long k, const float *m, long xi_stride, float *dw) {
    ck_winograd_f2x3_weight_gradient_f32(isa, c0, c1, c, k, m, xi_stride, dw);
}
void weight_gradient(int isa, long c0, long c1, long c, long k, const double *m, long xi_stride, double *dw) {
    ck_winograd_f2x3_weight_gradient_f64(isa, c0, c1, c, k, m, xi_stride, dw);
}

// The 1-d transforms, in the kernels' order: Bᵀ d, G g, Aᵀ m, and the dual's A e and Gᵀ m.
template <typename T> void input_1d(const T d[4], T t[4]) {
    t[0] = d[0] - d[2];
    t[1] = d[1] + d[2];
    t[2] = d[2] - d[1];
    t[3] = d[1] - d[3];
}
template <typename T> void weight_1d(const T g[3], T a[4]) {
    T outer = g[0] + g[2];
    a[0] = g[0];
    a[1] = (outer + g[1]) * (T)0.5;
    a[2] = (outer - g[1]) * (T)0.5;
    a[3] = g[2];
}
template <typename T> void output_1d(const T m[4], T s[2]) {
    s[0] = (m[0] + m[1]) + m[2];
    s[1] = (m[1] - m[2]) - m[3];
}

template <typename T> void gradient_1d(const T e[2], T a[4]) {
    a[0] = e[0];
    a[1] = e[0] + e[1];
    a[2] = e[0] - e[1];
    a[3] = (T)0 - e[1];
}
template <typename T> void weight_gradient_1d(const T m[4], T w[3]) {
    T inner = (m[1] + m[2]) * (T)0.5;
    w[0] = m[0] + inner;
    w[1] = (m[1] - m[2]) * (T)0.5;
    w[2] = inner + m[3];
}

std::vector<long> channel_counts() {
    std::vector<long> counts;
    for (long n = 1; n <= 17; n++) counts.push_back(n);
    for (long n : {31L, 32L, 33L}) counts.push_back(n);
    return counts;
}

template <typename T> void test_weights(int isa, Report &report) {
    Random random(21);
    long mr = 0, nr = 0;
    ck_kernel_tile(isa, CK_FAMILY_GEMM_INDIRECT, sizeof(T) == 8, &mr, &nr);
    for (long c : {1L, 2L, 5L}) for (long k : channel_counts()) {
        long panels = (k + nr - 1) / nr, u_stride = panels * c * nr + 7;
        std::vector<T> w(9 * c * k);
        random.fill(w);
        std::vector<T> u(16 * u_stride, sentinel<T>());
        long c0 = c > 1 ? 1 : 0;  // input channel 0 left to another call
        weights(isa, c0, c, c, k, w.data(), u.data(), u_stride, nr);
        report.cases++;
        std::string where = describe("winograd weights: c %ld (from %ld), k %ld, nr %ld", c, c0, k, nr);
        std::vector<bool> written(u.size(), false);
        for (long ci = c0; ci < c; ci++) for (long kk = 0; kk < k; kk++) {
            T g[9], a[12], x[16];
            for (int tap = 0; tap < 9; tap++) g[tap] = w[(tap * c + ci) * k + kk];
            for (int j = 0; j < 3; j++) {
                T column[3] = {g[j], g[3 + j], g[6 + j]}, out[4];
                weight_1d(column, out);
                for (int i = 0; i < 4; i++) a[3 * i + j] = out[i];
            }
            for (int i = 0; i < 4; i++) weight_1d(a + 3 * i, x + 4 * i);
            for (int xi = 0; xi < 16; xi++) {
                long e = xi * u_stride + ((kk / nr) * c + ci) * nr + kk % nr;
                written[e] = true;
                if (!check(report, true, u[e], x[xi], 0, "U", xi, ci * k + kk, where)) return;
            }
        }
        for (long e = 0; e < (long)u.size(); e++)
            if (!written[e] && !check_untouched(report, u[e], "U", e, where)) return;
    }
}

template <typename T> void test_input(int isa, Report &report) {
    Random random(22);
    for (long tiles : {1L, 2L, 3L}) for (long c : channel_counts()) {
        // Pixels of a 6 × 6 image, `pitch` elements apart (c + 2): tile t starts at (t, t mod 2).
        long pitch = c + 2, ldv = c + 3;
        std::vector<T> image(36 * pitch);
        random.fill(image);
        std::vector<const T *> pixels(16 * tiles);
        for (long t = 0; t < tiles; t++)
            for (int e = 0; e < 16; e++) pixels[16 * t + e] = image.data() + ((t + e / 4) * 6 + t % 2 + e % 4) * pitch;
        std::vector<T> v(1 + 16 * tiles * ldv, sentinel<T>());
        input(isa, tiles, c, pixels.data(), v.data() + 1, ldv);
        report.cases++;
        std::string where = describe("winograd input: tiles %ld, c %ld", tiles, c);
        for (long e = 0; e < (long)v.size(); e++) {
            long row = (e - 1) / ldv, ch = (e - 1) % ldv;
            if (e == 0 || ch >= c) {
                if (!check_untouched(report, v[e], "V", e - 1, where)) return;
                continue;
            }
            T d[16], x[16];
            for (int i = 0; i < 16; i++) d[i] = pixels[16 * (row / 16) + i][ch];
            for (int j = 0; j < 4; j++) {
                T column[4] = {d[j], d[4 + j], d[8 + j], d[12 + j]}, out[4];
                input_1d(column, out);
                for (int i = 0; i < 4; i++) x[4 * i + j] = out[i];
            }
            T rows[4];
            input_1d(x + 4 * ((row % 16) / 4), rows);
            if (!check(report, true, v[e], rows[row % 4], 0, "V", row, ch, where)) return;
        }
    }
}

template <typename T> void test_output(int isa, Report &report) {
    Random random(23);
    for (long tiles : {1L, 2L, 3L}) for (long k : channel_counts()) for (bool with_bias : {false, true}) {
        long ldm = k + 1, pitch = k + 2;
        std::vector<T> m(16 * tiles * ldm), bias(k);
        random.fill(m);
        random.fill(bias);
        std::vector<T> out(1 + 4 * tiles * pitch, sentinel<T>());
        // Tile t's last output (and all of tile 2's right column) past the edge: NULL.
        std::vector<T *> pixels(4 * tiles);
        for (long t = 0; t < tiles; t++)
            for (int e = 0; e < 4; e++)
                pixels[4 * t + e] = (e == 3 || (t == 2 && e % 2 == 1)) ? nullptr : out.data() + 1 + (4 * t + e) * pitch;
        output(isa, tiles, k, m.data(), ldm, pixels.data(), with_bias ? bias.data() : nullptr);
        report.cases++;
        std::string where = describe("winograd output: tiles %ld, k %ld, bias %d", tiles, k, with_bias);
        for (long e = 0; e < (long)out.size(); e++) {
            long slot = (e - 1) / pitch, ch = (e - 1) % pitch;
            if (e == 0 || ch >= k || pixels[slot] == nullptr) {
                if (!check_untouched(report, out[e], "Y", e - 1, where)) return;
                continue;
            }
            long t = slot / 4;
            T x[16], s[8], y[4];
            for (int i = 0; i < 16; i++) x[i] = m[(16 * t + i) * ldm + ch];
            for (int j = 0; j < 4; j++) {
                T column[4] = {x[j], x[4 + j], x[8 + j], x[12 + j]}, sums[2];
                output_1d(column, sums);
                s[j] = sums[0];
                s[4 + j] = sums[1];
            }
            for (int i = 0; i < 2; i++) output_1d(s + 4 * i, y + 2 * i);
            T want = y[slot % 4] + (with_bias ? bias[ch] : (T)0);
            if (!check(report, true, out[e], want, 0, "Y", slot, ch, where)) return;
        }
    }
}

template <typename T> void test_gradient(int isa, Report &report) {
    Random random(24);
    long mr = 0, nr = 0;
    ck_kernel_tile(isa, CK_FAMILY_WEIGHT_GRADIENT, sizeof(T) == 8, &mr, &nr);
    for (long tiles : {1L, 2L, 3L}) for (long k : channel_counts()) {
        long pitch = k + 1, panels = (k + nr - 1) / nr, panel_stride = tiles * nr, xi_stride = panels * panel_stride + 5;
        std::vector<T> dy(4 * tiles * pitch);
        random.fill(dy);
        // Tile 1's right column past the edge: NULL, read as zeros.
        std::vector<const T *> pixels(4 * tiles);
        for (long t = 0; t < tiles; t++)
            for (int i = 0; i < 4; i++) pixels[4 * t + i] = (t == 1 && i % 2 == 1) ? nullptr : dy.data() + (4 * t + i) * pitch;
        std::vector<T> e(16 * xi_stride, sentinel<T>());
        gradient(isa, tiles, k, pixels.data(), e.data(), xi_stride, panel_stride, nr);
        report.cases++;
        std::string where = describe("winograd gradient: tiles %ld, k %ld, nr %ld", tiles, k, nr);
        std::vector<bool> written(e.size(), false);
        for (long t = 0; t < tiles; t++) for (long kk = 0; kk < k; kk++) {
            T g[4], a[8], x[16];
            for (int i = 0; i < 4; i++) g[i] = pixels[4 * t + i] ? pixels[4 * t + i][kk] : (T)0;
            for (int j = 0; j < 2; j++) {
                T column[2] = {g[j], g[2 + j]}, out[4];
                gradient_1d(column, out);
                for (int i = 0; i < 4; i++) a[2 * i + j] = out[i];
            }
            for (int i = 0; i < 4; i++) gradient_1d(a + 2 * i, x + 4 * i);
            for (int xi = 0; xi < 16; xi++) {
                long at = xi * xi_stride + (kk / nr) * panel_stride + t * nr + kk % nr;
                written[at] = true;
                if (!check(report, true, e[at], x[xi], 0, "E", xi, t * k + kk, where)) return;
            }
        }
        for (long at = 0; at < (long)e.size(); at++)
            if (!written[at] && !check_untouched(report, e[at], "E", at, where)) return;
    }
}

template <typename T> void test_weight_gradient(int isa, Report &report) {
    Random random(25);
    for (long c : {1L, 2L, 5L}) for (long k : channel_counts()) {
        long xi_stride = c * k + 3;
        std::vector<T> m(16 * xi_stride);
        random.fill(m);
        std::vector<T> dw(1 + 9 * c * k + 1, sentinel<T>());
        long c0 = c > 1 ? 1 : 0;  // input channel 0 left to another call
        weight_gradient(isa, c0, c, c, k, m.data(), xi_stride, dw.data() + 1);
        report.cases++;
        std::string where = describe("winograd weight gradient: c %ld (from %ld), k %ld", c, c0, k);
        for (long at = 0; at < (long)dw.size(); at++) {
            long inside = at - 1, tap = inside / (c * k), ci = inside / k % c, kk = inside % k;
            if (at == 0 || at == (long)dw.size() - 1 || ci < c0) {
                if (!check_untouched(report, dw[at], "dw", inside, where)) return;
                continue;
            }
            T x[16], s[12], w[9];
            for (int xi = 0; xi < 16; xi++) x[xi] = m[xi * xi_stride + ci * k + kk];
            for (int j = 0; j < 4; j++) {
                T column[4] = {x[j], x[4 + j], x[8 + j], x[12 + j]}, out[3];
                weight_gradient_1d(column, out);
                for (int i = 0; i < 3; i++) s[4 * i + j] = out[i];
            }
            for (int i = 0; i < 3; i++) weight_gradient_1d(s + 4 * i, w + 3 * i);
            if (!check(report, true, dw[at], w[tap], 0, "dw", tap, ci * k + kk, where)) return;
        }
    }
}

}  // namespace

void ckt::run_winograd_family(int isa, bool is_double, Report &report) {
    if (is_double) {
        test_weights<double>(isa, report);
        test_input<double>(isa, report);
        test_output<double>(isa, report);
        test_gradient<double>(isa, report);
        test_weight_gradient<double>(isa, report);
    } else {
        test_weights<float>(isa, report);
        test_input<float>(isa, report);
        test_output<float>(isa, report);
        test_gradient<float>(isa, report);
        test_weight_gradient<float>(isa, report);
    }
}

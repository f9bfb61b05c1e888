// The few-channel kernels' testers (CConvKitKernels.h, ck_small_*): the forward kernel in rows
// and in planes, the weight gradient over runs in pieces, the input gradient, and the band
// copies, each against a scalar reference in the kernels' order of operations, every element
// the kernel must not touch guarded by a sentinel NaN.
#include "CConvKitKernelTester.h"
#include "CConvKitKernels.h"
#include "tester_support.h"

namespace {

using namespace ckt;

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
        std::vector<float> x(40 + 14 + count + 32), w(taps * ldw), bias(n + 1);
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
            // The same sums into planes (ld_plane > rows · count), bit for bit what the rows hold:
            // one row, and three rows whose bands are 7 elements apart (row r reads x + 7r).
            for (long rows : {1L, 3L}) {
                long ld_plane = rows * count + 5;
                std::vector<float> planes(2 + n * ld_plane, sentinel<float>());
                ck_small_forward_planes(isa, rows, count, n, taps, offsets.data(), x.data(), 7, w.data(), ldw, bp,
                                        planes.data() + 2, ld_plane);
                report.cases++;
                where = describe("planes: rows %ld, count %ld, n %ld, taps %ld, bias %d", rows, count, n, taps, with_bias);
                std::vector<float> row(count * ldy);
                for (long r = 0; r < rows; r++) {
                    ck_small_forward(isa, count, n, taps, offsets.data(), x.data() + 7 * r, w.data(), ldw, bp, row.data(),
                                     ldy);
                    for (long j = 0; j < n; j++) for (long q = 0; q < count; q++)
                        if (!check(report, true, planes[2 + j * ld_plane + r * count + q], row[q * ldy + j], 0, "plane", j,
                                   r * count + q, where))
                            return;
                }
                for (long j = 0; j < n; j++) for (long e = rows * count; e < ld_plane; e++)
                    if (!check_untouched(report, planes[2 + j * ld_plane + e], "plane", j * ld_plane + e, where)) return;
                if (!check_untouched(report, planes[0], "plane", -2, where) ||
                    !check_untouched(report, planes[1], "plane", -1, where))
                    return;
            }
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
        // x as (rows, width, channels), then as its planes (channels, rows, width).
        std::vector<float> band((rows + 2) * pitch + 1, sentinel<float>());
        for (int planar = 0; planar < 2; planar++) {
            long pixel = planar ? 1 : channels, channel_step = planar ? rows * width : 1;
            std::vector<long> row_map(rows + 2), column_map(columns);
            for (long hp = 0; hp < rows + 2; hp++) row_map[hp] = hp == 0 || hp == rows + 1 ? -1 : (hp - 1) * width * pixel;
            for (long wp = 0; wp < columns; wp++) column_map[wp] = wp % 7 == 0 ? -1 : (wp - 1) * pixel;
            std::fill(band.begin(), band.end(), sentinel<float>());
            ck_small_pack_band(isa, x.data(), channels, channel_step, row_map.data(), rows + 2, column_map.data(), columns,
                               stride, line, band.data());
            report.cases++;
            std::string where = describe("pack band: channels %ld, stride %ld, columns %ld, planar %d", channels, stride,
                                         columns, planar);
            for (long hp = 0; hp < rows + 2; hp++) for (long c = 0; c < channels; c++) for (long r = 0; r < stride; r++)
            for (long j = 0; j < line; j++) {
                long wp = r + j * stride;
                float want = row_map[hp] < 0 || wp >= columns || column_map[wp] < 0
                                 ? 0 : x[row_map[hp] + column_map[wp] + c * channel_step];
                if (!check(report, true, band[hp * pitch + (c * stride + r) * line + j], want, 0, "band", hp, j, where))
                    return;
            }
            if (!check_untouched(report, band.back(), "band", (long)band.size() - 1, where)) return;
        }

        // Unpack: dx (rows, columns − 1, channels), or its planes, from the band at (h + 1, w + 1).
        long out_columns = columns - 1 > 0 ? columns - 1 : 1, padded_columns = columns;
        for (int planar = 0; planar < 2; planar++) {
            std::vector<float> dx(rows * out_columns * channels + 1, sentinel<float>());
            ck_small_unpack_band(isa, band.data(), channels, rows, out_columns, 1, 1, stride, line, rows + 1,
                                 padded_columns, dx.data(), planar);
            report.cases++;
            std::string where = describe("unpack band: channels %ld, stride %ld, columns %ld, planar %d", channels, stride, columns, planar);
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

}  // namespace

void ckt::run_small_family(int family, int isa, bool is_double, Report &report) {
    if (is_double) report.fail("the few-channel kernels are float only");
    else if (family == CKT_SMALL_FORWARD) test_small_forward(isa, report);
    else if (family == CKT_SMALL_WEIGHTS) test_small_weights(isa, report);
    else if (family == CKT_SMALL_DATA) test_small_data(isa, report);
    else test_small_copies(isa, report);
}

// The transpose kernels' tester (CConvKitKernels.h, ck_transpose_f32): every size around the
// register blocks of 2 … 16 lanes, source and target rows further apart than the matrix is wide,
// everything outside the target guarded by sentinels. A transpose only moves values: exact.
#include "CConvKitKernelTester.h"
#include "CConvKitKernels.h"
#include "tester_support.h"

namespace {

using namespace ckt;

void transpose(int isa, long rows, long columns, const float *src, long ld_src, float *dst, long ld_dst, int stream) {
    ck_transpose_f32(isa, rows, columns, src, ld_src, dst, ld_dst, stream);
}
void transpose(int isa, long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst,
               int stream) {
    ck_transpose_f64(isa, rows, columns, src, ld_src, dst, ld_dst, stream);
}

template <typename T> void test_transpose(int isa, Report &report) {
    Random random(15);
    std::vector<long> sizes;
    for (long k = 1; k <= 18; k++) sizes.push_back(k);
    for (long k : {31L, 32L, 33L, 47L, 64L, 65L}) sizes.push_back(k);
    long line = 64 / (long)sizeof(T);
    for (int stream = 0; stream < 2; stream++) for (long rows : sizes) for (long columns : sizes) {
        // Streamed, dst and its rows on 64-byte lines (where the kernel streams whole rows);
        // otherwise rows further apart than the matrix is wide, off the lines.
        long ld_src = columns + 3, ld_dst = stream ? (rows + line - 1) / line * line + line : rows + 5;
        std::vector<T> src(1 + rows * ld_src);
        random.fill(src);
        std::vector<T> dst(2 * line + columns * ld_dst + 1, sentinel<T>());
        long offset = 1;
        while (stream && ((uintptr_t)(dst.data() + offset) & 63) != 0) offset++;
        transpose(isa, rows, columns, src.data() + 1, ld_src, dst.data() + offset, ld_dst, stream);
        report.cases++;
        std::string where = describe("transpose: rows %ld, columns %ld, stream %d", rows, columns, stream);
        for (long e = 0; e < (long)dst.size(); e++) {
            long j = (e - offset) / ld_dst, i = (e - offset) % ld_dst;
            bool inside = e >= offset && j < columns && i < rows;
            if (!(inside ? check(report, true, dst[e], src[1 + i * ld_src + j], 0, "dst", j, i, where)
                         : check_untouched(report, dst[e], "dst", e - offset, where)))
                return;
        }
    }
}

}  // namespace

void ckt::run_transpose_family(int isa, bool is_double, Report &report) {
    if (is_double) test_transpose<double>(isa, report);
    else test_transpose<float>(isa, report);
}

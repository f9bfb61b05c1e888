// What the micro-kernel testers share: a sentinel NaN, deterministic values, the report of
// failed checks and the comparisons.
#ifndef CKT_TESTER_SUPPORT_H
#define CKT_TESTER_SUPPORT_H

#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace ckt {

// A quiet NaN with a payload of its own: an element still holding it was never written.
template <typename T> T sentinel();
template <> inline float sentinel<float>() {
    uint32_t bits = 0x7FC0BEEFu;
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}
template <> inline double sentinel<double>() {
    uint64_t bits = 0x7FF8BEEFBEEFBEEFull;
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

template <typename T> bool same_bits(T a, T b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Operations of the kernels, one rounding each, as the kernels perform them.
inline float fused(float a, float b, float c) { return std::fmaf(a, b, c); }
inline double fused(double a, double b, double c) { return std::fma(a, b, c); }

// Deterministic values in [-1, 1) with full mantissas, so that any change in the order or
// fusion of the operations shows in the bits.
struct Random {
    uint64_t state;
    explicit Random(uint64_t seed) : state(seed * 0x9E3779B97F4A7C15ull + 1) {}
    double next() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return (double)(state >> 11) / (double)(1ull << 52) - 1.0;
    }
    template <typename T> void fill(std::vector<T> &v) {
        for (auto &x : v) x = (T)next();
    }
    long below(long n) { return (long)((next() + 1.0) / 2.0 * (double)n) % n; }
};

struct Report {
    long failures = 0;
    long cases = 0;
    std::string first;

    void fail(const char *format, ...) __attribute__((format(printf, 2, 3))) {
        if (failures++ > 0) return;
        char buffer[512];
        va_list args;
        va_start(args, format);
        std::vsnprintf(buffer, sizeof buffer, format, args);
        va_end(args);
        first = buffer;
    }
};

// Checks one element against the reference: bit for bit when `exact`, else within a rounding
// bound of the magnitude `scale` of the terms that were summed.
template <typename T>
bool check(Report &report, bool exact, T got, T want, double scale, const char *what, long i, long j,
           const std::string &where) {
    bool ok;
    if (exact) ok = same_bits(got, want);
    else ok = std::isfinite(got) && std::fabs((double)got - (double)want) <= (sizeof(T) == 4 ? 2e-6 : 1e-14) * (scale + 1);
    if (!ok)
        report.fail("%s[%ld][%ld] = %.9g, expected %.9g (%s)", what, i, j, (double)got, (double)want, where.c_str());
    return ok;
}

template <typename T>
bool check_untouched(Report &report, T got, const char *what, long index, const std::string &where) {
    if (same_bits(got, sentinel<T>())) return true;
    report.fail("%s element %ld outside the block was written: %.9g (%s)", what, index, (double)got, where.c_str());
    return false;
}

inline std::string describe(const char *format, ...) __attribute__((format(printf, 1, 2)));
inline std::string describe(const char *format, ...) {
    char buffer[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    return buffer;
}

// The sizes around a tile of `tile`: 1 … tile + 1, and past a second tile.
inline std::vector<long> around(long tile) {
    std::vector<long> sizes;
    for (long s = 1; s <= tile + 1; s++) sizes.push_back(s);
    sizes.push_back(2 * tile + 1);
    return sizes;
}

// The few-channel kernels' testers (small_tester.cpp) of a CKT_SMALL_* family.
void run_small_family(int family, int isa, bool is_double, Report &report);
// The pooling testers (pool_tester.cpp) of a CKT_POOL_* family.
void run_pool_family(int family, int isa, bool is_double, Report &report);
// The NCHW plane pooling tester (pool_nchw_tester.cpp).
void run_pool_nchw_family(int isa, bool is_double, Report &report);
// The transpose tester (transpose_tester.cpp).
void run_transpose_family(int isa, bool is_double, Report &report);
// The Winograd transforms' tester (winograd_tester.cpp).
void run_winograd_family(int isa, bool is_double, Report &report);

}  // namespace ckt

#endif

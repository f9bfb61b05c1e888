// What the pooling testers share (pool_tester.cpp, pool_nchw_tester.cpp): the axes of windows
// they sweep and the values the comparisons must order.
#ifndef CKT_POOL_TESTER_SUPPORT_H
#define CKT_POOL_TESTER_SUPPORT_H

#include <vector>

#include "tester_support.h"

namespace ckt {

// One axis of windows, as PoolAxisTable builds it: (start, lo, hi, count) per output, the taps
// t in lo ..< hi lying inside the `size` inputs at start + t · dilation.
struct Axis {
    long outputs, taps, stride, dilation, size;
    std::vector<long> entries;

    Axis(long size, long taps, long stride, long dilation, long before, long after)
        : taps(taps), stride(stride), dilation(dilation), size(size) {
        long span = dilation * (taps - 1) + 1;
        outputs = size + before + after >= span ? (size + before + after - span) / stride + 1 : 0;
        for (long o = 0; o < outputs; o++) {
            long start = o * stride - before, lo = 0, hi = 0;
            while (lo < taps && start + lo * dilation < 0) lo++;
            while (hi < taps && start + hi * dilation < size) hi++;
            if (hi < lo) hi = lo;
            entries.insert(entries.end(), {start, lo, hi, hi - lo});
        }
    }
    // For each tap t, the outputs [first, end) whose tap t lies inside (PoolAxisTable.tapOutputs).
    std::vector<long> tap_outputs() const {
        std::vector<long> ranges(2 * taps, outputs);
        for (long o = 0; o < outputs; o++) {
            for (long t = entries[4 * o + 1]; t < entries[4 * o + 2]; t++) {
                if (ranges[2 * t] == outputs) ranges[2 * t] = o;
                ranges[2 * t + 1] = o + 1;
            }
        }
        return ranges;
    }
    // Whether the windows cover every input once: no overlap, no gap.
    bool tiles() const {
        std::vector<int> covered(size, 0);
        for (long o = 0; o < outputs; o++) {
            for (long t = entries[4 * o + 1]; t < entries[4 * o + 2]; t++) covered[entries[4 * o] + t * dilation]++;
        }
        for (int c : covered) if (c != 1) return false;
        return true;
    }
    // For each input i, the (output, tap) pairs of the windows holding it, in output order.
    void input_windows(std::vector<long> &start, std::vector<long> &pairs) const {
        start.assign(size + 1, 0);
        pairs.clear();
        for (long i = 0; i < size; i++) {
            for (long o = 0; o < outputs; o++) {
                for (long t = entries[4 * o + 1]; t < entries[4 * o + 2]; t++) {
                    if (entries[4 * o] + t * dilation == i) pairs.insert(pairs.end(), {o, t});
                }
            }
            start[i + 1] = (long)pairs.size() / 2;
        }
    }
};

// The column axes the testers sweep: window width, stride, dilation, padding and input width.
inline std::vector<Axis> column_axes(std::vector<long> sizes = {1, 5, 8}) {
    std::vector<Axis> axes;
    for (long taps : {1L, 2L, 3L}) for (long stride : {1L, 2L, 3L}) for (long dilation : {1L, 2L})
    for (long pad : {0L, 1L}) for (long size : sizes) {
        if (pad >= dilation * (taps - 1) + 1) continue;
        Axis axis(size, taps, stride, dilation, pad, pad);
        // Every window holds a tap of the input (validation refuses padding that allows less).
        bool empty = axis.outputs == 0;
        for (long o = 0; o < axis.outputs; o++) empty = empty || axis.entries[4 * o + 3] == 0;
        if (!empty) axes.push_back(axis);
    }
    return axes;
}

// Values with ties, signed zeros and, where `nans`, NaNs: what the comparisons must order.
template <typename T> T tricky(Random &random, bool nans) {
    long k = random.below(nans ? 12 : 11);
    if (k == 11) return (T)NAN;
    if (k == 10) return (T)-0.0;
    if (k == 9) return (T)0.0;
    return k < 4 ? (T)(k - 2) : (T)random.next();
}

}  // namespace ckt

#endif

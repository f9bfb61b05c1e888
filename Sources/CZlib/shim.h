#ifndef CONVKIT_CZLIB_SHIM_H
#define CONVKIT_CZLIB_SHIM_H

#include <zlib.h>

// zlib's init functions are macros that pass the library version and the stream size;
// Swift cannot call macros, so these wrappers do.

static inline int convkit_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int convkit_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

#endif

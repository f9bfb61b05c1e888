// What the x86 vector layers (ck_vec_avx2.h, ck_vec_avx512.h) share: SSE2 code, which inlines
// into the kernels of either instruction set.
#ifndef CK_VEC_X86_H
#define CK_VEC_X86_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

// The first k (< 16) bytes of v at p, in halves (8, 4, 2, 1): no copy through the stack, which
// became a call to memcpy.
__attribute__((always_inline)) static inline void ckv_x86_store_bytes(void *p, __m128i v, long k) {
    uint8_t *b = (uint8_t *)p;
    if (k & 8) {
        _mm_storel_epi64((__m128i *)b, v);
        v = _mm_srli_si128(v, 8);
        b += 8;
    }
    uint64_t w = (uint64_t)_mm_cvtsi128_si64(v);
    if (k & 4) {
        uint32_t word = (uint32_t)w;
        memcpy(b, &word, 4);
        w >>= 32;
        b += 4;
    }
    if (k & 2) {
        uint16_t half = (uint16_t)w;
        memcpy(b, &half, 2);
        w >>= 16;
        b += 2;
    }
    if (k & 1) *b = (uint8_t)w;
}

#endif

// Dense layers on Intel AMX tiles (bf16 inputs, float accumulation) for network inference.
// The functions that use AMX or AVX-512 carry target attributes (no global compiler flags), and run
// only after betseq_amx_available() said yes, so other CPUs never execute these instructions.
#include "betseq_amx.h"

#include <stdlib.h>
#include <string.h>

// Shared by the AMX path and the fallbacks.
static inline int round_up(int v, int to) { return (v + to - 1) / to * to; }

uint16_t betseq_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffff) > 0x7f800000) return (uint16_t)((u >> 16) | 0x40);   // NaN stays NaN
    u += 0x7fff + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}

static inline float bf16_to_float(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

size_t betseq_amx_packed_size(int k, int n) { return (size_t)round_up(k, 32) * (size_t)round_up(n, 16); }

// Tile (column block j, depth block kc) holds 16 rows (pairs of inputs) × 32 bf16: element
// [r][2·col + t] = w[kc·32 + 2r + t][j·16 + col].
void betseq_amx_pack(const float *w, int k, int n, uint16_t *packed) {
    int kp = round_up(k, 32), np = round_up(n, 16), kb = kp / 32;
    memset(packed, 0, sizeof(uint16_t) * (size_t)kp * (size_t)np);
    for (int j = 0; j < np / 16; j++)
        for (int kc = 0; kc < kb; kc++) {
            uint16_t *tile = packed + ((size_t)j * kb + kc) * 512;
            for (int r = 0; r < 16; r++)
                for (int col = 0; col < 16; col++)
                    for (int t = 0; t < 2; t++) {
                        int row = kc * 32 + 2 * r + t, column = j * 16 + col;
                        tile[r * 32 + 2 * col + t] = row < k && column < n ? betseq_bf16(w[(size_t)row * n + column]) : 0;
                    }
        }
}

// Portable emulation of the two kernels below (same packed weights, same bf16 rounding of every
// stored activation, float sums in depth order): tests check the folding and packing against it on
// any CPU, and the tile kernel against it where AMX exists.
static inline uint16_t packed_weight(const uint16_t *packed, int kb, int k, int j) {
    return packed[((size_t)(j / 16) * kb + k / 32) * 512 + (size_t)((k % 32) / 2) * 32 + 2 * (j % 16) + (k % 2)];
}

void betseq_bf16_layer_emulated(const uint16_t *x, int m, int kp, const uint16_t *packed, int n,
                                const float *scale, const float *shift, int relu, uint16_t *y, int ldy) {
    int kb = kp / 32;
    for (int r = 0; r < m; r++) {
        for (int j = 0; j < n; j++) {
            float acc = 0;
            for (int k = 0; k < kp; k++) acc += bf16_to_float(x[(size_t)r * kp + k]) * bf16_to_float(packed_weight(packed, kb, k, j));
            float v = acc * scale[j] + shift[j];
            if (relu && v < 0) v = 0;
            y[(size_t)r * ldy + j] = betseq_bf16(v);
        }
        for (int c = n; c < ldy; c++) y[(size_t)r * ldy + c] = 0;
    }
}

void betseq_bf16_rows_dot_emulated(const uint16_t *x, int rows, int k, int ldx, const float *w, float bias, float *out) {
    for (int r = 0; r < rows; r++) {
        float sum = 0;
        for (int i = 0; i < k; i++) sum += bf16_to_float(x[(size_t)r * ldx + i]) * w[i];
        out[r] = sum + bias;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <cpuid.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

typedef struct {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} __attribute__((packed)) tile_config;

static int amx_state = -1;

int betseq_amx_available(void) {
    if (amx_state >= 0) return amx_state;
    unsigned a, b, c, d;
    int ok = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        int amx_bf16 = (d >> 22) & 1, amx_tile = (d >> 24) & 1, avx512f = (b >> 16) & 1;
        unsigned a1 = 0, b1, c1, d1;
        __get_cpuid_count(7, 1, &a1, &b1, &c1, &d1);
        int avx512_bf16 = (a1 >> 5) & 1;
        ok = amx_bf16 && amx_tile && avx512f && avx512_bf16;
    }
    if (ok && syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) != 0) ok = 0;
    amx_state = ok;
    return ok;
}



// Scale, shift, ReLU and conversion of a 16 × 16 float block into y (bf16).
#define AMX_TARGET __attribute__((target("amx-tile,amx-bf16,avx512f,avx512bw,avx512vl,avx512bf16")))

AMX_TARGET static inline void epilogue(const float *block, int rows, int col0, int ncols, const float *scale, const float *shift,
                            int relu, uint16_t *y, int ldy) {
    __m512 s = _mm512_loadu_ps(scale + col0), h = _mm512_loadu_ps(shift + col0), zero = _mm512_setzero_ps();
    for (int r = 0; r < rows; r++) {
        __m512 v = _mm512_fmadd_ps(_mm512_loadu_ps(block + r * 16), s, h);
        if (relu) v = _mm512_max_ps(v, zero);
        __m256bh b = _mm512_cvtneps_pbh(v);
        if (ncols == 16) {
            _mm256_storeu_si256((__m256i *)(y + (size_t)r * ldy + col0), (__m256i)b);
        } else {
            uint16_t tmp[16];
            _mm256_storeu_si256((__m256i *)tmp, (__m256i)b);
            memcpy(y + (size_t)r * ldy + col0, tmp, sizeof(uint16_t) * (size_t)ncols);
        }
    }
}

AMX_TARGET void betseq_amx_layer(const uint16_t *x, int m, int kp, const uint16_t *packed, int n,
                      const float *scale, const float *shift, int relu, uint16_t *y, int ldy) {
    tile_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.palette = 1;
    for (int t = 0; t < 8; t++) { cfg.rows[t] = 16; cfg.colsb[t] = 64; }
    _tile_loadconfig(&cfg);
    int np = round_up(n, 16), kb = kp / 32, nb = np / 16;
    float block[4][256] __attribute__((aligned(64)));
    // Zero the padding columns once (they feed the next layer's zero-padded depth).
    for (int r = 0; r < m; r++)
        for (int c = n; c < ldy; c++) y[(size_t)r * ldy + c] = 0;
    // A in tile-major order: each 16-row × 32-column block contiguous (1 KB).
    // (Strided tile loads of row-major rows ran at a third of this speed.)
    uint16_t *ta = aligned_alloc(64, (size_t)32 * kp * 2);
    if (!ta) { _tile_release(); return; }
    for (int i = 0; i < m; i += 32) {
        for (int h = 0; h < 2; h++)
            for (int kc = 0; kc < kb; kc++)
                for (int r = 0; r < 16; r++)
                    memcpy(ta + ((size_t)(h * kb + kc) * 16 + r) * 32, x + (size_t)(i + h * 16 + r) * kp + kc * 32, 64);
        for (int j = 0; j < nb; j += 2) {
            int two = j + 1 < nb;
            _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
            for (int kc = 0; kc < kb; kc++) {
                _tile_loadd(4, ta + (size_t)kc * 512, 64);
                _tile_loadd(6, packed + ((size_t)j * kb + kc) * 512, 64);
                _tile_dpbf16ps(0, 4, 6);
                _tile_loadd(5, ta + (size_t)(kb + kc) * 512, 64);
                _tile_dpbf16ps(1, 5, 6);
                if (two) {
                    _tile_loadd(7, packed + ((size_t)(j + 1) * kb + kc) * 512, 64);
                    _tile_dpbf16ps(2, 4, 7);
                    _tile_dpbf16ps(3, 5, 7);
                }
            }
            _tile_stored(0, block[0], 64);
            _tile_stored(1, block[1], 64);
            int cols0 = n - j * 16 < 16 ? n - j * 16 : 16;
            epilogue(block[0], 16, j * 16, cols0, scale, shift, relu, y + (size_t)i * ldy, ldy);
            epilogue(block[1], 16, j * 16, cols0, scale, shift, relu, y + (size_t)(i + 16) * ldy, ldy);
            if (two) {
                _tile_stored(2, block[2], 64);
                _tile_stored(3, block[3], 64);
                int cols1 = n - (j + 1) * 16 < 16 ? n - (j + 1) * 16 : 16;
                if (cols1 > 0) {
                    epilogue(block[2], 16, (j + 1) * 16, cols1, scale, shift, relu, y + (size_t)i * ldy, ldy);
                    epilogue(block[3], 16, (j + 1) * 16, cols1, scale, shift, relu, y + (size_t)(i + 16) * ldy, ldy);
                }
            }
        }
    }
    free(ta);
    _tile_release();
}

AMX_TARGET void betseq_bf16_rows_dot(const uint16_t *x, int rows, int k, int ldx, const float *w, float bias, float *out) {
    for (int r = 0; r < rows; r++) {
        const uint16_t *row = x + (size_t)r * ldx;
        __m512 acc = _mm512_setzero_ps();
        int i = 0;
        for (; i + 16 <= k; i += 16) {
            __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(row + i)));
            __m512 v = _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
            acc = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + i), acc);
        }
        float sum = _mm512_reduce_add_ps(acc);
        for (; i < k; i++) sum += bf16_to_float(row[i]) * w[i];
        out[r] = sum + bias;
    }
}

#else
// Not x86-64: no AMX; callers check betseq_amx_available() first.
int betseq_amx_available(void) { return 0; }
void betseq_amx_layer(const uint16_t *x, int m, int kp, const uint16_t *packed, int n, const float *scale, const float *shift,
                      int relu, uint16_t *y, int ldy) {
    (void)x; (void)m; (void)kp; (void)packed; (void)n; (void)scale; (void)shift; (void)relu; (void)y; (void)ldy;
}
void betseq_bf16_rows_dot(const uint16_t *x, int rows, int k, int ldx, const float *w, float bias, float *out) {
    betseq_bf16_rows_dot_emulated(x, rows, k, ldx, w, bias, out);
}
#endif

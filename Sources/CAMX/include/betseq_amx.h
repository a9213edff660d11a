#ifndef BETSEQ_AMX_H
#define BETSEQ_AMX_H

#include <stddef.h>
#include <stdint.h>

/// 1 when the CPU has AMX-BF16 and AVX512-BF16 and the kernel granted this process the tile
/// state (asked once, on first call); 0 otherwise (then nothing else here may be called).
int betseq_amx_available(void);

/// bf16 elements of a packed weight matrix for K inputs and N outputs (K rounded up to 32, N to 16).
size_t betseq_amx_packed_size(int k, int n);

/// Packs W (k × n, row-major, float) into AMX tiles of bf16 in VNNI order (round to nearest even;
/// padding is zero).
void betseq_amx_pack(const float *w, int k, int n, uint16_t *packed);

/// One dense layer on AMX tiles: y[m][j] = act(scale[j]·Σ_i x[m][i]·w[i][j] + shift[j]) for the m
/// rows of x (bf16, row stride kp = k rounded up to 32, zero-padded), act = ReLU when relu ≠ 0.
/// Writes y as bf16 with row stride ldy (≥ n rounded up to 32; columns from n on are zero).
/// m must be a multiple of 32; scale and shift have n rounded up to 16 entries (zero-padded).
void betseq_amx_layer(const uint16_t *x, int m, int kp, const uint16_t *packed, int n,
                      const float *scale, const float *shift, int relu, uint16_t *y, int ldy);

/// out[r] = bias + Σ_i x[r][i]·w[i] for bf16 rows x (row stride ldx) and float weights w (k entries).
void betseq_bf16_rows_dot(const uint16_t *x, int rows, int k, int ldx, const float *w, float bias, float *out);

/// Portable scalar emulations of betseq_amx_layer and betseq_bf16_rows_dot (same arguments, same
/// packed weights and bf16 rounding, float sums in depth order); callable on any CPU.
void betseq_bf16_layer_emulated(const uint16_t *x, int m, int kp, const uint16_t *packed, int n,
                                const float *scale, const float *shift, int relu, uint16_t *y, int ldy);
void betseq_bf16_rows_dot_emulated(const uint16_t *x, int rows, int k, int ldx, const float *w, float bias, float *out);

/// Float to bf16, round to nearest even.
uint16_t betseq_bf16(float f);

#endif

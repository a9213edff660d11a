#ifndef BETSEQ_CBLAS_SHIM_H
#define BETSEQ_CBLAS_SHIM_H
// OpenBLAS's CBLAS (include path from pkg-config "openblas").
#include <cblas.h>

// The LAPACK routines we use, which Debian's OpenBLAS exports (Fortran calling convention:
// everything by pointer, column-major; for symmetric matrices row-/column-major coincide).
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);

// Flush-to-zero and denormals-are-zero for this thread (SSE control register): weight decay
// drives dead weights towards denormal floats, which slow sgemm down more than tenfold.
#if defined(__x86_64__)
#include <xmmintrin.h>
static inline void betseq_flush_denormals(void) { _mm_setcsr(_mm_getcsr() | 0x8040); }
#else
static inline void betseq_flush_denormals(void) {}
#endif
#endif

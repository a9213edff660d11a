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
#endif

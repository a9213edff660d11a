#ifndef BETSEQ_CBLAS_SHIM_H
#define BETSEQ_CBLAS_SHIM_H
// OpenBLAS's CBLAS (include path from pkg-config "openblas").
#include <cblas.h>
#endif

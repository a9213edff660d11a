#ifndef BETSEQ_CGSL_SHIM_H
#define BETSEQ_CGSL_SHIM_H
// Only the GSL headers we use; never gsl_cblas.h (it clashes with OpenBLAS's cblas.h, which lives
// in the separate CBLAS module, and a module that sees both, as one importing Learn and this
// does, fails to build). gsl_randist.h reaches gsl_cblas.h through gsl_matrix.h, so the one
// function we use from it is declared here instead.
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_roots.h>

double gsl_ran_gaussian_ziggurat(const gsl_rng *r, const double sigma);

// Swift 6 rejects C global variables as not concurrency-safe; these are immutable type
// descriptors, so expose them through functions.
static inline const gsl_rng_type *betseq_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_root_fsolver_type *betseq_gsl_root_fsolver_brent(void) { return gsl_root_fsolver_brent; }

// GSL's default error handler aborts the process; library code must report errors instead.
static inline void betseq_gsl_errors_return(void) { gsl_set_error_handler_off(); }
#endif

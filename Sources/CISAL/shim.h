#ifndef BETSEQ_CISAL_SHIM_H
#define BETSEQ_CISAL_SHIM_H
// Intel ISA-L's igzip: inflate about 3x faster than zlib on x86-64; used for reading gzip.
#include <isa-l/igzip_lib.h>
#endif

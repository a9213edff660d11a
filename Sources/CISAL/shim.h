#ifndef BETSEQ_CISAL_SHIM_H
#define BETSEQ_CISAL_SHIM_H
// Intel ISA-L's igzip: inflate about 3x faster than zlib on x86-64 (reading gzip), and a fast
// deflate for the bulk FASTQ that simulations write.
#include <isa-l/igzip_lib.h>

// Macros and internal fields Swift cannot see directly.
static inline uint32_t betseq_isal_level1_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }
static inline int betseq_isal_deflate_finished(const struct isal_zstream *s) {
    return s->internal_state.state == ZSTATE_END;
}
#endif

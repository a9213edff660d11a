#ifndef BETSEQ_CZLIB_SHIM_H
#define BETSEQ_CZLIB_SHIM_H
#include <zlib.h>

// zlib's init entry points are macros; Swift cannot call macros, so wrap them once here.

/// Inflate a gzip stream (header and CRC-32/ISIZE trailer checked by zlib).
static inline int betseq_inflate_init_gzip(z_stream *strm) {
    return inflateInit2(strm, 16 + MAX_WBITS);
}

/// Deflate with a gzip wrapper at the given level (1..9), default memory level and strategy.
static inline int betseq_deflate_init_gzip(z_stream *strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
#endif

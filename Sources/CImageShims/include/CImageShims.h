// Letterlock's own C glue around libjpeg(-turbo) and libpng.
//
// Both libraries report fatal errors by longjmp (libjpeg through error_exit, libpng through
// png_jmpbuf), and abort() when nobody catches them. Swift cannot setjmp, so every entry point
// here sets its own jump target before calling into a library and turns a failure into a return
// code. Nothing in this file prints or aborts.
#ifndef LETTERLOCK_CIMAGESHIMS_H
#define LETTERLOCK_CIMAGESHIMS_H

#include <stddef.h>
#include <stdint.h>

enum ll_status {
    LL_OK = 0,
    LL_ERR_CORRUPT = 1,
    LL_ERR_TRUNCATED = 2,
    LL_ERR_UNSUPPORTED = 3,
    LL_ERR_NOMEM = 4,
    LL_ERR_TOO_LARGE = 5,
};

// MARK: PNG decoding (two phases: header, then pixels into a caller-owned buffer)

typedef struct ll_png_reader ll_png_reader;

/// The most libpng allocates for one ancillary chunk (read or inflated), and the most ancillary
/// chunks it stores. Text, ICC profile, sPLT, eXIf, pCAL, sCAL, hIST and unknown chunks are skipped
/// without being stored or inflated, whatever their length.
#define LL_PNG_MAX_CHUNK_BYTES (1u << 20)
#define LL_PNG_MAX_CACHED_CHUNKS 32

typedef struct ll_png_info {
    uint32_t width;
    uint32_t height;
    int color_type;  // PNG_COLOR_TYPE_*
    int bit_depth;   // 1, 2, 4, 8, 16
    int interlaced;  // 1 for Adam7
} ll_png_info;

/// Parses the signature and every chunk up to the first IDAT. On success *reader must be closed.
/// `max_memory` caps what libpng allocates (counted through its allocator) plus the shim's own
/// scratch; going over it is LL_ERR_TOO_LARGE.
int ll_png_open(const uint8_t *data, size_t size, size_t max_memory, ll_png_reader **reader, ll_png_info *info);
/// Decodes to 8-bit RGB: palette expanded (tRNS ignored), grey replicated, alpha dropped without
/// compositing, 1/2/4-bit grey scaled to 0...255, 16-bit scaled as floor(v / 257) (ImageMagick's result), no gamma.
/// `rgb` holds width * height * 3 bytes.
int ll_png_read_rgb(ll_png_reader *reader, uint8_t *rgb);
/// The most memory held against the budget at any one time so far (libpng's and the shim's).
size_t ll_png_peak_memory(const ll_png_reader *reader);
void ll_png_close(ll_png_reader *reader);

// MARK: JPEG decoding (two phases)

typedef struct ll_jpeg_reader ll_jpeg_reader;

typedef struct ll_jpeg_info {
    uint32_t width;
    uint32_t height;
    int components;         // 1, 3 or 4 in practice
    int jpeg_color_space;   // J_COLOR_SPACE of the stream
    int saw_adobe_marker;   // APP14 "Adobe" present
    int adobe_transform;    // its transform flag
    int progressive;
} ll_jpeg_info;

/// Reads the header. `max_memory` caps libjpeg's working memory (coefficient buffers of progressive
/// images); `max_scans` caps the scans of a progressive image (a known CPU-exhaustion vector).
int ll_jpeg_open(const uint8_t *data, size_t size, long max_memory, int max_scans, ll_jpeg_reader **reader, ll_jpeg_info *info);
/// Decodes to 8-bit RGB (grey replicated, CMYK/YCCK converted; see ll_jpeg_cmyk_to_rgb).
/// Returns LL_ERR_TRUNCATED when libjpeg had to invent an end of data.
int ll_jpeg_read_rgb(ll_jpeg_reader *reader, uint8_t *rgb);
void ll_jpeg_close(ll_jpeg_reader *reader);

// MARK: Encoders, for synthetic test images, fuzz seeds and benchmarks

/// Encodes 8-bit samples. components 1 (grey), 3 (RGB) or 4 (CMYK as stored: Adobe-inverted);
/// ycck selects YCCK instead of plain CMYK for 4 components. On success *out is malloc'ed.
int ll_jpeg_encode(const uint8_t *samples, uint32_t width, uint32_t height, int components, int ycck, int quality,
                   int progressive, const uint8_t *app1, size_t app1_size, uint8_t **out, size_t *out_size);

/// Encodes raw PNG rows (already packed in PNG's layout: sub-byte samples packed MSB first, 16-bit
/// big-endian). palette: entries * 3 bytes; trns: optional; exif: optional eXIf payload.
int ll_png_encode(const uint8_t *rows, uint32_t width, uint32_t height, int color_type, int bit_depth, int interlaced,
                  const uint8_t *palette, int palette_entries, const uint8_t *trns, int trns_count,
                  const uint8_t *exif, uint32_t exif_size, uint8_t **out, size_t *out_size);

void ll_free(void *pointer);

#endif

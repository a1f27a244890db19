#include "CImageShims.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct ll_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    int too_large;       // a chunk or an allocation went over a limit
    size_t max_memory;   // budget for libpng's allocations plus our own scratch
    size_t live_memory;  // bytes currently held against the budget
    size_t peak_memory;
};

// libpng's own buffers (row buffers, chunk data, inflated text) all come through these, so every
// byte it holds counts against the caller's budget. A header in front of each block keeps its size.
typedef union ll_png_block_header {
    size_t size;
    max_align_t align;
} ll_png_block_header;

static int ll_png_charge(struct ll_png_reader *reader, size_t size) {
    if (size > reader->max_memory - reader->live_memory) {
        reader->too_large = 1;
        return 0;
    }
    reader->live_memory += size;
    if (reader->live_memory > reader->peak_memory) reader->peak_memory = reader->live_memory;
    return 1;
}

static png_voidp ll_png_malloc(png_structp png, png_alloc_size_t size) {
    struct ll_png_reader *reader = png_get_mem_ptr(png);
    if (size > SIZE_MAX - sizeof(ll_png_block_header)) return NULL;
    size_t total = size + sizeof(ll_png_block_header);
    if (!ll_png_charge(reader, total)) return NULL;  // libpng turns NULL into png_error
    ll_png_block_header *block = malloc(total);
    if (block == NULL) {
        reader->live_memory -= total;
        return NULL;
    }
    block->size = total;
    return block + 1;
}

static void ll_png_free(png_structp png, png_voidp pointer) {
    if (pointer == NULL) return;
    struct ll_png_reader *reader = png_get_mem_ptr(png);
    ll_png_block_header *block = (ll_png_block_header *)pointer - 1;
    reader->live_memory -= block->size;
    free(block);
}

static void ll_png_error(png_structp png, png_const_charp message) {
    // libpng reports a chunk over its length limits as "... too large": a limit, not corruption.
    if (message != NULL && strstr(message, "too large") != NULL) {
        struct ll_png_reader *reader = png_get_error_ptr(png);
        if (reader != NULL) reader->too_large = 1;
    }
    png_longjmp(png, 1);
}

static void ll_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void ll_png_read_data(png_structp png, png_bytep out, size_t length) {
    struct ll_png_reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        reader->truncated = 1;
        png_error(png, "truncated");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

static int ll_png_failure_status(const struct ll_png_reader *reader) {
    if (reader->too_large) return LL_ERR_TOO_LARGE;
    return reader->truncated ? LL_ERR_TRUNCATED : LL_ERR_CORRUPT;
}

int ll_png_open(const uint8_t *data, size_t size, size_t max_memory, ll_png_reader **out, ll_png_info *info) {
    *out = NULL;
    struct ll_png_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return LL_ERR_NOMEM;
    reader->data = data;
    reader->size = size;
    reader->max_memory = max_memory;
    reader->png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, reader, ll_png_error, ll_png_warning, reader,
                                           ll_png_malloc, ll_png_free);
    if (reader->png == NULL) {
        int status = reader->too_large ? LL_ERR_TOO_LARGE : LL_ERR_NOMEM;
        free(reader);
        return status;
    }
    reader->info = png_create_info_struct(reader->png);
    if (reader->info == NULL) {
        int status = reader->too_large ? LL_ERR_TOO_LARGE : LL_ERR_NOMEM;
        ll_png_close(reader);
        return status;
    }
    if (setjmp(png_jmpbuf(reader->png))) {
        int status = ll_png_failure_status(reader);
        ll_png_close(reader);
        return status;
    }
    png_set_read_fn(reader->png, reader, ll_png_read_data);
    // The caller enforces its own pixel limit; libpng's default 1,000,000 per side would reject
    // legal long strips.
    png_set_user_limits(reader->png, 0x7fffffff, 0x7fffffff);
    png_set_benign_errors(reader->png, 1);
    // Ancillary chunks (security review H4). libpng would inflate and keep every text chunk before
    // the caller's pixel limit can apply: up to 1,000 chunks of 8 MB each from a file of a few MB.
    // We use none of these (EXIF is read by our own ExifLocator; colour profiles and gamma are not
    // applied, like the reference hashers), so they are skipped unread, in small pieces, and never
    // allocated. Unknown chunks are skipped by default too.
    static const png_byte skipped[] = "tEXt\0zTXt\0iTXt\0iCCP\0sPLT\0eXIf\0pCAL\0sCAL\0hIST\0";
    png_set_keep_unknown_chunks(reader->png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(reader->png, PNG_HANDLE_CHUNK_NEVER, skipped, (int)(sizeof skipped / 5));
    // Defence in depth for whatever is still read into memory (today only small fixed-size chunks):
    // libpng allocates at most LL_PNG_MAX_CHUNK_BYTES for one chunk, read or inflated, and stores at
    // most LL_PNG_MAX_CACHED_CHUNKS ancillary chunks. Skipped chunks of any length cost no memory.
    png_set_chunk_malloc_max(reader->png, LL_PNG_MAX_CHUNK_BYTES);
    png_set_chunk_cache_max(reader->png, LL_PNG_MAX_CACHED_CHUNKS);
    png_read_info(reader->png, reader->info);
    info->width = png_get_image_width(reader->png, reader->info);
    info->height = png_get_image_height(reader->png, reader->info);
    info->color_type = png_get_color_type(reader->png, reader->info);
    info->bit_depth = png_get_bit_depth(reader->png, reader->info);
    info->interlaced = png_get_interlace_type(reader->png, reader->info) != PNG_INTERLACE_NONE;
    *out = reader;
    return LL_OK;
}

// 16-bit samples become floor(v / 257) = floor(v * 255 / 65535): what ImageMagick produces (checked
// on every pixel of upstream's I16.png against the reference PPM made by ImageMagick), and so what the
// reference C++ tool hashes. Pillow clips instead; see docs/known-material-decoding.md.
static inline uint8_t ll_sample(const uint8_t *row, size_t index, int sixteen) {
    if (!sixteen) return row[index];
    unsigned value = ((unsigned)row[2 * index] << 8) | row[2 * index + 1];
    return (uint8_t)(value / 257);
}

// Alpha (the last channel of grey+alpha and RGBA) is dropped, not composited.
static void ll_png_row_to_rgb(const uint8_t *row, uint8_t *rgb, uint32_t width, int channels, int sixteen) {
    if (channels == 3 && !sixteen) {
        memcpy(rgb, row, (size_t)width * 3);
        return;
    }
    for (uint32_t x = 0; x < width; x++) {
        size_t first = (size_t)x * channels;
        if (channels <= 2) {
            rgb[3 * x] = rgb[3 * x + 1] = rgb[3 * x + 2] = ll_sample(row, first, sixteen);
        } else {
            rgb[3 * x] = ll_sample(row, first, sixteen);
            rgb[3 * x + 1] = ll_sample(row, first + 1, sixteen);
            rgb[3 * x + 2] = ll_sample(row, first + 2, sixteen);
        }
    }
}

int ll_png_read_rgb(ll_png_reader *reader, uint8_t *rgb) {
    png_structp png = reader->png;
    png_infop info = reader->info;
    // volatile: modified after setjmp and read after a longjmp. Our scratch comes through the same
    // accounting allocator as libpng's buffers, so it counts against the same budget.
    uint8_t *volatile scratch = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        ll_png_free(png, scratch);
        ll_png_free(png, rows);
        return ll_png_failure_status(reader);
    }
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    int channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    int sixteen = png_get_bit_depth(png, info) == 16;
    if (channels < 1 || channels > 4 || rowbytes != (size_t)width * (size_t)channels * (sixteen ? 2 : 1)) {
        longjmp(png_jmpbuf(png), 1);
    }
    if (passes == 1) {
        scratch = ll_png_malloc(png, rowbytes);
        if (scratch == NULL) return reader->too_large ? LL_ERR_TOO_LARGE : LL_ERR_NOMEM;
        for (uint32_t y = 0; y < height; y++) {
            png_read_row(png, scratch, NULL);
            ll_png_row_to_rgb(scratch, rgb + (size_t)y * width * 3, width, channels, sixteen);
        }
    } else {
        // Adam7 needs the whole image; read it in its own layout, then convert.
        int direct = channels == 3 && !sixteen;
        if (!direct) {
            scratch = ll_png_malloc(png, rowbytes * height);
            if (scratch == NULL) return reader->too_large ? LL_ERR_TOO_LARGE : LL_ERR_NOMEM;
        }
        rows = ll_png_malloc(png, sizeof(png_bytep) * height);
        if (rows == NULL) {
            ll_png_free(png, scratch);
            return reader->too_large ? LL_ERR_TOO_LARGE : LL_ERR_NOMEM;
        }
        for (uint32_t y = 0; y < height; y++) rows[y] = direct ? rgb + (size_t)y * rowbytes : scratch + (size_t)y * rowbytes;
        png_read_image(png, rows);
        if (!direct) {
            for (uint32_t y = 0; y < height; y++) ll_png_row_to_rgb(rows[y], rgb + (size_t)y * width * 3, width, channels, sixteen);
        }
    }
    ll_png_free(png, scratch);
    ll_png_free(png, rows);
    return LL_OK;
}

size_t ll_png_peak_memory(const ll_png_reader *reader) { return reader->peak_memory; }

void ll_png_close(ll_png_reader *reader) {
    if (reader == NULL) return;
    png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    free(reader);
}

// MARK: encoder

struct ll_png_sink {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
};

static void ll_png_write_data(png_structp png, png_bytep data, size_t length) {
    struct ll_png_sink *sink = png_get_io_ptr(png);
    if (sink->size + length > sink->capacity) {
        size_t capacity = sink->capacity ? sink->capacity : 4096;
        while (capacity < sink->size + length) capacity *= 2;
        uint8_t *grown = realloc(sink->data, capacity);
        if (grown == NULL) {
            sink->failed = 1;
            png_error(png, "out of memory");
        }
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->size, data, length);
    sink->size += length;
}

static void ll_png_flush(png_structp png) { (void)png; }

int ll_png_encode(const uint8_t *rows_data, uint32_t width, uint32_t height, int color_type, int bit_depth, int interlaced,
                  const uint8_t *palette, int palette_entries, const uint8_t *trns, int trns_count,
                  const uint8_t *exif, uint32_t exif_size, uint8_t **out, size_t *out_size) {
    *out = NULL;
    *out_size = 0;
    struct ll_png_sink sink = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, ll_png_error, ll_png_warning);
    if (png == NULL) return LL_ERR_NOMEM;
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(rows);
        free(sink.data);
        return sink.failed ? LL_ERR_NOMEM : LL_ERR_CORRUPT;
    }
    png_set_write_fn(png, &sink, ll_png_write_data, ll_png_flush);
    png_set_IHDR(png, info, width, height, bit_depth, color_type, interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (palette != NULL && palette_entries > 0) {
        png_color colors[256];
        for (int i = 0; i < palette_entries && i < 256; i++) {
            colors[i].red = palette[3 * i];
            colors[i].green = palette[3 * i + 1];
            colors[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(png, info, colors, palette_entries > 256 ? 256 : palette_entries);
    }
    if (trns != NULL && trns_count > 0) png_set_tRNS(png, info, trns, trns_count, NULL);
    if (exif != NULL && exif_size > 0) png_set_eXIf_1(png, info, exif_size, (png_bytep)exif);
    png_write_info(png, info);
    int channels = color_type == PNG_COLOR_TYPE_RGB ? 3 : color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
                 : color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
    size_t rowbytes = ((size_t)width * channels * bit_depth + 7) / 8;
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (rows == NULL) longjmp(png_jmpbuf(png), 1);
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)rows_data + (size_t)y * rowbytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = sink.data;
    *out_size = sink.size;
    return LL_OK;
}

void ll_free(void *pointer) { free(pointer); }

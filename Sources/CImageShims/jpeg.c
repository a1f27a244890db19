#include "CImageShims.h"

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

struct ll_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int saw_eof;        // JWRN_JPEG_EOF: the source ran dry and libjpeg inserted an EOI
    int saw_hit_marker; // JWRN_HIT_MARKER: entropy-coded data ended while bits were still needed
    int too_many_scans;
};

struct ll_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    struct ll_jpeg_error error;
    struct jpeg_progress_mgr progress;
    int max_scans;
};

static void ll_jpeg_error_exit(j_common_ptr cinfo) {
    struct ll_jpeg_error *error = (struct ll_jpeg_error *)cinfo->err;
    longjmp(error->jump, 1);
}

static void ll_jpeg_emit_message(j_common_ptr cinfo, int level) {
    struct ll_jpeg_error *error = (struct ll_jpeg_error *)cinfo->err;
    if (level < 0) {
        error->pub.num_warnings++;
        if (error->pub.msg_code == JWRN_JPEG_EOF) error->saw_eof = 1;
        if (error->pub.msg_code == JWRN_HIT_MARKER) error->saw_hit_marker = 1;
    }
}

static void ll_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void ll_jpeg_progress(j_common_ptr common) {
    if (!common->is_decompressor) return;
    struct ll_jpeg_reader *reader = (struct ll_jpeg_reader *)common;  // cinfo is the first member
    if (reader->cinfo.input_scan_number > reader->max_scans) {
        reader->error.too_many_scans = 1;
        longjmp(reader->error.jump, 1);
    }
}

static int ll_jpeg_failure_status(struct ll_jpeg_reader *reader) {
    if (reader->error.too_many_scans) return LL_ERR_TOO_LARGE;
    if (reader->error.saw_eof) return LL_ERR_TRUNCATED;
    switch (reader->error.pub.msg_code) {
    case JERR_IMAGE_TOO_BIG:
    case JERR_OUT_OF_MEMORY:
    case JERR_NO_BACKING_STORE:
    case JERR_VIRTUAL_BUG:
        return LL_ERR_TOO_LARGE;
    case JERR_BAD_PRECISION:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOT_COMPILED:
    case JERR_ARITH_NOTIMPL:
        return LL_ERR_UNSUPPORTED;
    case JERR_INPUT_EMPTY:
    case JERR_INPUT_EOF:
        return LL_ERR_TRUNCATED;
    default:
        return LL_ERR_CORRUPT;
    }
}

int ll_jpeg_open(const uint8_t *data, size_t size, long max_memory, int max_scans, ll_jpeg_reader **out, ll_jpeg_info *info) {
    *out = NULL;
    if (size == 0 || size > ULONG_MAX) return LL_ERR_TRUNCATED;
    struct ll_jpeg_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return LL_ERR_NOMEM;
    reader->cinfo.err = jpeg_std_error(&reader->error.pub);
    reader->error.pub.error_exit = ll_jpeg_error_exit;
    reader->error.pub.emit_message = ll_jpeg_emit_message;
    reader->error.pub.output_message = ll_jpeg_output_message;
    reader->max_scans = max_scans;
    if (setjmp(reader->error.jump)) {
        int status = ll_jpeg_failure_status(reader);
        ll_jpeg_close(reader);
        return status;
    }
    jpeg_create_decompress(&reader->cinfo);
    reader->cinfo.mem->max_memory_to_use = max_memory;
    reader->progress.progress_monitor = ll_jpeg_progress;
    reader->cinfo.progress = &reader->progress;
    jpeg_mem_src(&reader->cinfo, data, (unsigned long)size);
    if (jpeg_read_header(&reader->cinfo, TRUE) != JPEG_HEADER_OK) {
        ll_jpeg_close(reader);
        return LL_ERR_CORRUPT;
    }
    if (reader->error.saw_eof) {  // the header itself was cut short
        ll_jpeg_close(reader);
        return LL_ERR_TRUNCATED;
    }
    info->width = reader->cinfo.image_width;
    info->height = reader->cinfo.image_height;
    info->components = reader->cinfo.num_components;
    info->jpeg_color_space = reader->cinfo.jpeg_color_space;
    info->saw_adobe_marker = reader->cinfo.saw_Adobe_marker;
    info->adobe_transform = reader->cinfo.Adobe_transform;
    info->progressive = reader->cinfo.progressive_mode;
    *out = reader;
    return LL_OK;
}

// round(a * b / 255) the way Pillow's MULDIV255 computes it.
static inline int ll_muldiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
}

// CMYK samples as stored by Adobe (Photoshop, Pillow, ImageMagick, libjpeg's own writer): inverted,
// 255 = no ink. With c, m, y, k the ink amounts (255 - stored), R = (255 - k) - c * (255 - k) / 255,
// which is Pillow's cmyk2rgb after its "CMYK;I" unpacking; ImageMagick computes the same.
static void ll_cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, uint32_t width) {
    for (uint32_t x = 0; x < width; x++) {
        int nk = cmyk[4 * x + 3];  // stored (inverted) K = 255 - k
        for (int c = 0; c < 3; c++) {
            int ink = 255 - cmyk[4 * x + c];
            int value = nk - ll_muldiv255(ink, nk);
            rgb[3 * x + c] = (uint8_t)(value < 0 ? 0 : value > 255 ? 255 : value);
        }
    }
}

// Whether libjpeg had to invent data. A stream that ran dry while the entropy decoder still needed
// bits (HIT_MARKER after EOF) is padded with grey; a progressive stream cut between two scans
// decodes to a coarser picture with no warning but the EOF one, so there every coefficient must
// have been refined to its last bit. Running dry only where the final EOI marker belongs (a common
// writer slip) loses no pixels and is accepted, as other decoders do.
static int ll_jpeg_input_incomplete(const struct ll_jpeg_reader *reader) {
    const struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    if (!reader->error.saw_eof) return 0;
    if (reader->error.saw_hit_marker) return 1;
    if (cinfo->progressive_mode && cinfo->coef_bits != NULL) {
        for (int c = 0; c < cinfo->num_components; c++) {
            for (int k = 0; k < DCTSIZE2; k++) {
                if (cinfo->coef_bits[c][k] != 0) return 1;
            }
        }
    }
    return 0;
}

int ll_jpeg_read_rgb(ll_jpeg_reader *reader, uint8_t *rgb) {
    struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    uint8_t *volatile scratch = NULL;
    if (setjmp(reader->error.jump)) {
        free(scratch);
        return ll_jpeg_failure_status(reader);
    }
    int cmyk = 0;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_RGB:
    case JCS_YCbCr:
        cinfo->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;  // libjpeg turns YCCK into (inverted) CMYK
        cmyk = 1;
        break;
    default:
        return LL_ERR_UNSUPPORTED;
    }
    jpeg_start_decompress(cinfo);
    uint32_t width = cinfo->output_width;
    if (cinfo->output_width != cinfo->image_width || cinfo->output_height != cinfo->image_height ||
        cinfo->output_components != (cmyk ? 4 : 3)) {
        return LL_ERR_UNSUPPORTED;
    }
    // A multi-scan (progressive) stream has been read to its end inside jpeg_start_decompress: if it
    // was cut, say so now, before producing any output row.
    if (ll_jpeg_input_incomplete(reader)) return LL_ERR_TRUNCATED;
    if (cmyk) {
        scratch = malloc((size_t)width * 4);
        if (scratch == NULL) return LL_ERR_NOMEM;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *row = rgb + (size_t)cinfo->output_scanline * width * 3;
        JSAMPROW target = cmyk ? scratch : row;
        if (jpeg_read_scanlines(cinfo, &target, 1) != 1) {
            free(scratch);
            return LL_ERR_TRUNCATED;
        }
        // Stop at the first padded row rather than decode the rest of a huge declared size from
        // nothing (security review M2).
        if (reader->error.saw_eof && reader->error.saw_hit_marker) {
            free(scratch);
            return LL_ERR_TRUNCATED;
        }
        if (cmyk) ll_cmyk_row_to_rgb(scratch, row, width);
    }
    free(scratch);
    scratch = NULL;
    if (ll_jpeg_input_incomplete(reader)) return LL_ERR_TRUNCATED;
    // The trailing markers are not needed; skip jpeg_finish_decompress so junk after the image is ignored.
    return LL_OK;
}

void ll_jpeg_close(ll_jpeg_reader *reader) {
    if (reader == NULL) return;
    jpeg_destroy_decompress(&reader->cinfo);
    free(reader);
}

// MARK: encoder

int ll_jpeg_encode(const uint8_t *samples, uint32_t width, uint32_t height, int components, int ycck, int quality,
                   int progressive, const uint8_t *app1, size_t app1_size, uint8_t **out, size_t *out_size) {
    *out = NULL;
    *out_size = 0;
    if (components != 1 && components != 3 && components != 4) return LL_ERR_UNSUPPORTED;
    struct jpeg_compress_struct cinfo;
    struct ll_jpeg_error error;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&error, 0, sizeof error);
    unsigned char *volatile buffer = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&error.pub);
    error.pub.error_exit = ll_jpeg_error_exit;
    error.pub.emit_message = ll_jpeg_emit_message;
    error.pub.output_message = ll_jpeg_output_message;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return LL_ERR_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    unsigned char *mem = NULL;
    jpeg_mem_dest(&cinfo, &mem, &size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    if (components == 4) jpeg_set_colorspace(&cinfo, ycck ? JCS_YCCK : JCS_CMYK);  // writes an Adobe marker
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    if (app1 != NULL && app1_size > 0 && app1_size <= 65533) jpeg_write_marker(&cinfo, JPEG_APP0 + 1, app1, (unsigned int)app1_size);
    size_t stride = (size_t)width * components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(samples + (size_t)cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    buffer = mem;
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = size;
    return LL_OK;
}

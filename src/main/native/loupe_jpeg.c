/*
 * Loupe's optional native JPEG decoder: libjpeg(-turbo)'s DCT-domain scaling (1/2, 1/4, 1/8) for thumbnails,
 * which the JDK's ImageIO reader does not offer (it decodes every pixel and subsamples afterwards).
 *
 * Built by the pom with the system's gcc and libjpeg headers when both are present; loupe.core.imaging.NativeJpeg
 * loads it and falls back to ImageIO when it is missing or refuses a file. The contract is deliberately narrow:
 * any error, warning or unusual colour space returns NULL and the Java side decodes the file as before, so
 * damaged files keep being reported by one decoder only.
 */
#include <jni.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <jpeglib.h>

#define LOUPE_JPEG_ABI 3

/* What decode0 tells Java in info[0]: why it returned NULL, for the debug log. */
enum { OK = 0, REFUSED_COLOUR_SPACE = 1, DAMAGED = 2, TOO_BIG = 3, NO_MEMORY = 4, WARNED = 5 };

struct loupe_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int warnings;
};

static void on_error(j_common_ptr cinfo) {
    struct loupe_error *err = (struct loupe_error *) cinfo->err;
    longjmp(err->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0) {
        ((struct loupe_error *) cinfo->err)->warnings++;
    }
}

static void on_output(j_common_ptr cinfo) {
    (void) cinfo; /* silent: the Java side decides what the user sees */
}

/* libjpeg's error manager, but errors unwind to our setjmp and messages are counted instead of printed. */
static struct jpeg_error_mgr *quiet_errors(struct loupe_error *err) {
    struct jpeg_error_mgr *mgr = jpeg_std_error(&err->pub);
    mgr->error_exit = on_error;
    mgr->emit_message = on_message;
    mgr->output_message = on_output;
    err->warnings = 0;
    return mgr;
}

JNIEXPORT jint JNICALL Java_loupe_core_imaging_NativeJpeg_abi0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return LOUPE_JPEG_ABI;
}

/*
 * Decodes input[0..length) at the smallest 1/d (d in 1, 2, 4, 8) whose longer side is still at least min_side, as
 * packed BGR rows (Java's TYPE_3BYTE_BGR) in a malloc'ed buffer the caller frees. out_info receives {status,
 * width, height, source width, source height}. Returns NULL (status says why) when the file is damaged, warns,
 * is not YCbCr/grey/RGB, or would exceed max_pixels.
 */
static unsigned char *decode_scaled(const unsigned char *input, unsigned long length, int min_side,
        long long max_pixels, jint *out_info) {
    unsigned char *volatile pixels = NULL;
    volatile int status = DAMAGED;
    struct jpeg_decompress_struct cinfo;
    struct loupe_error err;

    cinfo.err = quiet_errors(&err);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        out_info[0] = status;
        return NULL;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, input, length);
    jpeg_read_header(&cinfo, TRUE);
    out_info[3] = (jint) cinfo.image_width;
    out_info[4] = (jint) cinfo.image_height;
    if (err.warnings > 0) {
        status = WARNED;
        longjmp(err.jump, 1);
    }
    if (cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_GRAYSCALE
            && cinfo.jpeg_color_space != JCS_RGB) {
        status = REFUSED_COLOUR_SPACE; /* CMYK, YCCK: ImageIO's readers handle those */
        longjmp(err.jump, 1);
    }
    unsigned int longer = cinfo.image_width > cinfo.image_height ? cinfo.image_width : cinfo.image_height;
    unsigned int denom = 8;
    while (denom > 1 && (longer + denom - 1) / denom < (unsigned int) min_side) {
        denom /= 2;
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = denom;
    cinfo.out_color_space = JCS_EXT_BGR;
    jpeg_calc_output_dimensions(&cinfo);
    if ((long long) cinfo.output_width * (long long) cinfo.output_height > max_pixels) {
        status = TOO_BIG;
        longjmp(err.jump, 1);
    }
    size_t stride = (size_t) cinfo.output_width * 3;
    pixels = malloc(stride * cinfo.output_height);
    if (pixels == NULL) {
        status = NO_MEMORY;
        longjmp(err.jump, 1);
    }
    jpeg_start_decompress(&cinfo);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[16];
        int n = 0;
        while (n < 16 && cinfo.output_scanline + (unsigned int) n < cinfo.output_height) {
            rows[n] = (JSAMPROW) (pixels + (size_t) (cinfo.output_scanline + (unsigned int) n) * stride);
            n++;
        }
        jpeg_read_scanlines(&cinfo, rows, (JDIMENSION) n);
    }
    jpeg_finish_decompress(&cinfo);
    if (err.warnings > 0) {
        status = WARNED; /* truncated or corrupt data libjpeg papered over */
        longjmp(err.jump, 1);
    }
    out_info[0] = OK;
    out_info[1] = (jint) cinfo.output_width;
    out_info[2] = (jint) cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    return pixels;
}

/*
 * src (w x h packed BGR) averaged down to fit box x box pixels (never up): exactly what ThumbnailService.scale does
 * in Java (same target size rounding, same cells, floor of each cell's mean), so either path gives the same bytes.
 * Returns src itself when no reduction is needed, else a new buffer (NULL when out of memory).
 */
static unsigned char *box_average(unsigned char *src, int w, int h, int box, int *tw_out, int *th_out) {
    int longer = w > h ? w : h;
    double factor = (double) box / (double) longer;
    if (factor > 1.0) {
        factor = 1.0;
    }
    int tw = (int) floor(w * factor + 0.5);
    int th = (int) floor(h * factor + 0.5);
    tw = tw < 1 ? 1 : tw;
    th = th < 1 ? 1 : th;
    *tw_out = tw;
    *th_out = th;
    if (tw == w && th == h) {
        return src;
    }
    unsigned char *out = malloc((size_t) tw * th * 3);
    int *x0 = malloc(sizeof(int) * (size_t) tw);
    int *x1 = malloc(sizeof(int) * (size_t) tw);
    unsigned int *column = malloc(sizeof(unsigned int) * (size_t) w * 3);
    if (out == NULL || x0 == NULL || x1 == NULL || column == NULL) {
        free(out);
        free(x0);
        free(x1);
        free(column);
        return NULL;
    }
    for (int x = 0; x < tw; x++) {
        x0[x] = (int) ((long long) x * w / tw);
        int end = (int) ((long long) (x + 1) * w / tw);
        x1[x] = end > x0[x] + 1 ? end : x0[x] + 1;
    }
    size_t row_bytes = (size_t) w * 3;
    for (int y = 0; y < th; y++) {
        int y0 = (int) ((long long) y * h / th);
        int y1 = (int) ((long long) (y + 1) * h / th);
        y1 = y1 > y0 + 1 ? y1 : y0 + 1;
        memset(column, 0, sizeof(unsigned int) * row_bytes);
        for (int sy = y0; sy < y1; sy++) {
            const unsigned char *row = src + (size_t) sy * row_bytes;
            for (size_t i = 0; i < row_bytes; i++) {
                column[i] += row[i];
            }
        }
        unsigned char *o = out + (size_t) y * tw * 3;
        for (int x = 0; x < tw; x++) {
            unsigned int b = 0, g = 0, r = 0;
            for (int si = x0[x] * 3, end = x1[x] * 3; si < end; si += 3) {
                b += column[si];
                g += column[si + 1];
                r += column[si + 2];
            }
            unsigned int n = (unsigned int) ((y1 - y0) * (x1[x] - x0[x]));
            *o++ = (unsigned char) (b / n);
            *o++ = (unsigned char) (g / n);
            *o++ = (unsigned char) (r / n);
        }
    }
    free(x0);
    free(x1);
    free(column);
    return out;
}

/* Copies a Java byte[] region into a malloc'ed buffer (libjpeg may longjmp: no JNI critical section across it). */
static unsigned char *copy_input(JNIEnv *env, jbyteArray data, jint length) {
    if (length <= 0 || (*env)->GetArrayLength(env, data) < length) {
        return NULL;
    }
    unsigned char *input = malloc((size_t) length);
    if (input != NULL) {
        (*env)->GetByteArrayRegion(env, data, 0, length, (jbyte *) input);
    }
    return input;
}

static jbyteArray to_java(JNIEnv *env, const unsigned char *bytes, size_t count) {
    jbyteArray result = (*env)->NewByteArray(env, (jsize) count); /* NULL with an OutOfMemoryError pending */
    if (result != NULL) {
        (*env)->SetByteArrayRegion(env, result, 0, (jsize) count, (const jbyte *) bytes);
    }
    return result;
}

/*
 * NativeJpeg.decode0: the scaled decode (decode_scaled), then, when box > 0, averaged down to fit box x box pixels
 * (box_average) in the same call, so full-size pixels never reach Java. info = {status, width, height, source
 * width, source height}, width and height being those of the pixels returned.
 */
JNIEXPORT jbyteArray JNICALL Java_loupe_core_imaging_NativeJpeg_decode0(JNIEnv *env, jclass cls, jbyteArray data,
        jint length, jint min_side, jint box, jlong max_pixels, jintArray info) {
    (void) cls;
    jint out_info[5] = {DAMAGED, 0, 0, 0, 0};
    jbyteArray result = NULL;
    unsigned char *input = copy_input(env, data, length);
    if (input != NULL) {
        unsigned char *pixels = decode_scaled(input, (unsigned long) length, min_side, max_pixels, out_info);
        free(input);
        if (pixels != NULL) {
            int tw = out_info[1];
            int th = out_info[2];
            unsigned char *out = box > 0 ? box_average(pixels, tw, th, box, &tw, &th) : pixels;
            if (out != NULL) {
                out_info[1] = tw;
                out_info[2] = th;
                (*env)->SetIntArrayRegion(env, info, 0, 5, out_info);
                result = to_java(env, out, (size_t) tw * th * 3);
                if (out != pixels) {
                    free(out);
                }
                free(pixels);
                return result;
            }
            out_info[0] = NO_MEMORY;
            free(pixels);
        }
    }
    (*env)->SetIntArrayRegion(env, info, 0, 5, out_info);
    return NULL;
}

/*
 * NativeJpeg.encode0: w x h packed BGR pixels as a baseline JPEG of the given quality (libjpeg's defaults: 4:2:0,
 * standard Huffman tables, JFIF header), or NULL when libjpeg fails.
 */
JNIEXPORT jbyteArray JNICALL Java_loupe_core_imaging_NativeJpeg_encode0(JNIEnv *env, jclass cls, jbyteArray bgr,
        jint width, jint height, jint quality) {
    (void) cls;
    if (width <= 0 || height <= 0 || (*env)->GetArrayLength(env, bgr) < (jlong) width * height * 3) {
        return NULL;
    }
    unsigned char *pixels = copy_input(env, bgr, width * height * 3);
    if (pixels == NULL) {
        return NULL;
    }
    /* Written by libjpeg through its address (so kept in memory, valid after a longjmp); ours to free. */
    unsigned char *buffer = NULL;
    unsigned long out_size = 0;
    struct jpeg_compress_struct cinfo;
    struct loupe_error err;
    cinfo.err = quiet_errors(&err);
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(pixels);
        free(buffer);
        return NULL;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &out_size);
    cinfo.image_width = (JDIMENSION) width;
    cinfo.image_height = (JDIMENSION) height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_EXT_BGR;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t) width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW) (pixels + (size_t) cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    free(pixels);
    jbyteArray result = to_java(env, buffer, out_size);
    free(buffer);
    return result;
}

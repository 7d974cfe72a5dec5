package loupe.core.formats;

import java.util.Arrays;

import loupe.core.model.BoundingBox;

/**
 * A COCO run-length encoded mask, kept as its runs and never expanded to pixels unless asked
 * ({@link #decode}): area and bounds are computed from the runs directly.
 *
 * <p><b>Layout</b> (pycocotools' {@code maskApi}): the mask is {@code height x width}, flattened in
 * column-major order (pixel {@code (x, y)} is at index {@code x * height + y}); {@code counts} alternate
 * background and foreground run lengths, starting with background (so a mask whose first pixel is set starts
 * with a 0), and sum to {@code height * width}.
 *
 * <p><b>Compressed counts</b> (pycocotools' {@code rleToString} / {@code rleFrString}): each count, from the
 * fourth on as the difference to the count two before it, is written as a signed little-endian number in
 * 5-bit groups, one character per group: the group plus 0x20 when more groups follow, plus 48 (so the
 * characters lie in '0'..'o'). The last group's bit 0x10 is the sign, extended over the remaining bits.
 *
 * <p>In an {@link loupe.core.model.Annotation} the mask travels as the attribute {@link #ATTRIBUTE}
 * ({@code "H W COUNTS"}, COUNTS compressed: {@link #toAttribute}), so the catalog stores it with no column of
 * its own; {@link #SOURCE_FORM} says whether the source wrote compressed or uncompressed counts, so a COCO to
 * COCO conversion writes the same form back. The compressed text of the source is kept as it was, so the
 * written counts are byte-identical.
 *
 * @param height  rows of the mask
 * @param width   columns of the mask
 * @param counts  the run lengths (not copied: do not mutate)
 */
public record CocoRle(int height, int width, long[] counts) {

    /** Attribute holding {@code "H W COUNTS"}, COUNTS in the compressed form. */
    public static final String ATTRIBUTE = "rle";
    /** Attribute {@code segmentation}: {@code rle} for compressed source counts, {@code rle-uncompressed} for lists. */
    public static final String SOURCE_FORM = "segmentation";
    public static final String COMPRESSED = "rle";
    public static final String UNCOMPRESSED = "rle-uncompressed";

    /**
     * Checks the runs; throws {@link IllegalArgumentException} with a plain message when the size is negative,
     * a count is negative or the counts do not sum to {@code height * width}.
     */
    public CocoRle {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("size [" + height + ", " + width + "] is negative");
        }
        long sum = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("counts has a negative run length (" + c + ")");
            }
            sum += c;
        }
        if (sum != (long) height * width) {
            throw new IllegalArgumentException("counts sum to " + sum + " but size [" + height + ", " + width
                    + "] has " + (long) height * width + " pixels");
        }
    }

    /** Decodes compressed counts. */
    public static CocoRle fromString(int height, int width, String text) {
        long[] counts = new long[Math.max(4, text.length() / 2)];
        int m = 0;
        int p = 0;
        while (p < text.length()) {
            long x = 0;
            int shift = 0;
            boolean more = true;
            while (more) {
                if (p >= text.length()) {
                    throw new IllegalArgumentException("counts string ends inside a number");
                }
                int c = text.charAt(p++) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("counts string has '" + text.charAt(p - 1)
                            + "', which is not a compressed-RLE character ('0'..'o')");
                }
                if (shift > 60) {
                    throw new IllegalArgumentException("counts string has a number too large");
                }
                x |= (long) (c & 0x1f) << shift;
                shift += 5;
                more = (c & 0x20) != 0;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << shift; // sign extension
                }
            }
            if (m > 2) {
                x += counts[m - 2];
            }
            if (m == counts.length) {
                counts = Arrays.copyOf(counts, counts.length * 2);
            }
            counts[m++] = x;
        }
        return new CocoRle(height, width, Arrays.copyOf(counts, m));
    }

    /** The compressed text of the counts, as pycocotools writes it. */
    public String toCompressedString() {
        StringBuilder sb = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    /** Number of foreground pixels (pycocotools' {@code area}). */
    public long area() {
        long area = 0;
        for (int i = 1; i < counts.length; i += 2) {
            area += counts[i];
        }
        return area;
    }

    /**
     * The tightest pixel box around the foreground, as pycocotools' {@code toBbox}: {@code [x, y, w, h]} with
     * whole pixels, so one set pixel at (3, 4) gives {@code [3, 4, 1, 1]}. An empty mask gives [0, 0, 0, 0].
     */
    public BoundingBox bounds() {
        long xs = Long.MAX_VALUE, ys = Long.MAX_VALUE, xe = -1, ye = -1;
        long start = 0;
        for (int i = 0; i < counts.length; i++) {
            long end = start + counts[i];
            if (i % 2 == 1 && counts[i] > 0) {
                long x0 = start / height, y0 = start % height;
                long x1 = (end - 1) / height, y1 = (end - 1) % height;
                xs = Math.min(xs, x0);
                xe = Math.max(xe, x1);
                if (x1 > x0) {
                    // The run wraps into the next column: it covers the last row and the first.
                    ys = 0;
                    ye = height - 1;
                } else {
                    ys = Math.min(ys, y0);
                    ye = Math.max(ye, y1);
                }
            }
            start = end;
        }
        if (xe < 0) {
            return new BoundingBox(0, 0, 0, 0);
        }
        return new BoundingBox(xs, ys, xe - xs + 1, ye - ys + 1);
    }

    /**
     * The pixels inside {@code box} (whole pixels, as {@link #bounds} gives), row-major: index
     * {@code (y - box.y) * box.width + (x - box.x)}, 1 for set pixels. Only the box is expanded.
     */
    public byte[] decode(BoundingBox box) {
        return decode(box, 0);
    }

    /**
     * As {@link #decode(BoundingBox)} with a border of {@code pad} unset pixels on every side (rows of
     * {@code box.width + 2 * pad}), so a tracer needs no copy of its own.
     */
    byte[] decode(BoundingBox box, int pad) {
        int bx = (int) box.x(), by = (int) box.y(), bw = (int) box.width(), bh = (int) box.height();
        int stride = bw + 2 * pad;
        byte[] pixels = new byte[Math.multiplyExact(stride, bh + 2 * pad)];
        long start = 0;
        for (int i = 0; i < counts.length; i++) {
            long end = start + counts[i];
            if (i % 2 == 1) {
                // One column segment at a time: a run covers whole columns between its ends.
                for (long idx = start; idx < end; ) {
                    long column = idx / height;
                    long columnEnd = Math.min(end, (column + 1) * height);
                    int x = (int) column - bx;
                    if (x >= 0 && x < bw) {
                        for (long j = idx; j < columnEnd; j++) {
                            int y = (int) (j - column * height) - by;
                            if (y >= 0 && y < bh) {
                                pixels[(y + pad) * stride + x + pad] = 1;
                            }
                        }
                    }
                    idx = columnEnd;
                }
            }
            start = end;
        }
        return pixels;
    }

    /** {@code "H W COUNTS"} with the given compressed counts text (the source's, to keep it byte for byte). */
    public static String toAttribute(int height, int width, String compressed) {
        return height + " " + width + " " + compressed;
    }

    /** The mask of a {@link #toAttribute} value; throws {@link IllegalArgumentException} when it is not one. */
    public static CocoRle fromAttribute(String value) {
        String[] parts = value.split(" ", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("expected 'HEIGHT WIDTH COUNTS', found '" + value + "'");
        }
        try {
            return fromString(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    parts.length == 3 ? parts[2] : "");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected 'HEIGHT WIDTH COUNTS', found '" + value + "'");
        }
    }

    /** The compressed counts text of a {@link #toAttribute} value, unchanged. */
    public static String compressedText(String value) {
        String[] parts = value.split(" ", 3);
        return parts.length == 3 ? parts[2] : "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CocoRle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "CocoRle[" + height + "x" + width + ", counts=" + Arrays.toString(counts) + "]";
    }
}

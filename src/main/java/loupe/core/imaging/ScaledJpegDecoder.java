package loupe.core.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes baseline JPEGs at 1/1, 1/2, 1/4 or 1/8 of their size in the DCT domain, for thumbnails: a reduced
 * decode keeps only the top-left 4x4, 2x2 or 1x1 coefficients of each 8x8 block and runs an inverse DCT of that
 * size on them, the way libjpeg's scaled IDCTs do, so most of a photo's decoding cost after the Huffman stage
 * disappears (the JDK's reader decodes every block at full size even when asked to subsample).
 *
 * <p>Takes sequential, Huffman-coded, 8-bit JPEGs with one component (grey) or three (YCbCr, marked by JFIF, an
 * Adobe marker with transform 1, or component ids 1, 2, 3) whose chroma is sampled 4:4:4, 4:2:2, 4:4:0 or 4:2:0,
 * with or without restart markers, one scan or one scan per component. Everything else — progressive,
 * arithmetic-coded, 12-bit, CMYK, Adobe RGB transforms, embedded ICC profiles, other sampling, and damaged or
 * truncated data — is refused with {@code null}, so the caller falls back to ImageIO and any file that decodes
 * today still does, with the same colours. Chroma is upsampled by replication (no smoothing: a thumbnail is
 * averaged down afterwards anyway). EXIF orientation is not applied.
 *
 * <p>Thread-safe: each thread decodes with buffers of its own, reused from one call to the next.
 */
public final class ScaledJpegDecoder {

    /** Images with more output pixels than this are refused (the caller's size guard then reports them). */
    private static final long MAX_PIXELS = 64L * 1024 * 1024;

    /** Bits of lookahead in the Huffman tables' fast paths. */
    private static final int LOOKAHEAD = 10;

    /**
     * Added to k by an end-of-block entry of {@link Huffman#fastAc}: past any real position, so the loop ends and
     * the entry's zero value goes to the scratch slot.
     */
    private static final int EOB_RUN = 80;

    private static final ThreadLocal<ScaledJpegDecoder> PER_THREAD = ThreadLocal.withInitial(ScaledJpegDecoder::new);

    /** Natural (row-major) index of the i-th coefficient in zig-zag order. */
    private static final int[] NATURAL = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
        21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
        60, 61, 54, 47, 55, 62, 63,
    };

    /**
     * For each block size n (1, 2, 4, 8), where the zig-zag coefficient k goes in an n x n block: its row-major
     * index there, or n * n (a scratch slot that is never read) for coefficients outside it. Positions past 63
     * (a damaged run, or {@link #EOB_RUN} added at an end of block) go to the scratch slot too.
     */
    private static final int[][] SLOT = new int[9][];

    static {
        for (int n : new int[] {1, 2, 4, 8}) {
            int[] slot = new int[64 + 2 * EOB_RUN];
            for (int k = 0; k < slot.length; k++) {
                int z = k < 64 ? NATURAL[k] : 64;
                int row = z / 8;
                int col = z % 8;
                slot[k] = k < 64 && row < n && col < n ? row * n + col : n * n;
            }
            SLOT[n] = slot;
        }
    }

    /** Why a file is left to ImageIO; never seen by callers. No stack trace: it is control flow. */
    private static final class Fallback extends Exception {
        private static final long serialVersionUID = 1L;

        Fallback() {
            super(null, null, false, false);
        }
    }

    private static final Fallback FALLBACK = new Fallback();

    /** A Huffman table with a {@value #LOOKAHEAD}-bit lookahead. */
    private static final class Huffman {
        /** By the next bits: {@code length << 8 | symbol} of a code that fits in them, or 0. */
        final int[] fast = new int[1 << LOOKAHEAD];
        /**
         * AC tables only, by the next bits: when a code and its extra bits fit in them, {@code value << 16 |
         * run << 8 | total bits}; an end of block has run {@link #EOB_RUN} and a run of 16 zeros run 15 and value
         * 0 (the zero lands on a coefficient that is zero anyway); else 0.
         */
        final int[] fastAc = new int[1 << LOOKAHEAD];
        /** By length: one past the last code of that length, left-aligned in 16 bits; [17] is a sentinel. */
        final int[] limit = new int[18];
        /** By length: what to add to a code of that length to get its symbol's index in {@link #values}. */
        final int[] delta = new int[17];
        final int[] values = new int[256];
        boolean defined;

        void build(byte[] d, int p, int end) throws Fallback {
            if (p + 16 > end) {
                throw FALLBACK;
            }
            int total = 0;
            for (int i = 0; i < 16; i++) {
                total += d[p + i] & 0xff;
            }
            if (total > 256 || p + 16 + total > end) {
                throw FALLBACK;
            }
            for (int i = 0; i < total; i++) {
                values[i] = d[p + 16 + i] & 0xff;
            }
            Arrays.fill(fast, 0);
            Arrays.fill(fastAc, 0);
            int code = 0;
            int k = 0;
            for (int len = 1; len <= 16; len++) {
                int count = d[p + len - 1] & 0xff;
                delta[len] = k - code;
                for (int i = 0; i < count; i++, code++, k++) {
                    if (code >= 1 << len) {
                        throw FALLBACK; // more codes of this length than fit: not a valid table
                    }
                    if (len <= LOOKAHEAD) {
                        int shift = LOOKAHEAD - len;
                        int base = code << shift;
                        for (int j = 0; j < 1 << shift; j++) {
                            fast[base | j] = len << 8 | values[k];
                        }
                    }
                }
                limit[len] = code << (16 - len);
                code <<= 1;
            }
            limit[17] = Integer.MAX_VALUE;
            for (int i = 0; i < fast.length; i++) {
                int e = fast[i];
                if (e == 0) {
                    continue;
                }
                int len = e >> 8;
                int run = (e >> 4) & 15;
                int size = e & 15;
                if (size == 0) {
                    fastAc[i] = (run == 0 ? EOB_RUN : run == 15 ? 15 : 0) << 8 | len;
                    if (run != 0 && run != 15) {
                        fastAc[i] = 0; // not a valid symbol: left to the checks of the slow path
                    }
                } else if (len + size <= LOOKAHEAD) {
                    int bits = (i >> (LOOKAHEAD - len - size)) & ((1 << size) - 1);
                    fastAc[i] = extend(bits, size) << 16 | run << 8 | (len + size);
                }
            }
            defined = true;
        }
    }

    /** A frame component and where its samples go. */
    private static final class Component {
        int id;
        int h;
        int v;
        int tq;
        int dcTable;
        int acTable;
        int pred;
        boolean decoded;
        /** Decoded samples at the chosen scale, {@link #stride} per row. */
        byte[] plane = new byte[0];
        int stride;
        /** Blocks in the frame's MCU grid (interleaved scans fill them all). */
        int blocksWide;
        int blocksHigh;
        /** Blocks a non-interleaved scan of this component codes: just those covering its samples. */
        int ownBlocksWide;
        int ownBlocksHigh;
    }

    private final Huffman[] dc = {new Huffman(), new Huffman(), new Huffman(), new Huffman()};
    private final Huffman[] ac = {new Huffman(), new Huffman(), new Huffman(), new Huffman()};
    private final int[][] quant = new int[4][64];
    private final boolean[] quantDefined = new boolean[4];
    /**
     * By zig-zag position (up to {@code 64 + 2 * EOB_RUN}), for the scan's scale: the coefficient's slot in the
     * reduced block ({@link #SLOT}) {@code << 16 |} its quantizer, so the hot loop makes one lookup.
     */
    private final int[][] dequant = new int[4][64 + 2 * EOB_RUN];
    private final Component[] components = {new Component(), new Component(), new Component()};
    private final Component[] scanComponents = new Component[4];
    /** One block's kept coefficients, dequantized, row-major n x n, plus the scratch slot. */
    private final int[] coef = new int[65];
    private final float[] work = new float[64];

    private byte[] d;
    private int end;
    private int pos;
    /** The current scan's entropy-coded data, unstuffed, {@link #entLength} bytes and zero padding. */
    private byte[] ent = new byte[0];
    private int entLength;
    /** Where in {@link #ent} each restart interval ends, and the number (0..7) of the RSTn marker there. */
    private int[] segmentEnds = new int[64];
    private int[] segmentMarkers = new int[64];
    private int segmentCount;
    /** The bit reader between blocks: see {@link #block}. */
    private long bits;
    private int bitCount;
    private int bytePos;

    private int width;
    private int height;
    private int componentCount;
    private int hMax;
    private int vMax;
    private int restartInterval;
    private boolean jfif;
    private int adobeTransform;
    private boolean icc;
    private int n;
    private int minReduction;

    private ScaledJpegDecoder() {
    }

    /**
     * {@code data[0..length)} decoded at the smallest of 1/1, 1/2, 1/4, 1/8 that still covers the image fitted into
     * a {@code box} x {@code box} square (see {@link #reduction}), as a TYPE_3BYTE_BGR image of {@code ceil(width /
     * r)} x {@code ceil(height / r)} pixels; null when the file is not one this decoder takes (see the class
     * comment), so that the caller decodes it another way.
     */
    public static BufferedImage decode(byte[] data, int length, int box) {
        return decode(data, length, box, 1);
    }

    /**
     * As {@link #decode(byte[], int, int)}, but null also when the reduction it would pick is less than
     * {@code minReduction} (found from the frame header, before any decoding), for callers that have a faster way
     * for images that need little reduction.
     */
    public static BufferedImage decode(byte[] data, int length, int box, int minReduction) {
        return PER_THREAD.get().run(data, length, box, 0, minReduction);
    }

    /** As {@link #decode}, at 1/{@code reduction} (1, 2, 4 or 8). */
    static BufferedImage decodeReduced(byte[] data, int length, int reduction) {
        return PER_THREAD.get().run(data, length, 0, reduction, 1);
    }

    /**
     * The largest r of 8, 4, 2, 1 for which a {@code width} x {@code height} image decoded at 1/r is still at least
     * as wide and as high as the image scaled to fit a {@code box}-pixel square (never up; each side rounded, and at
     * least 1): a 640 x 480 image's 256-px thumbnail is 256 x 192, so a 320 x 240 decode (r = 2) is enough.
     */
    public static int reduction(int width, int height, int box) {
        double factor = Math.min(1.0, box / (double) Math.max(width, height));
        long tw = Math.max(1, Math.round(width * factor));
        long th = Math.max(1, Math.round(height * factor));
        for (int r = 8; r > 1; r /= 2) {
            if ((width + r - 1) / r >= tw && (height + r - 1) / r >= th) {
                return r;
            }
        }
        return 1;
    }

    private BufferedImage run(byte[] data, int length, int box, int fixedReduction, int minReduction) {
        this.minReduction = minReduction;
        try {
            return decodeFile(data, length, box, fixedReduction);
        } catch (Fallback e) {
            return null;
        } catch (RuntimeException e) {
            // NOTE: a safety net for damaged data that slips past the checks (an index out of range); ImageIO then
            // decides what the file is.
            return null;
        } finally {
            d = null;
            if (ent.length > 1 << 22) {
                ent = new byte[0]; // a big file's copy is not kept for the next one
            }
        }
    }

    private BufferedImage decodeFile(byte[] data, int length, int box, int fixedReduction) throws Fallback {
        d = data;
        end = Math.min(length, data.length);
        pos = 0;
        width = 0;
        componentCount = 0;
        restartInterval = 0;
        jfif = false;
        adobeTransform = -1;
        icc = false;
        for (int i = 0; i < 4; i++) {
            dc[i].defined = false;
            ac[i].defined = false;
            quantDefined[i] = false;
        }
        if (end < 4 || (d[0] & 0xff) != 0xFF || (d[1] & 0xff) != 0xD8) {
            throw FALLBACK;
        }
        pos = 2;
        boolean scanned = false;
        while (true) {
            int marker = nextMarker(scanned);
            if (marker < 0 || marker == 0xD9) {
                break; // the end of the data or EOI: done when every component was decoded (checked below)
            }
            if (marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                continue; // stray restart markers and TEM carry no segment
            }
            if (pos + 2 > end) {
                throw FALLBACK;
            }
            int segLength = u16(pos);
            int p = pos + 2;
            int segEnd = pos + segLength;
            if (segLength < 2 || segEnd > end) {
                throw FALLBACK;
            }
            switch (marker) {
                case 0xC0, 0xC1 -> frame(p, segEnd, box, fixedReduction);
                case 0xC4 -> huffmanTables(p, segEnd);
                case 0xDB -> quantTables(p, segEnd);
                case 0xDD -> restartInterval = segLength >= 4 ? u16(p) : 0;
                case 0xE0 -> jfif |= segEnd - p >= 5 && d[p] == 'J' && d[p + 1] == 'F' && d[p + 2] == 'I'
                        && d[p + 3] == 'F' && d[p + 4] == 0;
                case 0xE2 -> icc |= segEnd - p >= 12 && new String(d, p, 11,
                        java.nio.charset.StandardCharsets.ISO_8859_1).equals("ICC_PROFILE");
                case 0xEE -> {
                    if (segEnd - p >= 12 && d[p] == 'A' && d[p + 1] == 'd' && d[p + 2] == 'o' && d[p + 3] == 'b'
                            && d[p + 4] == 'e') {
                        adobeTransform = d[p + 11] & 0xff;
                    }
                }
                case 0xDA -> {
                    pos = segEnd;
                    scan(p, segEnd);
                    scanned = true;
                    if (allDecoded()) {
                        return image();
                    }
                    continue;
                }
                case 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xDC -> throw FALLBACK;
                default -> {
                    // APPn, COM and others: skipped.
                }
            }
            pos = segEnd;
        }
        if (componentCount == 0 || !allDecoded()) {
            throw FALLBACK;
        }
        return image();
    }

    private boolean allDecoded() {
        for (int i = 0; i < componentCount; i++) {
            if (!components[i].decoded) {
                return false;
            }
        }
        return componentCount > 0;
    }

    /**
     * The next marker's code, with {@link #pos} after it; -1 at the end of the data. Between segments a marker
     * must follow at once; after a scan, bytes before the next marker are skipped (as libjpeg does, with a
     * warning).
     */
    private int nextMarker(boolean afterScan) throws Fallback {
        while (pos < end) {
            if ((d[pos] & 0xff) != 0xFF) {
                if (!afterScan) {
                    throw FALLBACK;
                }
                pos++;
                continue;
            }
            while (pos < end && (d[pos] & 0xff) == 0xFF) {
                pos++; // fill bytes
            }
            if (pos >= end) {
                return -1;
            }
            int marker = d[pos++] & 0xff;
            if (marker != 0) {
                return marker;
            }
        }
        return -1;
    }

    private int u16(int p) {
        return (d[p] & 0xff) << 8 | (d[p + 1] & 0xff);
    }

    private void frame(int p, int segEnd, int box, int fixedReduction) throws Fallback {
        if (componentCount != 0 || segEnd - p < 6) {
            throw FALLBACK;
        }
        int precision = d[p] & 0xff;
        height = u16(p + 1);
        width = u16(p + 3);
        int count = d[p + 5] & 0xff;
        if (precision != 8 || icc || height == 0 || width == 0 || (count != 1 && count != 3)
                || segEnd - p < 6 + 3 * count) {
            throw FALLBACK;
        }
        hMax = 1;
        vMax = 1;
        for (int i = 0; i < count; i++) {
            Component c = components[i];
            c.id = d[p + 6 + 3 * i] & 0xff;
            c.h = (d[p + 7 + 3 * i] >> 4) & 15;
            c.v = d[p + 7 + 3 * i] & 15;
            c.tq = d[p + 8 + 3 * i] & 0xff;
            c.decoded = false;
            if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3) {
                throw FALLBACK;
            }
            hMax = Math.max(hMax, c.h);
            vMax = Math.max(vMax, c.v);
        }
        if (count == 1) {
            // One component: a non-interleaved scan whose samples are the image's, whatever the factors say.
            components[0].h = 1;
            components[0].v = 1;
            hMax = 1;
            vMax = 1;
        } else {
            Component y = components[0];
            Component cb = components[1];
            Component cr = components[2];
            boolean sampling = cb.h == 1 && cb.v == 1 && cr.h == 1 && cr.v == 1 && y.h <= 2 && y.v <= 2;
            boolean ycc = adobeTransform >= 0 ? adobeTransform == 1
                    : jfif || (y.id == 1 && cb.id == 2 && cr.id == 3);
            if (!sampling || !ycc) {
                throw FALLBACK;
            }
        }
        componentCount = count;
        int r = fixedReduction > 0 ? fixedReduction : reduction(width, height, box);
        if (r < minReduction) {
            throw FALLBACK;
        }
        n = 8 / r;
        if ((long) ((width + r - 1) / r) * ((height + r - 1) / r) > MAX_PIXELS) {
            throw FALLBACK;
        }
        int mcusWide = (width + 8 * hMax - 1) / (8 * hMax);
        int mcusHigh = (height + 8 * vMax - 1) / (8 * vMax);
        for (int i = 0; i < count; i++) {
            Component c = components[i];
            c.blocksWide = mcusWide * c.h;
            c.blocksHigh = mcusHigh * c.v;
            int samplesWide = (width * c.h + hMax - 1) / hMax;
            int samplesHigh = (height * c.v + vMax - 1) / vMax;
            c.ownBlocksWide = (samplesWide + 7) / 8;
            c.ownBlocksHigh = (samplesHigh + 7) / 8;
            c.stride = c.blocksWide * n;
            long size = (long) c.stride * c.blocksHigh * n;
            if (size > Integer.MAX_VALUE - 16) {
                throw FALLBACK;
            }
            if (c.plane.length < size) {
                c.plane = new byte[(int) size];
            }
        }
    }

    private void huffmanTables(int p, int segEnd) throws Fallback {
        while (p < segEnd) {
            int tc = (d[p] >> 4) & 15;
            int th = d[p] & 15;
            if (tc > 1 || th > 3) {
                throw FALLBACK;
            }
            Huffman table = tc == 0 ? dc[th] : ac[th];
            table.build(d, p + 1, segEnd);
            int total = 0;
            for (int i = 0; i < 16; i++) {
                total += d[p + 1 + i] & 0xff;
            }
            p += 17 + total;
        }
    }

    private void quantTables(int p, int segEnd) throws Fallback {
        while (p < segEnd) {
            int pq = (d[p] >> 4) & 15;
            int tq = d[p] & 15;
            if (pq > 1 || tq > 3 || p + 1 + 64 * (pq + 1) > segEnd) {
                throw FALLBACK;
            }
            int[] q = quant[tq];
            for (int k = 0; k < 64; k++) {
                // Kept in zig-zag order, the order coefficients arrive in.
                q[k] = pq == 0 ? d[p + 1 + k] & 0xff : u16(p + 1 + 2 * k);
            }
            quantDefined[tq] = true;
            p += 1 + 64 * (pq + 1);
        }
    }

    private void scan(int p, int segEnd) throws Fallback {
        if (componentCount == 0 || p >= segEnd) {
            throw FALLBACK;
        }
        int ns = d[p] & 0xff;
        if (ns < 1 || ns > componentCount || segEnd - p < 1 + 2 * ns + 3) {
            throw FALLBACK;
        }
        for (int i = 0; i < ns; i++) {
            int id = d[p + 1 + 2 * i] & 0xff;
            Component c = null;
            for (int j = 0; j < componentCount; j++) {
                if (components[j].id == id) {
                    c = components[j];
                }
            }
            if (c == null || c.decoded) {
                throw FALLBACK;
            }
            c.dcTable = (d[p + 2 + 2 * i] >> 4) & 15;
            c.acTable = d[p + 2 + 2 * i] & 15;
            if (c.dcTable > 3 || c.acTable > 3 || !dc[c.dcTable].defined || !ac[c.acTable].defined
                    || !quantDefined[c.tq]) {
                throw FALLBACK;
            }
            c.pred = 0;
            scanComponents[i] = c;
        }
        int q = p + 1 + 2 * ns;
        int ss = d[q] & 0xff;
        int se = d[q + 1] & 0xff;
        int ahAl = d[q + 2] & 0xff;
        if (ss != 0 || se != 63 || ahAl != 0) {
            throw FALLBACK;
        }
        for (int t = 0; t < 4; t++) {
            if (quantDefined[t]) {
                int[] slot = SLOT[n];
                int[] quantizer = quant[t];
                int[] deq = dequant[t];
                for (int k = 0; k < deq.length; k++) {
                    deq[k] = slot[k] << 16 | quantizer[k & 63];
                }
            }
        }
        unstuff();
        int restartsLeft = restartInterval;
        int nextRestart = 0;
        int bs = n;
        if (ns == 1) {
            Component c = scanComponents[0];
            for (int by = 0; by < c.ownBlocksHigh; by++) {
                for (int bx = 0; bx < c.ownBlocksWide; bx++) {
                    if (restartInterval > 0) {
                        if (restartsLeft == 0) {
                            restart(nextRestart++);
                            restartsLeft = restartInterval;
                        }
                        restartsLeft--;
                    }
                    block(c, by * bs * c.stride + bx * bs);
                }
            }
        } else {
            int mcusWide = (width + 8 * hMax - 1) / (8 * hMax);
            int mcusHigh = (height + 8 * vMax - 1) / (8 * vMax);
            for (int my = 0; my < mcusHigh; my++) {
                for (int mx = 0; mx < mcusWide; mx++) {
                    if (restartInterval > 0) {
                        if (restartsLeft == 0) {
                            restart(nextRestart++);
                            restartsLeft = restartInterval;
                        }
                        restartsLeft--;
                    }
                    for (int i = 0; i < ns; i++) {
                        Component c = scanComponents[i];
                        for (int v = 0; v < c.v; v++) {
                            int row = (my * c.v + v) * bs * c.stride;
                            for (int h = 0; h < c.h; h++) {
                                block(c, row + (mx * c.h + h) * bs);
                            }
                        }
                    }
                }
            }
        }
        checkUsedUpTo(entLength);
        for (int i = 0; i < ns; i++) {
            scanComponents[i].decoded = true;
        }
    }

    /**
     * Copies the scan's entropy-coded data from {@link #pos} into {@link #ent} without its stuffed zero bytes, up
     * to the marker that ends the scan ({@link #pos} is left on it), noting where each restart marker was; pads it
     * with zero bytes so that the bit reader may read 8 bytes at any position up to its end.
     */
    private void unstuff() {
        int need = end - pos + 16;
        if (ent.length < need) {
            ent = new byte[Math.max(need, ent.length * 3 / 2)];
        }
        byte[] out = ent;
        int o = 0;
        int i = pos;
        segmentCount = 0;
        while (i < end) {
            byte b = d[i];
            if (b != (byte) 0xFF) {
                out[o++] = b;
                i++;
                continue;
            }
            if (i + 1 >= end) {
                i++;
                break;
            }
            int next = d[i + 1] & 0xff;
            if (next == 0) {
                out[o++] = b;
                i += 2;
            } else if (next == 0xFF) {
                i++; // a fill byte before a marker
            } else if (next >= 0xD0 && next <= 0xD7) {
                if (segmentCount == segmentEnds.length) {
                    segmentEnds = Arrays.copyOf(segmentEnds, segmentCount * 2);
                    segmentMarkers = Arrays.copyOf(segmentMarkers, segmentCount * 2);
                }
                segmentEnds[segmentCount] = o;
                segmentMarkers[segmentCount++] = next - 0xD0;
                i += 2;
            } else {
                break; // the marker after the scan
            }
        }
        pos = i;
        entLength = o;
        Arrays.fill(out, o, o + 16, (byte) 0);
        bits = 0;
        bitCount = 0;
        bytePos = 0;
    }

    /** Refuses the scan when its decoding read past {@code limit} (a byte offset in {@link #ent}): damaged data. */
    private void checkUsedUpTo(int limit) throws Fallback {
        if ((long) bytePos * 8 - bitCount > (long) limit * 8) {
            throw FALLBACK;
        }
    }

    /** At a restart point: the interval's data must be used up and the expected RSTn come next. */
    private void restart(int index) throws Fallback {
        if (index >= segmentCount || segmentMarkers[index] != (index & 7)) {
            throw FALLBACK;
        }
        checkUsedUpTo(segmentEnds[index]);
        bits = 0;
        bitCount = 0;
        bytePos = segmentEnds[index];
        for (int i = 0; i < componentCount; i++) {
            components[i].pred = 0;
        }
    }

    /** The code at the top of {@code peek16} (longer than {@link #LOOKAHEAD} bits) as {@code length << 8 | symbol}. */
    private static int slowSymbol(Huffman t, int peek16) throws Fallback {
        int len = LOOKAHEAD + 1;
        while (peek16 >= t.limit[len]) {
            len++;
        }
        if (len > 16) {
            throw FALLBACK; // no such code
        }
        return len << 8 | t.values[((peek16 >> (16 - len)) + t.delta[len]) & 0xff];
    }

    private static int extend(int v, int size) {
        return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
    }

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Decodes one block of {@code c} and writes its n x n samples at {@code offset} of its plane. The bit reader
     * lives in locals here (the hot loop): {@code b} holds the next {@code cnt} bits at its top; a refill ORs in
     * the next 8 bytes from {@code p} below them and moves {@code p} by the whole bytes that fitted.
     */
    private void block(Component c, int offset) throws Fallback {
        final byte[] src = ent;
        final int refillLimit = entLength + 8;
        long b = bits;
        int cnt = bitCount;
        int p = bytePos;
        int[] deq = dequant[c.tq];
        int scratch = n * n;
        int[] cf = coef;
        Huffman dct = dc[c.dcTable];
        Huffman act = ac[c.acTable];
        int[] fastAc = act.fastAc;
        int[] fast = act.fast;

        if (cnt < 32) {
            if (p > refillLimit) {
                throw FALLBACK;
            }
            b |= (long) BIG_ENDIAN_LONG.get(src, p) >>> cnt;
            p += (63 - cnt) >>> 3;
            cnt |= 56;
        }
        int e = dct.fast[(int) (b >>> (64 - LOOKAHEAD))];
        if (e == 0) {
            e = slowSymbol(dct, (int) (b >>> 48));
        }
        int len = e >> 8;
        b <<= len;
        cnt -= len;
        int t = e & 0xff;
        if (t != 0) {
            if (t > 11) {
                throw FALLBACK;
            }
            // At least 16 bits are left after the refill above and a code of at most 16.
            c.pred += extend((int) (b >>> (64 - t)), t);
            b <<= t;
            cnt -= t;
        }
        cf[0] = c.pred * (deq[0] & 0xffff);
        int k = 1;
        while (k < 64) {
            if (cnt < 32) {
                if (p > refillLimit) {
                    throw FALLBACK;
                }
                b |= (long) BIG_ENDIAN_LONG.get(src, p) >>> cnt;
                p += (63 - cnt) >>> 3;
                cnt |= 56;
            }
            int peek = (int) (b >>> (64 - LOOKAHEAD));
            e = fastAc[peek];
            if (e != 0) {
                len = e & 0xff;
                b <<= len;
                cnt -= len;
                k += (e >> 8) & 0xff;
                int dq = deq[k];
                cf[dq >>> 16] = (e >> 16) * (dq & 0xffff);
                k++;
                continue;
            }
            e = fast[peek];
            if (e == 0) {
                e = slowSymbol(act, (int) (b >>> 48));
            }
            len = e >> 8;
            b <<= len;
            cnt -= len;
            int run = (e >> 4) & 15;
            int size = e & 15;
            if (size == 0) {
                if (run != 15) {
                    break; // end of block
                }
                k += 16;
                continue;
            }
            k += run;
            // At least 16 bits were left for a code of at most 16 and these at most 15.
            int value = extend((int) (b >>> (64 - size)), size);
            b <<= size;
            cnt -= size;
            int dq = deq[k];
            cf[dq >>> 16] = value * (dq & 0xffff);
            k++;
        }
        bits = b;
        bitCount = cnt;
        bytePos = p;
        if (k > 64 && k <= EOB_RUN) {
            throw FALLBACK; // a run past the block's end (k is above EOB_RUN after an end of block)
        }
        byte[] out = c.plane;
        int stride = c.stride;
        int acs = 0;
        for (int i = 1; i < scratch; i++) {
            acs |= cf[i];
        }
        if (acs == 0) {
            // Only the average survives at this scale: a flat block.
            byte value = clamp(cf[0] * 0.125f);
            for (int y = 0; y < n; y++) {
                int o = offset + y * stride;
                for (int x = 0; x < n; x++) {
                    out[o + x] = value;
                }
            }
            cf[0] = 0;
            return;
        }
        switch (n) {
            case 8 -> idct8(cf, out, offset, stride);
            case 4 -> idct4(cf, out, offset, stride);
            default -> idct2(cf, out, offset, stride);
        }
        Arrays.fill(cf, 0, n * n, 0);
    }

    private static byte clamp(float v) {
        int p = (int) (v + 128.5f);
        return (byte) (p < 0 ? 0 : p > 255 ? 255 : p);
    }

    // The inverse DCTs. An n-point IDCT of the first n of 8 coefficients gives the samples at the centres of the
    // n cells a reduced block has: f(i) = sum_u C(u)/2 F(u) cos((2i + 1) u pi / 2n), C(0) = 1/sqrt(2), the 8-point
    // formula evaluated at those centres. The 2-D transform is done by columns, then rows. Each splits into an
    // even and an odd half, f(i) = E(i) + O(i) and f(n-1-i) = E(i) - O(i).

    private static final float C0 = (float) (1 / (2 * Math.sqrt(2)));
    private static final float C4A = (float) (Math.cos(Math.PI / 8) / 2);
    private static final float C4B = (float) (Math.cos(3 * Math.PI / 8) / 2);
    private static final float D1 = (float) (Math.cos(Math.PI / 16) / 2);
    private static final float D3 = (float) (Math.cos(3 * Math.PI / 16) / 2);
    private static final float D5 = (float) (Math.cos(5 * Math.PI / 16) / 2);
    private static final float D7 = (float) (Math.cos(7 * Math.PI / 16) / 2);

    private void idct8(int[] cf, byte[] out, int offset, int stride) {
        float[] w = work;
        for (int col = 0; col < 8; col++) {
            int f0 = cf[col];
            int f1 = cf[8 + col];
            int f2 = cf[16 + col];
            int f3 = cf[24 + col];
            int f4 = cf[32 + col];
            int f5 = cf[40 + col];
            int f6 = cf[48 + col];
            int f7 = cf[56 + col];
            if ((f1 | f2 | f3 | f4 | f5 | f6 | f7) == 0) {
                float v = f0 * C0;
                for (int i = 0; i < 8; i++) {
                    w[i * 8 + col] = v;
                }
                continue;
            }
            float e0 = C0 * (f0 + f4);
            float e1 = C0 * (f0 - f4);
            float o0 = C4A * f2 + C4B * f6;
            float o1 = C4B * f2 - C4A * f6;
            float ev0 = e0 + o0;
            float ev3 = e0 - o0;
            float ev1 = e1 + o1;
            float ev2 = e1 - o1;
            float od0 = D1 * f1 + D3 * f3 + D5 * f5 + D7 * f7;
            float od1 = D3 * f1 - D7 * f3 - D1 * f5 - D5 * f7;
            float od2 = D5 * f1 - D1 * f3 + D7 * f5 + D3 * f7;
            float od3 = D7 * f1 - D5 * f3 + D3 * f5 - D1 * f7;
            w[col] = ev0 + od0;
            w[56 + col] = ev0 - od0;
            w[8 + col] = ev1 + od1;
            w[48 + col] = ev1 - od1;
            w[16 + col] = ev2 + od2;
            w[40 + col] = ev2 - od2;
            w[24 + col] = ev3 + od3;
            w[32 + col] = ev3 - od3;
        }
        for (int row = 0; row < 8; row++) {
            int r = row * 8;
            float f0 = w[r];
            float f1 = w[r + 1];
            float f2 = w[r + 2];
            float f3 = w[r + 3];
            float f4 = w[r + 4];
            float f5 = w[r + 5];
            float f6 = w[r + 6];
            float f7 = w[r + 7];
            float e0 = C0 * (f0 + f4);
            float e1 = C0 * (f0 - f4);
            float o0 = C4A * f2 + C4B * f6;
            float o1 = C4B * f2 - C4A * f6;
            float ev0 = e0 + o0;
            float ev3 = e0 - o0;
            float ev1 = e1 + o1;
            float ev2 = e1 - o1;
            float od0 = D1 * f1 + D3 * f3 + D5 * f5 + D7 * f7;
            float od1 = D3 * f1 - D7 * f3 - D1 * f5 - D5 * f7;
            float od2 = D5 * f1 - D1 * f3 + D7 * f5 + D3 * f7;
            float od3 = D7 * f1 - D5 * f3 + D3 * f5 - D1 * f7;
            int o = offset + row * stride;
            out[o] = clamp(ev0 + od0);
            out[o + 7] = clamp(ev0 - od0);
            out[o + 1] = clamp(ev1 + od1);
            out[o + 6] = clamp(ev1 - od1);
            out[o + 2] = clamp(ev2 + od2);
            out[o + 5] = clamp(ev2 - od2);
            out[o + 3] = clamp(ev3 + od3);
            out[o + 4] = clamp(ev3 - od3);
        }
    }

    private void idct4(int[] cf, byte[] out, int offset, int stride) {
        float[] w = work;
        for (int col = 0; col < 4; col++) {
            int f0 = cf[col];
            int f1 = cf[4 + col];
            int f2 = cf[8 + col];
            int f3 = cf[12 + col];
            float e0 = C0 * (f0 + f2);
            float e1 = C0 * (f0 - f2);
            float o0 = C4A * f1 + C4B * f3;
            float o1 = C4B * f1 - C4A * f3;
            w[col] = e0 + o0;
            w[12 + col] = e0 - o0;
            w[4 + col] = e1 + o1;
            w[8 + col] = e1 - o1;
        }
        for (int row = 0; row < 4; row++) {
            int r = row * 4;
            float f0 = w[r];
            float f1 = w[r + 1];
            float f2 = w[r + 2];
            float f3 = w[r + 3];
            float e0 = C0 * (f0 + f2);
            float e1 = C0 * (f0 - f2);
            float o0 = C4A * f1 + C4B * f3;
            float o1 = C4B * f1 - C4A * f3;
            int o = offset + row * stride;
            out[o] = clamp(e0 + o0);
            out[o + 3] = clamp(e0 - o0);
            out[o + 1] = clamp(e1 + o1);
            out[o + 2] = clamp(e1 - o1);
        }
    }

    private static void idct2(int[] cf, byte[] out, int offset, int stride) {
        // Both 2-point halves are (a +- b) / (2 sqrt 2), so the whole is (sum of +-F) / 8.
        float a = cf[0];
        float b = cf[1];
        float c = cf[2];
        float e = cf[3];
        out[offset] = clamp((a + b + c + e) * 0.125f);
        out[offset + 1] = clamp((a - b + c - e) * 0.125f);
        out[offset + stride] = clamp((a + b - c - e) * 0.125f);
        out[offset + stride + 1] = clamp((a - b - c + e) * 0.125f);
    }

    // YCbCr to RGB as JFIF defines it, in 16-bit fixed point.
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (int) Math.round(1.402 * x);
            CB_B[i] = (int) Math.round(1.772 * x);
            CR_G[i] = (int) Math.round(-0.714136 * 65536 * x);
            CB_G[i] = (int) Math.round(-0.344136 * 65536 * x) + 32768;
        }
    }

    /** Clamps {@code v + CLAMP_OFFSET} (v from -CLAMP_OFFSET to 255 + CLAMP_OFFSET) to a byte 0..255. */
    private static final int CLAMP_OFFSET = 256;
    private static final byte[] CLAMP = new byte[256 + 2 * CLAMP_OFFSET];

    static {
        for (int i = 0; i < CLAMP.length; i++) {
            CLAMP[i] = (byte) Math.max(0, Math.min(255, i - CLAMP_OFFSET));
        }
    }

    /** Writes one YCbCr sample as B, G, R at {@code o}; returns the next offset. */
    private static int pixel(byte[] out, int o, int lum, int cbv, int crv) {
        out[o] = CLAMP[lum + CB_B[cbv] + CLAMP_OFFSET];
        out[o + 1] = CLAMP[lum + ((CB_G[cbv] + CR_G[crv]) >> 16) + CLAMP_OFFSET];
        out[o + 2] = CLAMP[lum + CR_R[crv] + CLAMP_OFFSET];
        return o + 3;
    }

    private BufferedImage image() throws Fallback {
        int r = 8 / n;
        int w = (width + r - 1) / r;
        int h = (height + r - 1) / r;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        Component y = components[0];
        if (componentCount == 1) {
            byte[] p = y.plane;
            int o = 0;
            for (int row = 0; row < h; row++) {
                int s = row * y.stride;
                for (int x = 0; x < w; x++) {
                    byte g = p[s + x];
                    out[o++] = g;
                    out[o++] = g;
                    out[o++] = g;
                }
            }
            return image;
        }
        Component cb = components[1];
        Component cr = components[2];
        byte[] yp = y.plane;
        byte[] bp = cb.plane;
        byte[] rp = cr.plane;
        // Chroma has one sample per hMax / vMax luma samples (its factors are 1).
        int hs = hMax / y.h;
        int vs = vMax / y.v;
        int chromaShiftX = hMax == 2 ? 1 : 0;
        int chromaShiftY = vMax == 2 ? 1 : 0;
        if (hs != 1 || vs != 1) {
            throw FALLBACK; // luma always has the largest factors here; anything else was refused in frame()
        }
        int[] crR = CR_R;
        int[] cbB = CB_B;
        int[] crG = CR_G;
        int[] cbG = CB_G;
        byte[] clamp = CLAMP;
        int o = 0;
        for (int row = 0; row < h; row++) {
            int ys = row * y.stride;
            int cs = (row >> chromaShiftY) * cb.stride;
            if (chromaShiftX == 1) {
                // Two luma samples share each chroma sample: its terms are looked up once per pair.
                int x = 0;
                for (; x + 1 < w; x += 2) {
                    int ci = cs + (x >> 1);
                    int cbv = bp[ci] & 0xff;
                    int crv = rp[ci] & 0xff;
                    int dr = crR[crv] + CLAMP_OFFSET;
                    int dg = ((cbG[cbv] + crG[crv]) >> 16) + CLAMP_OFFSET;
                    int db = cbB[cbv] + CLAMP_OFFSET;
                    int l0 = yp[ys + x] & 0xff;
                    int l1 = yp[ys + x + 1] & 0xff;
                    out[o] = clamp[l0 + db];
                    out[o + 1] = clamp[l0 + dg];
                    out[o + 2] = clamp[l0 + dr];
                    out[o + 3] = clamp[l1 + db];
                    out[o + 4] = clamp[l1 + dg];
                    out[o + 5] = clamp[l1 + dr];
                    o += 6;
                }
                if (x < w) {
                    o = pixel(out, o, yp[ys + x] & 0xff, bp[cs + (x >> 1)] & 0xff, rp[cs + (x >> 1)] & 0xff);
                }
            } else {
                for (int x = 0; x < w; x++) {
                    o = pixel(out, o, yp[ys + x] & 0xff, bp[cs + x] & 0xff, rp[cs + x] & 0xff);
                }
            }
        }
        return image;
    }
}

package loupe.core.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import loupe.core.model.Polygon;

/**
 * The catalog's encoding of an annotation's polygons, as a BLOB. Binary rather than JSON text because
 * formatting doubles as text dominated the cost of storing COCO segmentations.
 *
 * <p>Coordinates written by annotation tools are short decimals ({@code 50.23}): such a polygon is stored as
 * integers {@code round(v * 10^k)} with one scale {@code k} per polygon, each as the zig-zag varint of its
 * difference to the previous coordinate of the same axis, about 2 bytes a coordinate instead of 8. Decoding
 * divides by {@code 10^k}, which gives back exactly the same double (an integer below 2^53 divided by an exact
 * power of ten is correctly rounded: Clinger's fast path); {@link #encode} checks that for every coordinate
 * and stores the polygon as raw doubles when it does not hold. Storing the blob is most of the cost of moving
 * staged annotations into the catalog, so a smaller blob is a faster index.
 *
 * <p>Layout: the int {@code -2} (little-endian; the first layout began with the polygon count, never
 * negative, and is still read), the varint polygon count, then per polygon the varint point count, a scale
 * byte {@code k} (0..{@value #MAX_SCALE}, or {@value #RAW} for raw little-endian doubles) and the coordinates.
 */
public final class Polygons {

    private static final int COMPACT_MARKER = -2;
    private static final int MAX_SCALE = 9;
    private static final int RAW = 0xFF;
    private static final double[] POWERS = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    /** Integers up to this magnitude are exact doubles (2^53). */
    private static final long EXACT = 1L << 53;

    private Polygons() {
    }

    public static byte[] encode(List<Polygon> polygons) {
        int bound = 4 + 5;
        for (Polygon p : polygons) {
            bound += 5 + 1 + 10 * p.points().length;  // a varint of a 64-bit delta takes at most 10 bytes
        }
        byte[] out = new byte[bound];
        int at = putIntLe(out, 0, COMPACT_MARKER);
        at = putVarint(out, at, polygons.size());
        long[] scaled = new long[16];
        for (Polygon p : polygons) {
            double[] points = p.points();
            at = putVarint(out, at, points.length / 2);
            if (scaled.length < points.length) {
                scaled = new long[points.length];
            }
            int k = scale(points, scaled);
            if (k < 0) {
                out[at++] = (byte) RAW;
                for (double v : points) {
                    at = putLongLe(out, at, Double.doubleToRawLongBits(v));
                }
            } else {
                out[at++] = (byte) k;
                long previousX = 0;
                long previousY = 0;
                for (int i = 0; i < points.length; i += 2) {
                    at = putVarint(out, at, zigZag(scaled[i] - previousX));
                    at = putVarint(out, at, zigZag(scaled[i + 1] - previousY));
                    previousX = scaled[i];
                    previousY = scaled[i + 1];
                }
            }
        }
        return Arrays.copyOf(out, at);
    }

    /**
     * The smallest decimal scale {@code k} at which every coordinate is an integer {@code m} with
     * {@code m / 10^k == v} exactly (the integers left in {@code scaled}), or -1 when there is none.
     */
    private static int scale(double[] points, long[] scaled) {
        outer:
        for (int k = 0; k <= MAX_SCALE; k++) {
            double power = POWERS[k];
            for (int i = 0; i < points.length; i++) {
                double v = points[i];
                double m = Math.rint(v * power);
                if (!(Math.abs(m) < EXACT)) {
                    continue outer;  // also NaN and the infinities
                }
                long integer = (long) m;
                if (Double.doubleToRawLongBits(integer / power) != Double.doubleToRawLongBits(v)) {
                    continue outer;  // also -0.0, which an integer cannot give back
                }
                scaled[i] = integer;
            }
            return k;
        }
        return -1;
    }

    /** Decodes {@link #encode}'s output (or the first layout's); null or empty input gives no polygons. */
    public static List<Polygon> decode(byte[] blob) {
        return blob == null ? List.of() : decode(ByteBuffer.wrap(blob), 0, blob.length);
    }

    /** Decodes the {@link #encode} output held in {@code bytes[offset, offset + length)} (not changed). */
    public static List<Polygon> decode(ByteBuffer bytes, int offset, int length) {
        if (length < 4) {
            return List.of();
        }
        return decode(bytes.slice(offset, length).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static List<Polygon> decode(ByteBuffer buf) {
        int first = buf.getInt();
        if (first != COMPACT_MARKER) {
            return decodeFirstLayout(buf, first);
        }
        int count = (int) getVarint(buf);
        List<Polygon> polygons = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double[] points = new double[2 * (int) getVarint(buf)];
            int k = buf.get() & 0xFF;
            if (k == RAW) {
                for (int j = 0; j < points.length; j++) {
                    points[j] = buf.getDouble();
                }
            } else {
                double power = POWERS[k];
                long x = 0;
                long y = 0;
                for (int j = 0; j < points.length; j += 2) {
                    x += unZigZag(getVarint(buf));
                    y += unZigZag(getVarint(buf));
                    points[j] = x / power;
                    points[j + 1] = y / power;
                }
            }
            polygons.add(new Polygon(points));
        }
        return polygons;
    }

    /** The first layout: the polygon count, then per polygon its point count and raw doubles. */
    private static List<Polygon> decodeFirstLayout(ByteBuffer buf, int count) {
        List<Polygon> polygons = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double[] points = new double[2 * buf.getInt()];
            for (int j = 0; j < points.length; j++) {
                points[j] = buf.getDouble();
            }
            polygons.add(new Polygon(points));
        }
        return polygons;
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static int putVarint(byte[] out, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }

    private static long getVarint(ByteBuffer buf) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = buf.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }

    private static int putIntLe(byte[] out, int at, int v) {
        out[at] = (byte) v;
        out[at + 1] = (byte) (v >>> 8);
        out[at + 2] = (byte) (v >>> 16);
        out[at + 3] = (byte) (v >>> 24);
        return at + 4;
    }

    private static int putLongLe(byte[] out, int at, long v) {
        for (int i = 0; i < 8; i++) {
            out[at + i] = (byte) (v >>> (8 * i));
        }
        return at + 8;
    }
}

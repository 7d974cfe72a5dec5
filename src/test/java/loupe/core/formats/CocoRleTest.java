package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;

class CocoRleTest {

    /**
     * A 4 wide, 3 high mask (rows top to bottom):
     * <pre>
     * 0 1 1 0
     * 1 1 0 0
     * 0 1 0 1
     * </pre>
     * Column-major it reads 010 111 100 001, so the runs are 1,1,1,4,4,1. Compressed: 1, 1, 1 as '1' (1 + 48);
     * the fourth and fifth as deltas 4-1 = 3 -> '3'; the sixth as 1-4 = -3, whose 5 bits are 29 with the sign
     * bit set and nothing left -> 29 + 48 = 'M'. (pycocotools' mask.encode gives the same "11133M".)
     */
    private static final byte[] MASK_4X3 = {0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1};

    @Test
    void decodesAHandMadeCompressedStringToItsRuns() {
        CocoRle rle = CocoRle.fromString(3, 4, "11133M");
        assertArrayEquals(new long[] {1, 1, 1, 4, 4, 1}, rle.counts());
        assertArrayEquals(MASK_4X3, rle.decode(new BoundingBox(0, 0, 4, 3)));
    }

    @Test
    void encodesRunsToTheSameCompressedString() {
        assertEquals("11133M", new CocoRle(3, 4, new long[] {1, 1, 1, 4, 4, 1}).toCompressedString());
        assertEquals("11133M", encode(MASK_4X3, 4, 3).toCompressedString());
    }

    @Test
    void areaAndBoundsAreThoseOfTheSetPixels() {
        CocoRle rle = CocoRle.fromString(3, 4, "11133M");
        assertEquals(6, rle.area(), "six 1s in the mask above");
        assertEquals(new BoundingBox(0, 0, 4, 3), rle.bounds(), "set pixels in every row and column");

        // size [10, 5], counts [0, 20, 30]: the first 20 pixels column-major are columns 0 and 1 (10 rows each).
        CocoRle twoColumns = new CocoRle(10, 5, new long[] {0, 20, 30});
        assertEquals(20, twoColumns.area());
        assertEquals(new BoundingBox(0, 0, 2, 10), twoColumns.bounds());
        // Its compressed form, by hand: 0 -> '0'; 20 = 0b10100 has bit 4 set, so it needs a second group:
        // (20 | 0x20) + 48 = 'd', then 0 -> '0'; 30 likewise -> 'n', '0'.
        assertEquals("0d0n0", twoColumns.toCompressedString());

        // One pixel at x = 3, y = 1 in a 5 high, 6 wide mask: index 3 * 5 + 1 = 16.
        CocoRle single = new CocoRle(5, 6, new long[] {16, 1, 13});
        assertEquals(1, single.area());
        assertEquals(new BoundingBox(3, 1, 1, 1), single.bounds());

        // A run from the last row of column 1 to the first row of column 2 covers every row between.
        CocoRle wrap = new CocoRle(4, 3, new long[] {7, 2, 3});
        assertEquals(new BoundingBox(1, 0, 2, 4), wrap.bounds());

        assertEquals(new BoundingBox(0, 0, 0, 0), new CocoRle(2, 2, new long[] {4}).bounds(), "empty mask");
        assertEquals(0, new CocoRle(2, 2, new long[] {4}).area());
    }

    @Test
    void randomMasksRoundTripThroughTheCompressedForm() {
        Random random = new Random(7);
        for (int n = 0; n < 200; n++) {
            int w = 1 + random.nextInt(40), h = 1 + random.nextInt(40);
            byte[] mask = new byte[w * h];
            double density = random.nextDouble();
            for (int i = 0; i < mask.length; i++) {
                mask[i] = (byte) (random.nextDouble() < density ? 1 : 0);
            }
            CocoRle rle = encode(mask, w, h);
            CocoRle back = CocoRle.fromString(h, w, rle.toCompressedString());
            assertEquals(rle, back);
            assertArrayEquals(mask, back.decode(new BoundingBox(0, 0, w, h)));
            long ones = 0;
            for (byte b : mask) {
                ones += b;
            }
            assertEquals(ones, back.area());
        }
    }

    @Test
    void largeCountsAndNegativeDeltasSurviveTheRoundTrip() {
        long[] counts = {1_000_000, 3, 5_000_000, 1, 0, 1_999_996};
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        CocoRle rle = new CocoRle(1000, (int) (total / 1000), counts);
        assertArrayEquals(counts, CocoRle.fromString(rle.height(), rle.width(), rle.toCompressedString()).counts());
    }

    @Test
    void malformedInputIsRejectedWithAPlainMessage() {
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
                () -> CocoRle.fromString(10, 20, "n5"));
        assertTrue(sum.getMessage().contains("200 pixels"), sum.getMessage()); // "n5" is one run of 190
        IllegalArgumentException character = assertThrows(IllegalArgumentException.class,
                () -> CocoRle.fromString(3, 4, "11 33M"));
        assertTrue(character.getMessage().contains("' '"), character.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CocoRle.fromString(3, 4, "111d"), "ends mid-number");
        assertThrows(IllegalArgumentException.class, () -> new CocoRle(2, 2, new long[] {5, -1}));
        assertThrows(IllegalArgumentException.class, () -> CocoRle.fromAttribute("x y 0"));
    }

    @Test
    void attributeFormKeepsTheCompressedTextAsGiven() {
        String attribute = CocoRle.toAttribute(3, 4, "11133M");
        assertEquals("3 4 11133M", attribute);
        assertEquals("11133M", CocoRle.compressedText(attribute));
        assertEquals(CocoRle.fromString(3, 4, "11133M"), CocoRle.fromAttribute(attribute));
    }

    // ---- contours ---------------------------------------------------------------------------------------------

    @Test
    void traceOfTheHandMadeMaskCoversExactlyItsPixels() {
        MaskContours.Result traced = MaskContours.trace(CocoRle.fromString(3, 4, "11133M"));
        // 4-connected regions: the five pixels in columns 0..2, and the lone pixel (3, 2), whose neighbours
        // (2, 2) and (3, 1) are unset, so it is a region of its own.
        assertEquals(2, traced.polygons().size());
        assertEquals(5, CocoWriter.shoelace(traced.polygons().get(0).points()), 1e-9);
        assertEquals(new Polygon(new double[] {3, 2, 4, 2, 4, 3, 3, 3}), traced.polygons().get(1));
        assertEquals(0, traced.holes());
    }

    @Test
    void traceGivesOuterContoursAndCountsHoles() {
        // 400 wide, 300 high: a 250 x 200 rectangle at (100, 50) with a 50 x 50 hole at (150, 100), and a
        // 10 x 10 square at (10, 10). Area by hand: 50000 - 2500 + 100 = 47600.
        int w = 400, h = 300;
        byte[] mask = new byte[w * h];
        fill(mask, w, 100, 50, 250, 200, 1);
        fill(mask, w, 150, 100, 50, 50, 0);
        fill(mask, w, 10, 10, 10, 10, 1);
        CocoRle rle = encode(mask, w, h);
        assertEquals(47600, rle.area());
        assertEquals(new BoundingBox(10, 10, 340, 240), rle.bounds());

        MaskContours.Result traced = MaskContours.trace(rle);
        assertEquals(1, traced.holes());
        assertEquals(List.of(new Polygon(new double[] {100, 50, 350, 50, 350, 250, 100, 250}),
                new Polygon(new double[] {10, 10, 20, 10, 20, 20, 10, 20})), traced.polygons());
    }

    @Test
    void tracedPolygonsOfRandomBlobsHaveTheMaskArea() {
        Random random = new Random(11);
        for (int n = 0; n < 50; n++) {
            int w = 5 + random.nextInt(30), h = 5 + random.nextInt(30);
            byte[] mask = new byte[w * h];
            // A filled disc (one region without holes) at a random place.
            double cx = random.nextDouble() * w, cy = random.nextDouble() * h, r = 1 + random.nextDouble() * 8;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= r) {
                        mask[y * w + x] = 1;
                    }
                }
            }
            CocoRle rle = encode(mask, w, h);
            MaskContours.Result traced = MaskContours.trace(rle);
            double area = 0;
            for (Polygon p : traced.polygons()) {
                area += CocoWriter.shoelace(p.points());
            }
            assertEquals(rle.area(), area, 1e-9, "pixel-edge contours enclose exactly the set pixels");
            assertEquals(rle.area(), rasterisedArea(traced.polygons(), w, h), "and rasterise back to them");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Runs of a row-major mask, scanned column-major as COCO does (written independently of CocoRle). */
    static CocoRle encode(byte[] mask, int w, int h) {
        List<Long> counts = new ArrayList<>();
        int current = 0;
        long run = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                int v = mask[y * w + x] != 0 ? 1 : 0;
                if (v != current) {
                    counts.add(run);
                    run = 0;
                    current = v;
                }
                run++;
            }
        }
        counts.add(run);
        return new CocoRle(h, w, counts.stream().mapToLong(Long::longValue).toArray());
    }

    static void fill(byte[] mask, int w, int x0, int y0, int fw, int fh, int value) {
        for (int y = y0; y < y0 + fh; y++) {
            for (int x = x0; x < x0 + fw; x++) {
                mask[y * w + x] = (byte) value;
            }
        }
    }

    /** Pixels whose centre lies inside any of the polygons (even-odd rule). */
    static long rasterisedArea(List<Polygon> polygons, int w, int h) {
        long count = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (Polygon p : polygons) {
                    if (inside(p.points(), x + 0.5, y + 0.5)) {
                        count++;
                        break;
                    }
                }
            }
        }
        return count;
    }

    static boolean inside(double[] p, double px, double py) {
        boolean in = false;
        int n = p.length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
            if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi) {
                in = !in;
            }
        }
        return in;
    }
}

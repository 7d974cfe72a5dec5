package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import loupe.core.model.Polygon;

class PolygonsTest {

    @Test
    void roundTripsPolygonsExactly() {
        List<Polygon> polygons = List.of(new Polygon(new double[] {0.1, 2.5, 239.97, 1e-9, 7, 8}),
                new Polygon(new double[] {}), new Polygon(new double[] {-1, -2}));
        assertEquals(polygons, Polygons.decode(Polygons.encode(polygons)));
    }

    @Test
    void decodesNothingAsNoPolygons() {
        assertEquals(List.of(), Polygons.decode(null));
    }

    @Test
    void keepsEveryBitOfValuesNoDecimalScaleCanHold() {
        double[] odd = {-0.0, 0.0, 1.0 / 3, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            1e300, -1e-300, Double.MIN_VALUE, Math.PI, 9007199254740993.0, 0.1 + 0.2};
        for (double v : odd) {
            Polygon p = new Polygon(new double[] {v, 12.5});
            double[] back = Polygons.decode(Polygons.encode(List.of(p))).get(0).points();
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(back[0]), "value " + v);
            assertEquals(12.5, back[1]);
        }
    }

    @Test
    void roundTripsRandomDecimalsAndRandomDoublesBitForBit() {
        Random random = new Random(42);
        List<Polygon> polygons = new ArrayList<>();
        for (int n = 0; n < 2000; n++) {
            double[] points = new double[2 * (1 + random.nextInt(40))];
            int decimals = random.nextInt(8);
            boolean raw = random.nextInt(10) == 0;
            for (int i = 0; i < points.length; i++) {
                // As a tool writes them: a decimal text parsed to the nearest double.
                double v = random.nextInt(200_000) - 50_000 + random.nextDouble();
                points[i] = raw ? v : Double.parseDouble(String.format(java.util.Locale.ROOT, "%." + decimals + "f", v));
            }
            polygons.add(new Polygon(points));
        }
        List<Polygon> back = Polygons.decode(Polygons.encode(polygons));
        assertEquals(polygons.size(), back.size());
        for (int i = 0; i < polygons.size(); i++) {
            double[] expected = polygons.get(i).points();
            double[] actual = back.get(i).points();
            assertEquals(expected.length, actual.length);
            for (int j = 0; j < expected.length; j++) {
                assertEquals(Double.doubleToRawLongBits(expected[j]), Double.doubleToRawLongBits(actual[j]),
                        "polygon " + i + " coordinate " + j);
            }
        }
    }

    @Test
    void storesTwoDecimalCoordinatesInAboutTwoBytesEach() {
        // A COCO segmentation as annotation tools write it.
        double[] points = {50.23, 19.0, 44.18, 21.62, 45.67, 25.23, 41.35, 26.9, 40.54, 31.75, 34.54, 31.53, 29.5,
            29.63, 24.24, 32.09, 18.48, 31.73, 15.27, 28.49, 17.61, 23.58, 13.13, 21.92};
        byte[] blob = Polygons.encode(List.of(new Polygon(points)));
        assertTrue(blob.length <= 4 + 1 + 1 + 1 + 3 * 2 + 2 * (points.length - 2),
                "blob of " + blob.length + " bytes for " + points.length + " coordinates");
        assertEquals(List.of(new Polygon(points)), Polygons.decode(blob));
    }

    @Test
    void readsTheFirstLayoutOfCatalogsWrittenBefore() {
        ByteBuffer old = ByteBuffer.allocate(4 + 4 + 4 * 8 + 4 + 2 * 8).order(ByteOrder.LITTLE_ENDIAN);
        old.putInt(2);
        old.putInt(2).putDouble(1.5).putDouble(2.25).putDouble(1.0 / 3).putDouble(-7);
        old.putInt(1).putDouble(1e-9).putDouble(4);
        List<Polygon> decoded = Polygons.decode(old.array());
        assertEquals(2, decoded.size());
        assertArrayEquals(new double[] {1.5, 2.25, 1.0 / 3, -7}, decoded.get(0).points());
        assertArrayEquals(new double[] {1e-9, 4}, decoded.get(1).points());
    }
}

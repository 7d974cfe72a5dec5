package loupe.ui.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OrientationTest {

    private static final double W = 400;
    private static final double H = 300;

    @Test
    void rotatesNinetyDegreesClockwiseForSix() {
        Orientation six = Orientation.of(6);
        // The stored top-left corner ends up at the top right of the upright picture.
        assertArrayEquals(new double[] {300, 0}, six.toDisplay(0, 0, W, H), 1e-9);
        assertArrayEquals(new double[] {0, 400}, six.toDisplay(400, 300, W, H), 1e-9);
        assertEquals(300, six.displayWidth(W, H));
        assertEquals(400, six.displayHeight(W, H));
    }

    @Test
    void rotatesNinetyDegreesAnticlockwiseForEight() {
        assertArrayEquals(new double[] {0, 400}, Orientation.of(8).toDisplay(0, 0, W, H), 1e-9);
        assertArrayEquals(new double[] {300, 0}, Orientation.of(8).toDisplay(400, 300, W, H), 1e-9);
    }

    @Test
    void mirrorsAndTurnsForTwoThreeFour() {
        assertArrayEquals(new double[] {390, 20}, Orientation.of(2).toDisplay(10, 20, W, H), 1e-9);
        assertArrayEquals(new double[] {390, 280}, Orientation.of(3).toDisplay(10, 20, W, H), 1e-9);
        assertArrayEquals(new double[] {10, 280}, Orientation.of(4).toDisplay(10, 20, W, H), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void toStoredUndoesToDisplay(int code) {
        Orientation o = Orientation.of(code);
        double[] d = o.toDisplay(37, 211, W, H);
        assertArrayEquals(new double[] {37, 211}, o.toStored(d[0], d[1], W, H), 1e-9);
        double[] r = o.rectToDisplay(0, 0, W, H, W, H);
        assertArrayEquals(new double[] {0, 0, o.displayWidth(W, H), o.displayHeight(W, H)}, r, 1e-9);
    }

    @Test
    void treatsUnknownValuesAsUpright() {
        assertEquals(Orientation.NORMAL, Orientation.of(0));
        assertEquals(Orientation.NORMAL, Orientation.of(9));
    }
}

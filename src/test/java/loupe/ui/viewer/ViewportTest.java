package loupe.ui.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ViewportTest {

    @Test
    void fitShowsTheWholeImageCentred() {
        Viewport v = Viewport.fit(40000, 30000, 1000, 600);
        assertEquals(0.02, v.scale(), 1e-12);
        assertEquals(0, v.toScreenY(0), 1e-9);
        assertEquals(600, v.toScreenY(30000), 1e-9);
        assertEquals(100, v.toScreenX(0), 1e-9);
    }

    @Test
    void zoomAtKeepsTheImagePointUnderTheScreenPoint() {
        Viewport v = new Viewport(0.5, 1000, 800, 900, 700);
        double ix = v.toImageX(123);
        double iy = v.toImageY(456);
        Viewport z = v.zoomAt(3, 123, 456);
        assertEquals(1.5, z.scale(), 1e-12);
        assertEquals(ix, z.toImageX(123), 1e-9);
        assertEquals(iy, z.toImageY(456), 1e-9);
    }

    @Test
    void zoomStopsAtItsLimits() {
        Viewport v = new Viewport(1, 0, 0, 100, 100);
        assertEquals(Viewport.MAX_SCALE, v.zoomAt(1e6, 0, 0).scale());
        assertEquals(Viewport.MIN_SCALE, v.zoomAt(1e-9, 0, 0).scale());
    }

    @Test
    void panMovesTheImageWithThePointer() {
        Viewport v = new Viewport(2, 100, 100, 400, 400).panBy(40, -20);
        assertEquals(80, v.centerX(), 1e-9);
        assertEquals(110, v.centerY(), 1e-9);
    }

    @Test
    void clampingKeepsTheCentreOnTheImage() {
        Viewport v = new Viewport(1, -50, 900, 400, 400).clampedTo(640, 480);
        assertEquals(0, v.centerX());
        assertEquals(480, v.centerY());
    }
}

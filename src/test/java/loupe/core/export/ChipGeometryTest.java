package loupe.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;

class ChipGeometryTest {

    private static final ChipGeometry.Rect CHIP = new ChipGeometry.Rect(100, 100, 200, 200);

    @Test
    void positionsStepByTheStrideAndEndFlushWithTheEdge() {
        assertArrayEquals(new int[] {0, 1024, 2048, 2976}, ChipGeometry.positions(4000, 1024, 1024));
        assertArrayEquals(new int[] {0, 896, 1792, 2688, 2976}, ChipGeometry.positions(4000, 1024, 896));
        assertArrayEquals(new int[] {0, 1024}, ChipGeometry.positions(2048, 1024, 1024));
        assertArrayEquals(new int[] {0}, ChipGeometry.positions(500, 1024, 1024), "a side shorter than a chip");
        assertArrayEquals(new int[] {0}, ChipGeometry.positions(1024, 1024, 1024));
        assertEquals(6, ChipGeometry.grid(1500, 1000, 512, 512).size());
    }

    @Test
    void aBoxInsideIsKeptAndShiftedToChipPixels() {
        ChipGeometry.Clipped c = clip(Annotation.box("a.jpg", 3, new BoundingBox(150, 120, 50, 40)), 1, 0.5);
        assertEquals(ChipGeometry.Fate.KEPT, c.fate());
        assertEquals(new BoundingBox(50, 20, 50, 40), c.annotation().box());
        assertEquals("chip.jpg", c.annotation().imagePath());
        assertEquals(3, c.annotation().classId());
        assertEquals(1.0, c.visibility(), 1e-12);
    }

    @Test
    void aBoxCutByTheEdgeIsClippedAndKeptOnlyWhenVisibleEnough() {
        // 40 of 100 px wide inside the chip (x 260..300 of 260..360): 40 % visible.
        Annotation a = Annotation.box("a.jpg", 1, new BoundingBox(260, 150, 100, 20));
        ChipGeometry.Clipped kept = clip(a, 1, 0.4);
        assertEquals(ChipGeometry.Fate.KEPT, kept.fate(), "40 % visible at a minimum of 0.4 is kept");
        assertEquals(new BoundingBox(160, 50, 40, 20), kept.annotation().box());
        assertEquals(0.4, kept.visibility(), 1e-12);
        assertEquals(ChipGeometry.Fate.DROPPED, clip(a, 1, 0.41).fate());
        assertEquals(ChipGeometry.Fate.DROPPED, clip(a, 1, 0.5).fate());
        assertEquals(ChipGeometry.Fate.OUTSIDE, clip(Annotation.box("a.jpg", 1, new BoundingBox(0, 0, 50, 50)), 1, 0)
                .fate());
        assertEquals(ChipGeometry.Fate.OUTSIDE, clip(Annotation.imageLabel("a.jpg", 1), 1, 0).fate());
    }

    @Test
    void downsampleScalesChipCoordinates() {
        ChipGeometry.Clipped c = ChipGeometry.clip(Annotation.box("a.jpg", 1, new BoundingBox(120, 140, 40, 20)),
                CHIP, 2, 100, 100, 0.5, "chip.jpg");
        assertEquals(new BoundingBox(10, 20, 20, 10), c.annotation().box());
    }

    @Test
    void polygonsAreClippedAgainstTheChipAndTheBoxShrinksToThem() {
        // A triangle with its right part outside the chip (x > 300).
        Polygon triangle = new Polygon(new double[] {200, 150, 400, 150, 200, 250});
        Annotation a = new Annotation("a.jpg", 2, triangle.bounds(), List.of(triangle), false, Map.of());
        ChipGeometry.Clipped c = clip(a, 1, 0);
        assertEquals(ChipGeometry.Fate.KEPT, c.fate());
        Polygon clipped = c.annotation().polygons().get(0);
        for (int i = 0; i < clipped.points().length; i += 2) {
            assertTrue(clipped.points()[i] >= 0 && clipped.points()[i] <= 200);
            assertTrue(clipped.points()[i + 1] >= 0 && clipped.points()[i + 1] <= 200);
        }
        // Visible: the triangle minus the small triangle beyond x = 300 (100 x 50 / 2 of 200 x 100 / 2): 75 %.
        assertEquals(0.75, c.visibility(), 1e-9);
        assertEquals(7500, Math.abs(ChipGeometry.area(clipped.points())), 1e-9);
        assertEquals(new BoundingBox(100, 50, 100, 100), c.annotation().box());
    }

    @Test
    void sutherlandHodgmanKeepsWhatIsInsideAConcavePolygon() {
        // A "U" shape: two legs 0..10 and 20..30 wide, joined at the bottom (y 20..30); clip y < 15 leaves two legs.
        double[] u = {0, 0, 10, 0, 10, 20, 20, 20, 20, 0, 30, 0, 30, 30, 0, 30};
        double[] top = ChipGeometry.clipPolygon(u, 0, 0, 30, 15);
        assertEquals(2 * 10 * 15, Math.abs(ChipGeometry.area(top)), 1e-9);
        double[] none = ChipGeometry.clipPolygon(u, 100, 100, 200, 200);
        assertEquals(0, none.length);
        double[] all = ChipGeometry.clipPolygon(u, -1, -1, 31, 31);
        assertEquals(Math.abs(ChipGeometry.area(u)), Math.abs(ChipGeometry.area(all)), 1e-9);
    }

    @Test
    void aPolygonWhoseBoxTouchesTheChipButNotItselfIsNotThere() {
        // An L whose bounding box reaches into the chip while the polygon itself stays outside it.
        Polygon l = new Polygon(new double[] {0, 0, 90, 0, 90, 10, 10, 10, 10, 290, 0, 290});
        Annotation a = new Annotation("a.jpg", 1, new BoundingBox(0, 0, 90, 290), List.of(l), false, Map.of());
        ChipGeometry.Rect chip = new ChipGeometry.Rect(50, 50, 100, 100);
        ChipGeometry.Clipped c = ChipGeometry.clip(a, chip, 1, 100, 100, 0, "chip.jpg");
        assertEquals(ChipGeometry.Fate.OUTSIDE, c.fate());
        assertNull(c.annotation());
    }

    @Test
    void planFindsEachAnnotationOnlyInTheChipsItTouches() {
        List<Annotation> boxes = List.of(Annotation.box("a.jpg", 1, new BoundingBox(10, 10, 20, 20)),
                Annotation.box("a.jpg", 1, new BoundingBox(90, 10, 20, 20)));
        List<ChipGeometry.Planned> plan = ChipGeometry.plan(200, 100, boxes, 100, 100, 1, 0.5,
                r -> "c" + r.x() + "_" + r.y());
        assertEquals(2, plan.size());
        assertEquals(2, plan.get(0).annotations().size(), "the first box, and half of the second");
        assertEquals(1, plan.get(1).annotations().size());
        assertEquals(new BoundingBox(0, 10, 10, 20), plan.get(1).annotations().get(0).box());
        assertEquals("c100_0", plan.get(1).annotations().get(0).imagePath());
    }

    private static ChipGeometry.Clipped clip(Annotation a, double downsample, double minVisibility) {
        return ChipGeometry.clip(a, CHIP, downsample, 200, 200, minVisibility, "chip.jpg");
    }
}

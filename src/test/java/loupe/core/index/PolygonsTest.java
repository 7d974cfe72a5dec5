package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

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
}

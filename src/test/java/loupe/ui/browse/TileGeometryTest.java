package loupe.ui.browse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import loupe.core.model.BoundingBox;
import loupe.core.query.GalleryItem;

class TileGeometryTest {

    private static GalleryItem item(int width, int height, int orientation) {
        return new GalleryItem(0, "a.jpg", null, width, height, orientation, 1, 1, true, 1, 0, List.of());
    }

    @Test
    void boxesOfAnUnturnedImageAreScaledOnly() {
        // A 400 x 200 image drawn as 200 x 100 at (10, 60): scale 0.5.
        double[] r = TileGeometry.boxOnThumbnail(item(400, 200, 0), new BoundingBox(40, 20, 100, 60), 256, 128,
                10, 60, 200, 100);
        assertArrayEquals(new double[] {30, 70, 80, 100}, r, 1e-9);
    }

    @Test
    void boxesTurnWithTheThumbnailOfARotatedImage() {
        // Stored 400 x 200, EXIF 6 (rotated 90° clockwise): shown as 200 x 400, here drawn 100 x 200 at (50, 0).
        // The stored box x 40..140, y 20..80 lands at display x (200 - 80)..(200 - 20) = 120..180, y 40..140.
        double[] r = TileGeometry.boxOnThumbnail(item(400, 200, 6), new BoundingBox(40, 20, 100, 60), 128, 256,
                50, 0, 100, 200);
        assertArrayEquals(new double[] {50 + 60, 20, 50 + 90, 70}, r, 1e-9);
    }

    @Test
    void withoutACatalogSizeTheStoredSizeComesFromTheTurnedThumbnail() {
        // EXIF 8, unknown size: the 128 x 256 thumbnail is a stored 256 x 128 image; drawn at its own size.
        // Stored box x 0..64, y 0..32 -> display (EXIF 8: X = y, Y = w - x) x 0..32, y 192..256.
        double[] r = TileGeometry.boxOnThumbnail(item(0, 0, 8), new BoundingBox(0, 0, 64, 32), 128, 256,
                0, 0, 128, 256);
        assertArrayEquals(new double[] {0, 192, 32, 256}, r, 1e-9);
    }
}

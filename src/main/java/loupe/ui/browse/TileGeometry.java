package loupe.ui.browse;

import loupe.core.model.BoundingBox;
import loupe.core.query.GalleryItem;
import loupe.ui.viewer.Orientation;

/** Where things fall on a gallery tile; plain arithmetic, kept apart from the tile's JavaFX nodes for testing. */
final class TileGeometry {

    private TileGeometry() {
    }

    /**
     * Where a box (stored-pixel frame) falls on a thumbnail drawn at {@code x, y, w, h}: turned by the item's EXIF
     * orientation as the thumbnail is, then scaled. {@code imageWidth/Height} are the thumbnail's, used when the
     * catalog knows no size. Returns {@code {x0, y0, x1, y1}} in canvas pixels.
     */
    static double[] boxOnThumbnail(GalleryItem item, BoundingBox box, double imageWidth,
                                   double imageHeight, double x, double y, double w, double h) {
        Orientation o = Orientation.of(item.orientation());
        // The stored size: the catalog's, else the thumbnail's turned back.
        double sw = item.width() > 0 ? item.width() : o.swapsAxes() ? imageHeight : imageWidth;
        double sh = item.height() > 0 ? item.height() : o.swapsAxes() ? imageWidth : imageHeight;
        double[] d = o.rectToDisplay(box.x(), box.y(), box.maxX(), box.maxY(), sw, sh);
        double kx = w / o.displayWidth(sw, sh);
        double ky = h / o.displayHeight(sw, sh);
        return new double[] {x + d[0] * kx, y + d[1] * ky, x + d[2] * kx, y + d[3] * ky};
    }
}

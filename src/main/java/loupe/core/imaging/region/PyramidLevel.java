package loupe.core.imaging.region;

/**
 * One resolution of an image: level 0 is the full resolution, further levels are smaller copies stored in the
 * same file (TIFF pyramids). A file without a pyramid has level 0 only.
 *
 * @param index      0 for the full resolution, then increasing as the size decreases
 * @param width      pixels at this level
 * @param height     pixels at this level
 * @param downsample full-resolution pixels per pixel of this level (1 for level 0; for a TIFF pyramid the mean of
 *                   the width and height ratios, e.g. 4.0003 for a 40000-px image whose level is 9999 px wide)
 * @param tileWidth  width of the grid that {@link ImageSource#readTile} and the tile cache use at this level: the
 *                   file's own tile width when the level is stored in tiles, else a virtual tile width
 * @param tileHeight height of that grid, same rules
 * @param tiled      true when the file stores this level in tiles, so that a region read decodes only the tiles it
 *                   touches; false for strips or baseline JPEG/PNG, where a region read decodes the rows above it too
 */
public record PyramidLevel(int index, int width, int height, double downsample, int tileWidth, int tileHeight,
                           boolean tiled) {

    /**
     * The level to read a downsample from: the coarsest level that still has at least the requested resolution
     * (never a coarser one, which would have to be upscaled).
     *
     * @param levels     a source's levels, level 0 first
     * @param downsample full-resolution pixels per output pixel
     */
    public static PyramidLevel forDownsample(java.util.List<PyramidLevel> levels, double downsample) {
        PyramidLevel best = levels.get(0);
        for (PyramidLevel level : levels) {
            if (level.downsample() <= downsample * (1 + 1e-6) && level.downsample() > best.downsample()) {
                best = level;
            }
        }
        return best;
    }

    /** Number of tile columns at this level. */
    public int columns() {
        return (width + tileWidth - 1) / tileWidth;
    }

    /** Number of tile rows at this level. */
    public int rows() {
        return (height + tileHeight - 1) / tileHeight;
    }
}

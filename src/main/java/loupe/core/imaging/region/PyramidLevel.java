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

    /**
     * The pixel rectangle, in level {@code levelIndex}'s own pixels, of tile ({@code column}, {@code row}), clipped at the level's right and bottom edges.
     *
     * @throws IllegalArgumentException when the level or the tile does not exist
     */
    static java.awt.Rectangle tileRectangle(java.util.List<PyramidLevel> levels, int levelIndex, int column,
                                            int row) {
        if (levelIndex < 0 || levelIndex >= levels.size()) {
            throw new IllegalArgumentException("level " + levelIndex + " out of range 0.." + (levels.size() - 1));
        }
        PyramidLevel level = levels.get(levelIndex);
        if (column < 0 || row < 0 || column >= level.columns() || row >= level.rows()) {
            throw new IllegalArgumentException("tile " + column + "," + row + " out of range at level " + levelIndex
                    + " (" + level.columns() + "x" + level.rows() + " tiles)");
        }
        int x = column * level.tileWidth();
        int y = row * level.tileHeight();
        return new java.awt.Rectangle(x, y, Math.min(level.tileWidth(), level.width() - x),
                Math.min(level.tileHeight(), level.height() - y));
    }
}

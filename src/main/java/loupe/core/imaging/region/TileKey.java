package loupe.core.imaging.region;

/**
 * One tile of one pyramid level of one file, addressed by integers: a double downsample would make two keys for
 * the same tile after rounding (QuPath's {@code TileRequest} gives the same reason).
 *
 * @param sourceId {@link ImageSource#id()} of the file
 * @param level    {@link PyramidLevel#index()}
 * @param column   tile column, 0 at the left
 * @param row      tile row, 0 at the top
 */
public record TileKey(String sourceId, int level, int column, int row) {
}

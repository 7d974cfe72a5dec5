package loupe.core.stats;

import java.util.List;

/**
 * Where box centres lie, normalised to the image size: the image is cut into {@code grid x grid} cells
 * and {@code counts.get(row).get(column)} is the number of box centres in the cell at that row (from the top)
 * and column (from the left). Centres outside the image are clamped into the nearest edge cell. Only boxes
 * of positive size on images of known size count.
 *
 * @param grid   cells per side
 * @param boxes  boxes counted
 * @param counts rows of columns, {@code grid x grid}
 */
public record Heatmap(int grid, long boxes, List<List<Long>> counts) {
}

/**
 * Statistics computed in the catalog with SQL: class counts and shares per split, imbalance metrics, split
 * shift, box geometry (size histograms, COCO size categories, centre heatmap, boxes per image), image sizes,
 * formats and file sizes, and problem counts. {@link loupe.core.stats.Statistics} is the entry point;
 * {@link loupe.core.stats.DatasetStats} is what {@code loupe stats --json} prints.
 */
package loupe.core.stats;

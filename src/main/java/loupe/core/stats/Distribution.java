package loupe.core.stats;

/**
 * A summary of a numeric column: count, min, median, mean and max. All values are null when count is 0.
 *
 * @param count  values summarised
 * @param min    smallest value
 * @param median the median (interpolated between the two middle values)
 * @param mean   the arithmetic mean
 * @param max    largest value
 */
public record Distribution(long count, Double min, Double median, Double mean, Double max) {
}

package loupe.core.stats;

/**
 * How different the class mix of a split is from another split or from the whole dataset: the total
 * variation distance of the class shares of instances (half the sum of absolute share differences;
 * 0 = identical mix, 1 = no class in common).
 *
 * @param split              the split compared
 * @param reference          the other split, or {@code "all"} for the whole dataset
 * @param totalVariation     the distance, or null when either side has no instances
 * @param largestClassId     the class whose share differs most, or null
 * @param largestClass       its name, or null
 * @param largestDifference  its share in {@code split} minus its share in {@code reference}
 */
public record SplitShift(String split, String reference, Double totalVariation, Integer largestClassId,
                         String largestClass, Double largestDifference) {
}

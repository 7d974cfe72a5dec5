package loupe.core.curation;

import java.util.List;

/**
 * What a recipe makes of a dataset, computed without writing anything: the class distribution per split of
 * the source ({@code before}) and of the result ({@code after}), how many images and annotations each step
 * left, and remarks (names the dataset does not have, rules skipped).
 *
 * <p>In {@code after}, counts include the repeats that oversampling adds: an image repeated three times counts
 * three images and three times its annotations ({@link SplitCounts#distinctImages} counts it once).
 *
 * @param steps   the funnel: images and annotations left after each step, in order
 * @param classes the classes of the result (ids as written, names after relabelling)
 */
public record Preview(List<SplitCounts> before, List<SplitCounts> after, List<Step> steps,
                      List<ClassEntry> classes, List<String> notes) {

    public Preview {
        before = List.copyOf(before);
        after = List.copyOf(after);
        steps = List.copyOf(steps);
        classes = List.copyOf(classes);
        notes = List.copyOf(notes);
    }

    /** A class of the result. */
    public record ClassEntry(int id, String name) {
    }

    /**
     * One class in one split.
     *
     * @param images    images having at least one annotation of the class
     * @param instances annotations of the class
     */
    public record ClassCount(int id, String name, long images, long instances) {
    }

    /**
     * One split; {@code split} is null for images without one.
     *
     * @param images         images, repeats included
     * @param distinctImages images, each counted once
     * @param annotations    annotations, repeats included
     */
    public record SplitCounts(String split, long images, long distinctImages, long annotations,
                              List<ClassCount> classes) {

        public SplitCounts {
            classes = List.copyOf(classes);
        }
    }

    /** Images and annotations left after a step ("source", "filter", "labels", "balance", "split", ...). */
    public record Step(String name, long images, long annotations) {
    }

    /** Total images of the result, repeats included. */
    public long imagesAfter() {
        return after.stream().mapToLong(SplitCounts::images).sum();
    }

    /** Total distinct images of the result. */
    public long distinctImagesAfter() {
        return after.stream().mapToLong(SplitCounts::distinctImages).sum();
    }

    /** Total annotations of the result, repeats included. */
    public long annotationsAfter() {
        return after.stream().mapToLong(SplitCounts::annotations).sum();
    }

    /** The counts of one split of the result (null split for "no split"), or null when absent. */
    public SplitCounts after(String split) {
        return after.stream().filter(s -> java.util.Objects.equals(s.split(), split)).findFirst().orElse(null);
    }

    /** The counts of one split of the source, or null when absent. */
    public SplitCounts before(String split) {
        return before.stream().filter(s -> java.util.Objects.equals(s.split(), split)).findFirst().orElse(null);
    }
}

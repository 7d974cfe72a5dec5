package loupe.core.stats;

import java.util.List;

/**
 * Counts of an indexed dataset, overall or for one split. This is what {@code loupe stats --json} prints;
 * field names are part of the CLI's contract.
 *
 * @param root        the dataset root, absolute
 * @param format      the format id
 * @param split       the split these counts are for, or null for the whole dataset
 * @param images      images (declared by the format, including missing files)
 * @param annotations annotations (boxes, polygons and image-level labels)
 * @param classes     every class the dataset defines, with its counts (zero when unused), by id
 * @param splits      per-split counts (empty when the layout has no splits)
 * @param problems    the problems, most severe first
 */
public record DatasetStats(String root, String format, String split, long images, long annotations,
                           List<ClassCount> classes, List<SplitCount> splits, List<ProblemEntry> problems) {

    /** A class with its instances (annotations) and the number of distinct images that have it. */
    public record ClassCount(int id, String name, long instances, long images) {
    }

    /** One split's counts; {@code classes} as in the dataset, with this split's counts. */
    public record SplitCount(String name, long images, long annotations, List<ClassCount> classes) {
    }

    /** A problem as printed: severity, kind, path, location and message. */
    public record ProblemEntry(String severity, String kind, String path, String location, String message) {
    }
}

package loupe.core.stats;

import java.util.List;

/**
 * Statistics of an indexed dataset, overall or for one split. This is what {@code loupe stats --json} prints;
 * field names are part of the CLI's contract (the first eight came first and never change; later ones are
 * only added).
 *
 * @param root           the dataset root, absolute
 * @param format         the format id
 * @param split          the split these counts are for, or null for the whole dataset
 * @param images         images (declared by the format, including missing files)
 * @param annotations    annotations (boxes, polygons and image-level labels)
 * @param classes        every class the dataset defines, with its counts (zero when unused), by id
 * @param splits         per-split counts (empty when the layout has no splits)
 * @param problems       the problems, most severe first, at most the number asked for
 * @param problemCount   all problems in scope (also those not listed)
 * @param problemsByKind problems per kind in scope, most severe first, then by count
 * @param classShares    every class's share of the instances and of the images, by id
 * @param imbalance      imbalance metrics over the instances per class
 * @param fewSamples     the threshold and the classes with fewer instances than it (unused classes included)
 * @param splitShift     how the class mix differs between every two splits and between each split and the
 *                       whole dataset (empty without splits or with a split selected)
 * @param boxes          box geometry
 * @param imagesSummary  image sizes, formats and files
 */
public record DatasetStats(String root, String format, String split, long images, long annotations,
                           List<ClassCount> classes, List<SplitCount> splits, List<ProblemEntry> problems,
                           long problemCount, List<KindCount> problemsByKind, List<ClassShare> classShares,
                           Imbalance imbalance, FewSamples fewSamples, List<SplitShift> splitShift,
                           BoxStats boxes, ImageSummary imagesSummary) {

    /** A class with its instances (annotations) and the number of distinct images that have it. */
    public record ClassCount(int id, String name, long instances, long images) {
    }

    /**
     * One split's counts; {@code classes} as in the dataset, with this split's counts; its imbalance metrics
     * and the classes that have instances in the dataset but none in this split.
     */
    public record SplitCount(String name, long images, long annotations, List<ClassCount> classes,
                             Imbalance imbalance, List<ClassRef> absentClasses) {
    }

    /** A problem as printed: severity, kind, path, location and message. */
    public record ProblemEntry(String severity, String kind, String path, String location, String message) {
    }

    /** How many problems of one kind (and severity) there are. */
    public record KindCount(String severity, String kind, long count) {
    }

    /** A class, by id and name. */
    public record ClassRef(int id, String name) {
    }

    /**
     * A class's share: {@code instanceShare} of all instances in scope (0..1), and {@code imageShare}, the
     * fraction of images in scope that contain it.
     */
    public record ClassShare(int id, String name, double instanceShare, double imageShare) {
    }

    /** Classes with fewer than {@code threshold} instances, fewest first, then by id. */
    public record FewSamples(int threshold, List<ClassCount> classes) {
    }
}

package loupe.cli;

import java.nio.file.Path;

import loupe.core.index.CatalogLocation;
import loupe.core.index.IndexOptions;
import picocli.CommandLine.Option;

/** Options shared by every command that reads a dataset through its catalog. */
final class CatalogOptions {

    @Option(names = "--catalog", paramLabel = "PATH",
            description = "Catalog file (default: a per-user cache folder keyed by the dataset's path).")
    Path catalog;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads for listing, headers and parsing (default: ${DEFAULT-VALUE}).")
    int threads = IndexOptions.defaultThreads();

    @Option(names = {"--format", "--from"}, paramLabel = "FORMAT", completionCandidates = FormatIds.class,
            description = "Dataset format instead of auto-detection: ${COMPLETION-CANDIDATES}.")
    String format;

    @Option(names = "--max-pixels", paramLabel = "N", converter = PositiveLong.class,
            description = "Report images with more pixels than N (default: the catalog's last value, else "
                    + IndexOptions.DEFAULT_MAX_PIXELS + ", PIL's decompression-bomb limit).")
    Long maxPixels;

    @Option(names = "--hashes",
            description = "Also hash every image to find exact and near duplicates and images shared between splits"
                    + " (reads each image once; re-runs read only changed files; stays on for this catalog).")
    boolean hashes;

    @Option(names = "--near-distance", paramLabel = "BITS", converter = NearDistance.class,
            description = "Near duplicates differ in at most BITS of 64 dHash bits, 0..16 (default: the catalog's"
                    + " last value, else " + IndexOptions.DEFAULT_NEAR_DISTANCE + ").")
    Integer nearDistance;

    @Option(names = "--deep",
            description = "Also decode every image fully to find damage the header check misses (slow; cached;"
                    + " stays on for this catalog).")
    boolean deep;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    /** A whole number of at least 1 (a usage error otherwise). */
    static final class PositiveLong implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n;
            try {
                n = Long.parseLong(value.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new picocli.CommandLine.TypeConversionException("must be at least 1, got " + value);
            }
            return n;
        }
    }

    /** 0..16 bits of 64 (a usage error otherwise). */
    static final class NearDistance implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 0 || n > 16) {
                throw new picocli.CommandLine.TypeConversionException("must be 0..16 bits, got " + value);
            }
            return n;
        }
    }

    /** The format ids, for help texts: picocli lists them where ${COMPLETION-CANDIDATES} stands. */
    static final class FormatIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return loupe.core.formats.Formats.ids().iterator();
        }
    }

    /**
     * True when an option asks for something the last index may not have done (content hashes, full decodes,
     * another near-duplicate distance, pixel budget or format): commands that read an existing catalog
     * re-index (incrementally) first then.
     */
    boolean changesIndex() {
        return hashes || deep || nearDistance != null || maxPixels != null || format != null;
    }

    Path catalogFor(Path root) {
        return catalog != null ? catalog : CatalogLocation.defaultFor(root);
    }

    IndexOptions indexOptions() {
        return new IndexOptions(threads, format, maxPixels == null ? 0 : maxPixels, hashes, deep,
                nearDistance == null ? -1 : nearDistance);
    }
}

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

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Dataset format instead of auto-detection: coco, yolo, voc, tfod-csv, kitti, createml, "
                    + "openimages, coco-results, folders.")
    String format;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    Path catalogFor(Path root) {
        return catalog != null ? catalog : CatalogLocation.defaultFor(root);
    }

    IndexOptions indexOptions() {
        return new IndexOptions(threads, format);
    }
}

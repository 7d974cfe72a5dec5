package loupe.core.formats;

import java.io.IOException;

/**
 * One annotation format. Implementations are stateless and thread-safe; {@link Formats} lists them.
 */
public interface DatasetFormat {

    /** The id used on the command line: "coco", "yolo", "voc", "folders". */
    String id();

    /** A human name: "COCO JSON". */
    String displayName();

    /**
     * How well this format matches a dataset. Cheap: it looks at the listing and reads at most a few small
     * files (or the first bytes of a big one). It changes nothing.
     */
    Support probe(FileListing files, java.nio.file.Path root) throws IOException;

    /** A reader for a dataset in this format. */
    DatasetReader reader();

    /**
     * True when the reader calls {@link ReadContext#header} (YOLO converts normalised boxes with the image
     * size). The indexer then loads cached headers before reading; other formats skip that cost.
     */
    default boolean needsImageHeaders() {
        return false;
    }

    /** A writer for this format, or empty when Loupe only reads it. */
    default java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.empty();
    }
}

package loupe.core.formats;

import java.io.IOException;

/**
 * Reads a dataset into a {@link DatasetSink}.
 *
 * <p>A reader does two kinds of work. Cheap, dataset-level work (which images exist and in which split,
 * class lists from small files) goes straight to {@link ReadContext#sink()} and is redone on every index.
 * Parsing of annotation files goes through {@link ReadContext#parseUnits}, which runs the units in
 * parallel and, on a re-index, skips units whose files did not change (their earlier results are kept).
 * Everything a unit emits must depend only on that unit's files.
 *
 * <p>Readers stream: a bad record becomes a {@link loupe.core.model.Problem} and reading goes on. Checks
 * that need the whole dataset (missing images, unknown class ids, boxes outside the image, images without
 * annotations) are made by the indexer, not by readers.
 */
public interface DatasetReader {

    void read(ReadContext context) throws IOException;
}

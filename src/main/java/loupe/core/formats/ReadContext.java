package loupe.core.formats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import loupe.core.imaging.ImageHeader;
import loupe.core.task.Progress;

/**
 * What a {@link DatasetReader} gets to work with. Provided by the indexer (parallel, incremental) or by
 * {@link DatasetLoader} (simple, in memory, for tests and small jobs).
 */
public interface ReadContext {

    /** The dataset root, absolute and normalised. */
    Path root();

    /** Every regular file under the root, as relative paths. */
    FileListing files();

    /** Where dataset-level findings go; redone on every index. */
    DatasetSink sink();

    /**
     * Parses units, in parallel where the context can, skipping units unchanged since the last index. Returns
     * when all are done. A unit whose parser throws gets a {@code MALFORMED_ANNOTATION} problem.
     */
    void parseUnits(List<Unit> units, UnitParser parser) throws IOException;

    /**
     * The header of an image file (size without decoding), or null when the path is not a readable image.
     * Cached: cheap to call again for the same path.
     */
    ImageHeader header(String relativePath);

    Progress progress();
}

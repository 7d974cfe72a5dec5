package loupe.core.formats;

import java.io.IOException;

/**
 * Writes a dataset in one format. Stateless and thread-safe; {@link DatasetFormat#writer()} gives one.
 *
 * <p>A writer writes into {@link WriteTarget#root()}, an empty folder that the caller renames into place
 * only when the write succeeded (so a failed or cancelled write leaves nothing behind). It converts from the
 * pixel contract of {@link loupe.core.model.BoundingBox} at its own boundary, and it reports through
 * {@link WriteTarget#report()} everything the format cannot hold (polygons kept as boxes only, attributes
 * dropped, class ids remapped): nothing is lost silently.
 */
public interface DatasetWriter {

    void write(DatasetSource source, WriteTarget target) throws IOException;
}

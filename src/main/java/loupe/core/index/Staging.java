package loupe.core.index;

import java.sql.SQLException;

import loupe.core.imaging.ImageHeader;
import loupe.core.model.Annotation;
import loupe.core.model.Problem;

/**
 * Where an index run puts what it finds, tagged with the unit it came from ("" for dataset-level findings):
 * the catalog's staging tables ({@link Catalog.Stage}), or memory for a conversion that needs no catalog
 * ({@link MemoryIndex.Collector}). Implementations are thread-safe: parser threads call them concurrently, and
 * the order of calls is the order a reader emitted in (what the catalog's row order keeps).
 */
interface Staging {

    void file(String path, long size, long mtime) throws SQLException;

    void header(String path, long size, long mtime, ImageHeader header, String error) throws SQLException;

    void unit(String key, long fingerprint, boolean kept) throws SQLException;

    void image(String unit, String path, String split, int declaredWidth, int declaredHeight) throws SQLException;

    void classLabel(String unit, int id, String name) throws SQLException;

    void annotation(String unit, Annotation annotation) throws SQLException;

    void problem(String unit, Problem problem) throws SQLException;

    /** Makes what was staged so far durable (a killed run keeps it), where that means anything. */
    void flush() throws SQLException;
}

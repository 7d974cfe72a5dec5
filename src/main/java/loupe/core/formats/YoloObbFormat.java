package loupe.core.formats;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code yolo-obb}: the YOLO layout written with oriented-box lines ({@code class x1 y1 x2 y2 x3 y3 x4 y4},
 * Ultralytics OBB). A target only: reading needs no separate id, since {@link YoloFormat} reads OBB lines as
 * 4-point polygons, so this format never claims a dataset on detection.
 */
public final class YoloObbFormat implements DatasetFormat {

    private final YoloFormat yolo = new YoloFormat();

    @Override
    public String id() {
        return "yolo-obb";
    }

    @Override
    public String displayName() {
        return "YOLO OBB";
    }

    @Override
    public Support probe(FileListing files, Path root) {
        return Support.none("yolo-obb is a write target; YOLO OBB datasets are read as yolo");
    }

    @Override
    public DatasetReader reader() {
        return yolo.reader();
    }

    @Override
    public boolean needsImageHeaders() {
        return true;
    }

    @Override
    public Optional<DatasetWriter> writer() {
        return Optional.of(new YoloWriter(true));
    }
}

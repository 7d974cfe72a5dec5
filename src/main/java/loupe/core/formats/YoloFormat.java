package loupe.core.formats;

import java.nio.file.Path;

/** YOLO. NOTE: placeholder until the reader lands. */
public final class YoloFormat implements DatasetFormat {

    @Override
    public String id() {
        return "yolo";
    }

    @Override
    public String displayName() {
        return "YOLO";
    }

    @Override
    public Support probe(FileListing files, Path root) {
        return Support.none("not implemented yet");
    }

    @Override
    public DatasetReader reader() {
        return context -> {
            throw new UnsupportedOperationException("yolo reader not implemented yet");
        };
    }
}

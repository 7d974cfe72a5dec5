package loupe.core.formats;

import java.nio.file.Path;

/** COCO JSON. NOTE: placeholder until the reader lands. */
public final class CocoFormat implements DatasetFormat {

    @Override
    public String id() {
        return "coco";
    }

    @Override
    public String displayName() {
        return "COCO JSON";
    }

    @Override
    public Support probe(FileListing files, Path root) {
        return Support.none("not implemented yet");
    }

    @Override
    public DatasetReader reader() {
        return context -> {
            throw new UnsupportedOperationException("coco reader not implemented yet");
        };
    }
}

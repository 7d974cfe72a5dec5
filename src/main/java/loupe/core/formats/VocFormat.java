package loupe.core.formats;

import java.nio.file.Path;

/** Pascal VOC XML. NOTE: placeholder until the reader lands. */
public final class VocFormat implements DatasetFormat {

    @Override
    public String id() {
        return "voc";
    }

    @Override
    public String displayName() {
        return "Pascal VOC XML";
    }

    @Override
    public Support probe(FileListing files, Path root) {
        return Support.none("not implemented yet");
    }

    @Override
    public DatasetReader reader() {
        return context -> {
            throw new UnsupportedOperationException("voc reader not implemented yet");
        };
    }
}

package loupe.core.formats;

import java.nio.file.Path;

/** Class folders. NOTE: placeholder until the reader lands. */
public final class ClassFoldersFormat implements DatasetFormat {

    @Override
    public String id() {
        return "folders";
    }

    @Override
    public String displayName() {
        return "Class folders";
    }

    @Override
    public Support probe(FileListing files, Path root) {
        return Support.none("not implemented yet");
    }

    @Override
    public DatasetReader reader() {
        return context -> {
            throw new UnsupportedOperationException("folders reader not implemented yet");
        };
    }
}

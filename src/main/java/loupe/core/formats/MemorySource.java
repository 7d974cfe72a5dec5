package loupe.core.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import loupe.core.imaging.ImageHeader;
import loupe.core.imaging.ImageHeaders;
import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.ImageRef;

/** {@link DatasetSource} over a {@link DatasetLoader.Result}, for tests and small datasets. */
final class MemorySource implements DatasetSource {

    private final DatasetLoader.Result result;

    MemorySource(DatasetLoader.Result result) {
        this.result = result;
    }

    @Override
    public Path root() {
        return result.root();
    }

    @Override
    public List<ClassLabel> classes() {
        List<ClassLabel> classes = new ArrayList<>(result.sink().classes());
        classes.sort(Comparator.comparingInt(ClassLabel::id));
        return classes;
    }

    @Override
    public long imageCount() {
        return result.sink().images().size();
    }

    @Override
    public void forEachImage(ImageVisitor visitor) throws IOException {
        Map<String, List<Annotation>> byImage = new HashMap<>();
        for (Annotation a : result.sink().annotations()) {
            byImage.computeIfAbsent(a.imagePath(), k -> new ArrayList<>()).add(a);
        }
        List<ImageRef> images = new ArrayList<>(result.sink().images());
        images.sort(Comparator.comparing(ImageRef::path));
        for (ImageRef ref : images) {
            Path file = result.root().resolve(ref.path());
            long size = -1;
            long mtime = -1;
            int width = ref.declaredWidth();
            int height = ref.declaredHeight();
            String format = null;
            if (Files.isRegularFile(file)) {
                size = Files.size(file);
                mtime = Files.getLastModifiedTime(file).toMillis();
                try {
                    ImageHeader header = ImageHeaders.read(file);
                    width = header.width();
                    height = header.height();
                    format = header.format();
                } catch (IOException e) {
                    // Unreadable image: keep the declared size; the audit reports it.
                }
            }
            visitor.visit(new ImageItem(ref.path(), size, mtime, width, height, format, ref.split()),
                    byImage.getOrDefault(ref.path(), List.of()));
        }
    }
}

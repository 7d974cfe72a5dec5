package loupe.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import loupe.core.formats.DatasetSource;
import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;

/** A source over explicit images (real files under root, or none) and annotations, visited in path order. */
public record ListSource(Path root, List<ClassLabel> classes, Map<ImageItem, List<Annotation>> images)
        implements DatasetSource {

    @Override
    public long imageCount() {
        return images.size();
    }

    @Override
    public void forEachImage(ImageVisitor visitor) throws IOException {
        List<ImageItem> sorted = new ArrayList<>(images.keySet());
        sorted.sort(Comparator.comparing(ImageItem::path));
        for (ImageItem i : sorted) {
            visitor.visit(i, images.get(i));
        }
    }
}

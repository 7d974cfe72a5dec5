package loupe.core.formats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;

/** A {@link DatasetSink} that keeps everything in memory, merging image declarations. Thread-safe. */
public final class CollectingSink implements DatasetSink {

    private final Map<Integer, ClassLabel> classes = new LinkedHashMap<>();
    private final Map<String, ImageRef> images = new LinkedHashMap<>();
    private final List<Annotation> annotations = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    @Override
    public synchronized void classLabel(ClassLabel label) {
        classes.putIfAbsent(label.id(), label);
    }

    @Override
    public synchronized void image(ImageRef image) {
        images.merge(image.path(), image, CollectingSink::merge);
    }

    /** Merges two declarations of the same image: non-null split and non-zero sizes win. */
    public static ImageRef merge(ImageRef a, ImageRef b) {
        return new ImageRef(a.path(), a.split() != null ? a.split() : b.split(),
                a.declaredWidth() != 0 ? a.declaredWidth() : b.declaredWidth(),
                a.declaredHeight() != 0 ? a.declaredHeight() : b.declaredHeight());
    }

    @Override
    public synchronized void annotation(Annotation annotation) {
        annotations.add(annotation);
    }

    @Override
    public synchronized void problem(Problem problem) {
        problems.add(problem);
    }

    public synchronized List<ClassLabel> classes() {
        return List.copyOf(classes.values());
    }

    public synchronized List<ImageRef> images() {
        return List.copyOf(images.values());
    }

    public synchronized List<Annotation> annotations() {
        return List.copyOf(annotations);
    }

    public synchronized List<Problem> problems() {
        return List.copyOf(problems);
    }
}

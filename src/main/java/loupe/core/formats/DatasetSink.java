package loupe.core.formats;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;

/**
 * Receives what a reader finds. Implementations are thread-safe. The same image may be declared more than
 * once (e.g. by a split list and by its annotation file): declarations are merged, a non-null split and
 * non-zero declared sizes win. The same class id declared twice keeps the first name.
 */
public interface DatasetSink {

    void classLabel(ClassLabel label);

    void image(ImageRef image);

    void annotation(Annotation annotation);

    void problem(Problem problem);
}

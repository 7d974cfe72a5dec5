package loupe.ui.viewer;

import java.util.List;
import java.util.Map;

import loupe.core.model.Annotation;
import loupe.core.model.Problem;

/**
 * What the catalog knows about one image.
 *
 * @param annotations its annotations, boxes and polygons in the stored-pixel frame
 * @param problems    problems reported on the image file
 * @param classNames  names of the dataset's classes by id (ids without a name show as "class N")
 */
public record ImageAnnotations(List<Annotation> annotations, List<Problem> problems, Map<Integer, String> classNames) {

    public static final ImageAnnotations EMPTY = new ImageAnnotations(List.of(), List.of(), Map.of());

    public ImageAnnotations {
        annotations = List.copyOf(annotations);
        problems = List.copyOf(problems);
        classNames = Map.copyOf(classNames);
    }

    public String className(int classId) {
        String name = classNames.get(classId);
        return name != null ? name : "class " + classId;
    }
}

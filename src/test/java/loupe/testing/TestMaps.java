package loupe.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import loupe.core.formats.CollectingSink;
import loupe.core.formats.ConversionReport;
import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;

/** Read results and reports as maps, so tests can compare them whatever the emission order. */
public final class TestMaps {

    private TestMaps() {
    }

    /** Each loss kind of the report with its count. */
    public static Map<String, Long> lossCounts(ConversionReport report) {
        return report.losses().stream().collect(Collectors.toMap(ConversionReport.Loss::kind,
                ConversionReport.Loss::count));
    }

    /** Class name by class id. */
    public static Map<Integer, String> classNamesById(List<ClassLabel> classes) {
        return classes.stream().collect(Collectors.toMap(ClassLabel::id, ClassLabel::name));
    }

    /** The annotations of each image path. */
    public static Map<String, List<Annotation>> annotationsByImage(List<Annotation> annotations) {
        return annotations.stream().collect(Collectors.groupingBy(Annotation::imagePath));
    }

    /** The annotations the sink received for {@code image}, in emission order. */
    public static List<Annotation> annotationsOf(CollectingSink sink, String image) {
        return sink.annotations().stream().filter(a -> a.imagePath().equals(image)).collect(Collectors.toList());
    }

    /** The split of each image the sink received, as text ("null" for an image without a split). */
    public static Map<String, String> splitsByImage(CollectingSink sink) {
        Map<String, String> result = new HashMap<>();
        sink.images().forEach(i -> result.put(i.path(), String.valueOf(i.split())));
        return result;
    }
}

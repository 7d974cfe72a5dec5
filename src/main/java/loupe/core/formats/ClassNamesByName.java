package loupe.core.formats;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import loupe.core.model.ClassLabel;

/**
 * The class names a writer writes for a format that identifies classes by name (VOC, TFOD CSV, KITTI): each
 * source name made writable by the format's own cleaning, {@code class_<id>} when nothing is left, and classes
 * whose written names coincide merged (which the report records as a loss).
 *
 * @param nameOfId the name written for each source class id
 * @param ordered  the distinct names written, in the order of the first class with each
 */
record ClassNamesByName(Map<Integer, String> nameOfId, List<String> ordered) {

    /**
     * Names the classes and tells the report: a note for each renamed class, a loss for each merged one, and
     * {@code className} for each class.
     *
     * @param clean        what the format makes of a source name (null names arrive as "")
     * @param format       the format's name in the merge message ("VOC")
     * @param renameReason why a name was changed, for the note ("KITTI's fields are separated by whitespace")
     * @param firstId      when not null, the id a reader gives the first name written (the next ones follow in
     *                     order), reported as each class's {@code mapping}; when null, no mapping is reported
     */
    static ClassNamesByName of(List<ClassLabel> classes, UnaryOperator<String> clean, String format,
                               String renameReason, Integer firstId, ConversionReport report) {
        Map<Integer, String> nameOfId = new HashMap<>();
        Map<String, Integer> written = new LinkedHashMap<>();
        for (ClassLabel c : classes) {
            String original = c.name() == null ? "" : c.name();
            String name = clean.apply(original);
            if (name.isEmpty()) {
                name = "class_" + c.id();
            }
            if (!name.equals(original)) {
                report.note("class " + c.id() + " '" + original + "' is written as '" + name + "' (" + renameReason
                        + ")");
            }
            Integer id = written.get(name);
            if (id == null) {
                id = (firstId == null ? 0 : firstId) + written.size();
                written.put(name, id);
            } else {
                report.loss("duplicate class name", "merged: " + format + " identifies classes by name, so classes"
                        + " with the same name read back as one");
            }
            nameOfId.put(c.id(), name);
            report.className(c.id(), c.name());
            if (firstId != null) {
                report.mapping(c.id(), name, id);
            }
        }
        return new ClassNamesByName(nameOfId, List.copyOf(written.keySet()));
    }
}

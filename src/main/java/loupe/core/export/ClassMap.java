package loupe.core.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.core.formats.ConversionReport;
import loupe.core.formats.DatasetSource;
import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;

/**
 * Renames, merges or drops classes during a conversion ({@code loupe convert --class-map FILE}). The file is
 * either a JSON object {@code {"old name": "new name", "unwanted": null}} or text lines {@code old,new}
 * ({@code old,} drops the class). Classes the map does not name keep their names. Classes renamed to the same
 * name are merged into the one with the lowest source id; a dropped class's annotations are skipped and
 * counted in the report.
 */
public final class ClassMap {

    private final Map<String, String> renames;

    private ClassMap(Map<String, String> renames) {
        this.renames = renames;
    }

    /** Reads a class map file; a malformed file is an IOException saying where. */
    public static ClassMap read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, String> renames = new LinkedHashMap<>();
        if (text.stripLeading().startsWith("{")) {
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(text);
            } catch (IOException e) {
                throw new IOException(file + ": not a valid JSON object: " + e.getMessage(), e);
            }
            json.fields().forEachRemaining(e -> renames.put(e.getKey(),
                    e.getValue().isNull() ? null : e.getValue().asText()));
        } else {
            int line = 0;
            for (String row : text.split("\r?\n")) {
                line++;
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                int comma = row.lastIndexOf(',');
                if (comma < 0) {
                    throw new IOException(file + " line " + line + ": expected 'old name,new name', found '" + row + "'");
                }
                String to = row.substring(comma + 1).strip();
                renames.put(row.substring(0, comma).strip(), to.isEmpty() ? null : to);
            }
        }
        return new ClassMap(renames);
    }

    /** A source whose classes and annotations follow this map; what was renamed, merged or dropped is reported. */
    public DatasetSource apply(DatasetSource source, ConversionReport report) {
        List<ClassLabel> classes = new ArrayList<>();
        Map<Integer, Integer> target = new HashMap<>();
        Set<Integer> dropped = new java.util.HashSet<>();
        Map<String, Integer> idByName = new HashMap<>();
        Set<String> known = source.classes().stream().map(ClassLabel::name).collect(Collectors.toSet());
        for (String name : renames.keySet()) {
            if (!known.contains(name)) {
                report.note("the class map names '" + name + "', which the dataset does not have");
            }
        }
        for (ClassLabel c : source.classes()) {
            if (renames.containsKey(c.name()) && renames.get(c.name()) == null) {
                report.note("class " + c.id() + " '" + c.name() + "' dropped by the class map");
                dropped.add(c.id());
                continue;
            }
            String name = renames.getOrDefault(c.name(), c.name());
            Integer existing = idByName.get(name);
            if (existing != null) {
                target.put(c.id(), existing);
                report.note("class " + c.id() + " '" + c.name() + "' merged into " + existing + " '" + name + "'");
                continue;
            }
            if (!name.equals(c.name())) {
                report.note("class " + c.id() + " '" + c.name() + "' renamed to '" + name + "'");
            }
            idByName.put(name, c.id());
            target.put(c.id(), c.id());
            classes.add(new ClassLabel(c.id(), name));
        }
        List<ClassLabel> mapped = List.copyOf(classes);
        return new DatasetSource() {
            @Override
            public Path root() {
                return source.root();
            }

            @Override
            public List<ClassLabel> classes() {
                return mapped;
            }

            @Override
            public long imageCount() {
                return source.imageCount();
            }

            @Override
            public ShapeCounts shapeCounts() throws IOException {
                // The source's counts (dropped classes included): no second pass, which would report the
                // dropped annotations twice.
                return source.shapeCounts();
            }

            @Override
            public void forEachImage(ImageVisitor visitor) throws IOException {
                source.forEachImage((image, annotations) -> {
                    List<Annotation> kept = new ArrayList<>(annotations.size());
                    for (Annotation a : annotations) {
                        Integer id = target.get(a.classId());
                        if (dropped.contains(a.classId())) {
                            report.loss("class dropped by the class map", "annotation skipped");
                        } else if (id == null || id == a.classId()) {
                            kept.add(a);   // kept as is; an id the class list does not know is the writer's to report
                        } else {
                            kept.add(new Annotation(a.imagePath(), id, a.box(), a.polygons(), a.crowd(),
                                    a.attributes()));
                        }
                    }
                    visitor.visit(image, kept);
                });
            }
        };
    }
}

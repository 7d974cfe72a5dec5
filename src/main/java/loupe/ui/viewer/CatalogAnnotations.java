package loupe.ui.viewer;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.core.index.Catalog;
import loupe.core.index.Polygons;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;

/**
 * Reads one image's annotations (with their polygons, decoded by {@link Polygons}) and problems from an indexed
 * catalog. Three small queries by image path; run it off the FX thread, and not while the catalog is being indexed
 * (the catalog's connection is shared).
 */
public final class CatalogAnnotations implements AnnotationSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Catalog catalog;
    private volatile Map<Integer, String> classNames;

    public CatalogAnnotations(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public ImageAnnotations load(String imagePath) throws IOException {
        List<Annotation> annotations = catalog.query("SELECT class_id, x, y, w, h, polygons, crowd, attributes"
                + " FROM annotations WHERE image_path = ? ORDER BY rowid", rs -> {
                    int classId = rs.getInt(1);
                    double x = rs.getDouble(2);
                    BoundingBox box = rs.wasNull() ? null
                            : new BoundingBox(x, rs.getDouble(3), rs.getDouble(4), rs.getDouble(5));
                    String attributes = rs.getString(8);
                    return new Annotation(imagePath, classId, box, Polygons.decode(rs.getBytes(6)),
                            rs.getBoolean(7), attributes(attributes));
                }, imagePath);
        List<Problem> problems = catalog.query("SELECT severity, kind, path, location, message FROM problems"
                + " WHERE path = ? ORDER BY severity, kind", rs -> new Problem(severity(rs.getString(1)),
                kind(rs.getString(2)), rs.getString(3), nullToEmpty(rs.getString(4)), rs.getString(5)), imagePath);
        return new ImageAnnotations(annotations, problems, classNames());
    }

    private Map<Integer, String> classNames() throws IOException {
        Map<Integer, String> names = classNames;
        if (names == null) {
            names = new HashMap<>();
            for (Object[] row : catalog.query("SELECT id, name FROM classes",
                    rs -> new Object[] {rs.getInt(1), rs.getString(2)})) {
                names.put((Integer) row[0], (String) row[1]);
            }
            classNames = names;
        }
        return names;
    }

    private static Map<String, String> attributes(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> out = new LinkedHashMap<>();
            JSON.readValue(json, MAP).forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        } catch (IOException e) {
            // NOTE: the indexer writes valid JSON; show the raw text rather than lose it if that ever changes.
            return Map.of("attributes", json);
        }
    }

    private static Severity severity(String name) {
        try {
            return Severity.valueOf(name);
        } catch (RuntimeException e) {
            return Severity.WARNING;
        }
    }

    private static ProblemKind kind(String name) {
        try {
            return ProblemKind.valueOf(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

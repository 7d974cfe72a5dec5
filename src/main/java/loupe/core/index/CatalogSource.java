package loupe.core.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import loupe.core.formats.DatasetSource;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;

/**
 * A {@link DatasetSource} streamed from an indexed catalog: one query joins images and annotations in path
 * order, and rows are grouped per image as they arrive, so memory holds one image's annotations at a time.
 * Not thread-safe; uses the catalog's connection.
 */
public final class CatalogSource implements DatasetSource {

    /** Built once: a reader per call to readValue costs more than the parse of a small attribute map. */
    private static final ObjectReader STRING_MAP = new ObjectMapper().readerFor(new TypeReference<Map<String, String>>() {
    });

    private final Catalog catalog;
    private final Path root;

    public CatalogSource(Catalog catalog) throws CatalogException {
        this.catalog = catalog;
        this.root = Path.of(catalog.meta("root").orElseThrow(
                () -> new CatalogException("the catalog holds no index yet", null)));
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ClassLabel> classes() {
        try {
            return catalog.query("SELECT id, name FROM classes ORDER BY id", rs -> new ClassLabel(rs.getInt(1),
                    rs.getString(2)));
        } catch (CatalogException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public long imageCount() {
        try {
            return catalog.queryLong("SELECT count(*) FROM images");
        } catch (CatalogException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public ShapeCounts shapeCounts() throws IOException {
        return catalog.query("SELECT count(*) FILTER (WHERE x IS NOT NULL),"
                + " count(*) FILTER (WHERE x IS NOT NULL AND polygons IS NOT NULL) FROM annotations",
                rs -> new ShapeCounts(rs.getLong(1), rs.getLong(2))).get(0);
    }

    @Override
    public void forEachImage(ImageVisitor visitor) throws IOException {
        List<Annotation> annotations = new ArrayList<>();
        ImageItem[] current = {null};
        catalog.forEachRow("SELECT i.path, coalesce(i.size, -1), coalesce(i.mtime, -1), coalesce(i.width, 0),"
                + " coalesce(i.height, 0), i.format, i.split, a.class_id, a.x, a.y, a.w, a.h, a.polygons, a.crowd,"
                + " a.attributes FROM images i LEFT JOIN annotations a ON a.image_path = i.path"
                + " ORDER BY i.path, a.rowid", rs -> {
                    String path = rs.getString(1);
                    if (current[0] == null || !current[0].path().equals(path)) {
                        if (current[0] != null) {
                            visitor.visit(current[0], List.copyOf(annotations));
                            annotations.clear();
                        }
                        current[0] = new ImageItem(path, rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                                rs.getString(6), rs.getString(7));
                    }
                    int classId = rs.getInt(8);
                    if (rs.wasNull()) {
                        return;   // an image without annotations
                    }
                    double x = rs.getDouble(9);
                    BoundingBox box = rs.wasNull() ? null
                            : new BoundingBox(x, rs.getDouble(10), rs.getDouble(11), rs.getDouble(12));
                    String attributes = rs.getString(15);
                    annotations.add(new Annotation(path, classId, box, Polygons.decode(rs.getBytes(13)),
                            rs.getBoolean(14), attributes == null ? Map.of() : parse(attributes)));
                });
        if (current[0] != null) {
            visitor.visit(current[0], List.copyOf(annotations));
        }
    }

    private static Map<String, String> parse(String json) throws IOException {
        return STRING_MAP.readValue(json);
    }
}

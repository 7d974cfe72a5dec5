package loupe.ui.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.task.Progress;

class CatalogAnnotationsTest {

    @TempDir
    Path dir;

    @Test
    void loadsOneImagesAnnotationsWithClassNamesFromTheCatalog() throws Exception {
        try (Catalog catalog = Catalog.open(dir.resolve("c.duckdb"))) {
            new Indexer(IndexOptions.defaults()).index(catalog, Path.of("assets", "sample"), Progress.NONE);
            ImageAnnotations loaded = new CatalogAnnotations(catalog).load("images/train/scene_003.jpg");

            // assets/sample/annotations/instances_train.json, image id 3: bboxes [355,123,27,63] (person),
            // [65,173,116,50], [304,182,121,53], [152,195,132,60] (cars), counted with python3's json module.
            Map<String, Long> byClass = loaded.annotations().stream()
                    .collect(Collectors.groupingBy(a -> loaded.className(a.classId()), Collectors.counting()));
            assertEquals(Map.of("car", 3L, "person", 1L), byClass);
            List<BoundingBox> boxes = loaded.annotations().stream().map(Annotation::box).toList();
            assertTrue(boxes.contains(new BoundingBox(355, 123, 27, 63)), boxes.toString());
            assertEquals(List.of(), loaded.problems());
            assertEquals(List.of(), new CatalogAnnotations(catalog).load("images/train/nothing.jpg").annotations());
        }
    }
}

package loupe.core.curation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/** Test helpers: index a fixture, evaluate a recipe, collect the selection. */
final class Curations {

    private Curations() {
    }

    /** What an evaluation selected: image path to (split, class ids of its annotations). */
    record Selected(Preview preview, Map<String, ImageItem> images, Map<String, java.util.List<Integer>> classes,
                    java.util.List<ClassLabel> classList) {
    }

    static Selected evaluate(Path dataset, Path catalogFile, String recipeJson) throws IOException {
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(1, null)).index(catalog, dataset, Progress.NONE);
            try (CurationSession session = CurationSession.open(catalog)) {
                Preview preview = session.evaluate(Recipe.parse(recipeJson, "test.json"), Progress.NONE);
                Map<String, ImageItem> images = new TreeMap<>();
                Map<String, java.util.List<Integer>> classes = new TreeMap<>();
                session.selection().forEachImage((image, annotations) -> {
                    images.put(image.path(), image);
                    classes.put(image.path(), annotations.stream().map(a -> a.classId()).sorted().toList());
                });
                return new Selected(preview, images, classes, session.selection().classes());
            }
        }
    }
}

package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;

class ClassFoldersFormatTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ shared samples

    @Test
    void readsDatumaroImagenetFlatTreeWithClassFromFirstFolder() throws IOException {
        Path root = sample("datumaro", "imagenet_folders", "flat");
        CollectingSink sink = DatasetLoader.load(root, new ClassFoldersFormat()).sink();

        // `find flat -type f`: label_0/label_0_1.jpg, label_0_2.jpg (in the root), label_1/label_1_1.jpg and
        // label_1/label_1_1/label_1_1.jpg (one folder deeper: still class label_1, the first-level folder).
        assertEquals(List.of(new ClassLabel(0, "label_0"), new ClassLabel(1, "label_1")), sink.classes());
        assertEquals(4, sink.images().size());
        assertTrue(sink.images().stream().allMatch(i -> i.split() == null));
        assertEquals(Map.of("label_0/label_0_1.jpg", 0, "label_1/label_1_1.jpg", 1,
                "label_1/label_1_1/label_1_1.jpg", 1), labels(sink));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsDatumaroImagenetSubsetsWithSplitFolders() throws IOException {
        Path root = sample("datumaro", "imagenet_folders", "subsets");
        CollectingSink sink = DatasetLoader.load(root, new ClassFoldersFormat()).sink();

        // `find subsets -type f`: the flat tree above, once under each of test/, train/, val/: 12 images,
        // 9 of them in a class folder.
        assertEquals(List.of(new ClassLabel(0, "label_0"), new ClassLabel(1, "label_1")), sink.classes());
        assertEquals(12, sink.images().size());
        assertEquals(9, sink.annotations().size());
        Map<String, Long> perSplit = new HashMap<>();
        sink.images().forEach(i -> perSplit.merge(i.split(), 1L, Long::sum));
        assertEquals(Map.of("test", 4L, "train", 4L, "val", 4L), perSplit);
        assertEquals(1, labels(sink).get("val/label_1/label_1_1/label_1_1.jpg"));
        assertNull(labels(sink).get("train/label_0_2.jpg"));
    }

    @Test
    void probeRecognisesTreesOnlyAsWeakFallbackAndRejectsOtherFormats() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SAMPLES));
        ClassFoldersFormat folders = new ClassFoldersFormat();
        assertEquals(0.3, probe(folders, SAMPLES.resolve("datumaro/imagenet_folders/subsets")).confidence(), 1e-9);
        for (String other : List.of("raccoon", "datumaro/voc/voc_dataset1", "datumaro/coco/coco_instances",
                "datumaro/yolo_darknet", "datumaro/kaggle_relaxed/relaxed_yolo", "datumaro/camvid",
                "datumaro/kaggle_relaxed/image_mask", "label-studio-converter", "sahi",
                "labelme/semantic_segmentation/data_dataset_voc")) {
            Path root = SAMPLES.resolve(other);
            if (Files.isDirectory(root)) {
                Support s = probe(folders, root);
                assertFalse(s.matches(), other + ": " + s);
            }
        }
    }

    // ------------------------------------------------------------------ generated fixtures

    @Test
    void readsTreeWithoutSplitsAndLeavesRootImagesUnlabelled() throws IOException {
        jpeg("cat/1.jpg");
        jpeg("cat/2.jpg");
        png("dog/1.png");
        jpeg("stray.jpg");
        Files.writeString(dir.resolve("README.md"), "not an image");

        CollectingSink sink = DatasetLoader.load(dir, new ClassFoldersFormat()).sink();

        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "dog")), sink.classes());
        assertEquals(4, sink.images().size());
        assertTrue(sink.images().contains(ImageRef.of("stray.jpg", null)));
        assertEquals(Map.of("cat/1.jpg", 0, "cat/2.jpg", 0, "dog/1.png", 1), labels(sink));
        assertTrue(sink.annotations().stream().allMatch(a -> a.box() == null));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void givesClassesTheSameIdInEverySplit() throws IOException {
        jpeg("train/dog/1.jpg");
        jpeg("train/cat/1.jpg");
        jpeg("Valid/zebra/1.jpg");
        jpeg("Valid/cat/2.jpg");
        jpeg("test/unlabelled.jpg");

        CollectingSink sink = DatasetLoader.load(dir, new ClassFoldersFormat()).sink();

        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "dog"), new ClassLabel(2, "zebra")),
                sink.classes());
        assertEquals(Map.of("train/dog/1.jpg", 1, "train/cat/1.jpg", 0, "Valid/zebra/1.jpg", 2,
                "Valid/cat/2.jpg", 0), labels(sink));
        Map<String, String> splits = new HashMap<>();
        sink.images().forEach(i -> splits.put(i.path(), i.split()));
        assertEquals(Map.of("train/dog/1.jpg", "train", "train/cat/1.jpg", "train", "Valid/zebra/1.jpg", "Valid",
                "Valid/cat/2.jpg", "Valid", "test/unlabelled.jpg", "test"), splits);
    }

    @Test
    void readsNonAsciiAndSpacedClassNamesAndIgnoresHiddenFiles() throws IOException {
        jpeg("chat noir/é 1.jpg");
        jpeg("貓/臉書.jpg");
        jpeg(".thumbnails/x.jpg");
        jpeg("chat noir/.hidden.jpg");
        jpeg("__MACOSX/chat noir/é 1.jpg");

        CollectingSink sink = DatasetLoader.load(dir, new ClassFoldersFormat()).sink();

        assertEquals(List.of(new ClassLabel(0, "chat noir"), new ClassLabel(1, "貓")), sink.classes());
        assertEquals(Map.of("chat noir/é 1.jpg", 0, "貓/臉書.jpg", 1), labels(sink));
        assertEquals(2, sink.images().size());
    }

    @Test
    void probeGivesWeakMatchForTreeAndNothingForAnnotatedOrFlatFolders() throws IOException {
        ClassFoldersFormat folders = new ClassFoldersFormat();
        jpeg("tree/train/cat/1.jpg");
        jpeg("tree/train/dog/1.jpg");
        Support tree = probe(folders, dir.resolve("tree"));
        assertEquals(0.3, tree.confidence(), 1e-9);
        assertTrue(tree.reason().contains("cat, dog"), tree.reason());

        jpeg("coco/images/a.jpg");
        jpeg("coco/other/b.jpg");
        Files.writeString(dir.resolve("coco/instances.json"), "{}");
        assertFalse(probe(folders, dir.resolve("coco")).matches());

        jpeg("yolo/a/1.jpg");
        jpeg("yolo/b/2.jpg");
        Files.writeString(dir.resolve("yolo/a/1.txt"), "0 0.5 0.5 0.1 0.1");
        assertFalse(probe(folders, dir.resolve("yolo")).matches());

        jpeg("flat/1.jpg");
        jpeg("flat/2.jpg");
        jpeg("flat/sub/3.jpg");
        assertFalse(probe(folders, dir.resolve("flat")).matches());

        jpeg("one/cat/1.jpg");
        assertFalse(probe(folders, dir.resolve("one")).matches());

        jpeg("masks/images/1.png");
        jpeg("masks/masks/1.png");
        assertFalse(probe(folders, dir.resolve("masks")).matches());
    }

    // ------------------------------------------------------------------ helpers

    private static Path sample(String... parts) {
        Path p = SAMPLES.resolve(String.join("/", parts));
        Assumptions.assumeTrue(Files.isDirectory(p), "shared sample " + p + " is absent");
        return p;
    }

    private static Support probe(DatasetFormat format, Path root) throws IOException {
        return format.probe(DatasetLoader.list(root), root);
    }

    private static Map<String, Integer> labels(CollectingSink sink) {
        Map<String, Integer> result = new HashMap<>();
        for (Annotation a : sink.annotations()) {
            assertNull(result.put(a.imagePath(), a.classId()), "one label per image: " + a.imagePath());
        }
        return result;
    }

    private void jpeg(String path) throws IOException {
        image(path, "jpg");
    }

    private void png(String path) throws IOException {
        image(path, "png");
    }

    private void image(String path, String format) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }
}

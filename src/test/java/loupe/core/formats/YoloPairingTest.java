package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import loupe.core.task.Progress;

/**
 * Pairing YOLO labels with images without splitting paths, and the probe's pairing reused by the read that
 * follows it.
 */
class YoloPairingTest {

    /** The split-based lookup the pairing used before, as the reference. */
    private static int lastFolderBySplit(String path, Set<String> names) {
        String[] parts = path.split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            if (names.contains(parts[i].toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void lastFolderAgreesWithSplittingThePath() {
        Set<String> images = Set.of("images");
        Set<String> labels = Set.of("labels", "annotations");
        List<String> paths = List.of("a.jpg", "images/a.jpg", "Images/train/a.jpg", "x/IMAGES/y/images/z/a.jpg",
                "images", "images/images", "imagesx/a.jpg", "ximages/a.jpg", "a//images/b.jpg", "/images/a.jpg",
                "İmages/a.jpg", "ımages/a.jpg", "ÍMAGES/a.jpg", "d/Annotations/e/labels/f.txt", "labels.txt",
                "a/b/c/d/e/f/g.txt", "train/LABELS/ü/a.txt", "\u212Aabels/a.txt");
        for (String path : paths) {
            assertEquals(lastFolderBySplit(path, images), YoloReader.lastFolder(path, images), path);
            assertEquals(lastFolderBySplit(path, labels), YoloReader.lastFolder(path, labels), path);
        }
    }

    private static FileListing listing() {
        List<String> files = new ArrayList<>(List.of("data.yaml", "classes.txt", "train.txt", "README.txt",
                "images/train/b.jpg", "images/train/a.jpg", "images/train/a.png", "labels/train/a.txt",
                "labels/train/b.txt", "labels/train/gone.txt", "obj_data/1.jpg", "obj_data/1.txt",
                "obj_data/stray.txt", "Images/val/ü x.jpg", "Labels/val/ü x.txt"));
        for (int i = 0; i < 50; i++) {
            files.add("images/val/" + i + ".jpg");
            files.add("labels/val/" + i + ".txt");
        }
        return FileListing.of(files);
    }

    @Test
    void pairsParallelAndSideBySideLabelsInSortedOrder() {
        FileListing files = listing();
        YoloReader.Pairing pairing = YoloReader.pair(files, Set.of("train.txt"), Progress.NONE, true);
        assertEquals(List.of("images/train/a.jpg", "images/train/a.png"), pairing.labels().get("labels/train/a.txt"));
        assertEquals(List.of("Images/val/ü x.jpg"), pairing.labels().get("Labels/val/ü x.txt"));
        assertEquals(List.of("obj_data/1.jpg"), pairing.labels().get("obj_data/1.txt"));
        assertEquals(List.of("labels/train/gone.txt", "obj_data/stray.txt"), pairing.orphans());
        assertEquals(Set.of("obj_data"), pairing.pairedFolders());
        assertEquals(53, pairing.parallel());
        List<String> keys = new ArrayList<>(pairing.labels().keySet());
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertEquals(sorted, keys, "labels in path order (the order units are parsed and reported in)");
    }

    @Test
    void theReadTakesTheProbesPairingWhenItLeavesOutTheSameLabelFiles() {
        FileListing files = listing();
        YoloReader.Pairing probed = YoloReader.pair(files, Set.of(), Progress.NONE);
        // data.yaml is not a .txt file: leaving it out changes nothing, so the probe's pairing is taken.
        YoloReader.Pairing read = YoloReader.pair(files, Set.of("data.yaml"), Progress.NONE, true);
        assertSame(probed, read);
        // Taken once: the next read pairs again, with the same result.
        YoloReader.Pairing again = YoloReader.pair(files, Set.of(), Progress.NONE, true);
        assertNotSame(probed, again);
        assertEquals(probed, again);

        YoloReader.pair(files, Set.of(), Progress.NONE);
        YoloReader.Pairing withoutTrain = YoloReader.pair(files, Set.of("labels/train/a.txt"), Progress.NONE, true);
        assertEquals(null, withoutTrain.labels().get("labels/train/a.txt"), "other files left out: paired again");
        assertEquals(Map.of(), Map.copyOf(YoloReader.pair(FileListing.of(List.of("a.jpg")), Set.of(), Progress.NONE)
                .labels()));
    }
}

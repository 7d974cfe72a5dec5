package loupe.ui.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import loupe.testing.TestImages;

/** Small datasets for the UI tests, written into a temp folder. */
final class UiFixtures {

    private UiFixtures() {
    }

    /**
     * A YOLO dataset with a data.yaml: 3 train + 1 val images, classes car(0) tree(1) person(2).
     * Boxes: a.jpg car car tree, b.jpg person, c.png car, d.jpg tree person; so car 3 boxes in 2 images,
     * tree 2 in 2, person 2 in 2; 7 boxes, no problems.
     */
    static Path yolo(Path root) throws IOException {
        Files.writeString(root.resolve("data.yaml"),
                "path: .\ntrain: images/train\nval: images/val\nnames:\n  - car\n  - tree\n  - person\n");
        image(root, "train", "a.jpg", 200, 100, "0 0.25 0.5 0.2 0.4\n0 0.7 0.5 0.2 0.4\n1 0.5 0.5 0.1 0.9\n");
        image(root, "train", "b.jpg", 64, 64, "2 0.5 0.5 0.25 0.5\n");
        image(root, "train", "c.png", 30, 40, "0 0.5 0.5 1 1");
        image(root, "val", "d.jpg", 80, 60, "1 0.2 0.5 0.2 0.5\n2 0.8 0.5 0.1 0.4\n");
        return root;
    }

    private static void image(Path root, String split, String name, int w, int h, String labels) throws IOException {
        TestImages.write(root.resolve("images").resolve(split).resolve(name), w, h);
        Path label = root.resolve("labels").resolve(split).resolve(name.substring(0, name.lastIndexOf('.')) + ".txt");
        Files.createDirectories(label.getParent());
        Files.writeString(label, labels);
    }
}

package loupe.core.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import loupe.testing.TestImages;

/** A small dataset for the probe: real little JPEGs in two splits, a 2 MB annotation file, and a snapshot helper. */
public final class ProbeFixture {

    private ProbeFixture() {
    }

    /** Writes 24 JPEGs under images/{train,val} and a 2 MB annotations/instances_train.json into {@code root}. */
    public static Path dataset(Path root) {
        for (int i = 0; i < 24; i++) {
            String split = i % 4 == 0 ? "val" : "train";
            TestImages.write(root.resolve("images/" + split + "/img_" + i + ".jpg"), 40 + i, 30 + i);
        }
        try {
            Path json = root.resolve("annotations/instances_train.json");
            Files.createDirectories(json.getParent());
            byte[] bytes = new byte[2 << 20];
            new Random(1).nextBytes(bytes);
            Files.write(json, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    /** Every path under {@code root} (folders too) with its size and modification time, sorted. */
    public static TreeMap<String, String> snapshot(Path root) {
        TreeMap<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    entries.put(root.relativize(p).toString(), (a.isDirectory() ? "dir " : a.size() + " ")
                            + a.lastModifiedTime().toMillis());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}

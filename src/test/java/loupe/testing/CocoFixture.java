package loupe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds a small COCO dataset (annotations/instances_SPLIT.json + images/SPLIT/NAME) for tests.
 * Images are real files unless marked missing.
 */
public final class CocoFixture {

    private record Img(int id, String split, String name, int w, int h, boolean write) {
    }

    private record Ann(int imageId, int categoryId, double x, double y, double w, double h) {
    }

    private final Path root;
    private final List<Img> images = new ArrayList<>();
    private final List<Ann> annotations = new ArrayList<>();
    private final List<String> categories = new ArrayList<>();

    public CocoFixture(Path root) {
        this.root = root;
    }

    /** Categories get ids 1, 2, 3 ... in the order given. */
    public CocoFixture categories(String... names) {
        categories.addAll(List.of(names));
        return this;
    }

    public int image(String split, String name, int w, int h) {
        images.add(new Img(images.size() + 1, split, name, w, h, true));
        return images.size();
    }

    /** An image listed in the JSON whose file is never written. */
    public int missingImage(String split, String name, int w, int h) {
        images.add(new Img(images.size() + 1, split, name, w, h, false));
        return images.size();
    }

    public CocoFixture box(int imageId, int categoryId, double x, double y, double w, double h) {
        annotations.add(new Ann(imageId, categoryId, x, y, w, h));
        return this;
    }

    public Path write() {
        try {
            for (Img img : images) {
                if (img.write()) {
                    TestImages.write(root.resolve("images").resolve(img.split()).resolve(img.name()), img.w(), img.h());
                }
            }
            Files.createDirectories(root.resolve("annotations"));
            for (String split : images.stream().map(Img::split).distinct().toList()) {
                Files.writeString(root.resolve("annotations/instances_" + split + ".json"), json(split));
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String json(String split) {
        StringBuilder sb = new StringBuilder("{\"images\":[");
        List<Img> mine = images.stream().filter(i -> i.split().equals(split)).toList();
        for (int i = 0; i < mine.size(); i++) {
            Img img = mine.get(i);
            sb.append(i > 0 ? "," : "").append(String.format(Locale.ROOT,
                    "{\"id\":%d,\"file_name\":\"%s\",\"width\":%d,\"height\":%d}", img.id(), img.name(), img.w(), img.h()));
        }
        sb.append("],\"annotations\":[");
        int n = 0;
        for (int i = 0; i < annotations.size(); i++) {
            Ann a = annotations.get(i);
            if (!images.get(a.imageId() - 1).split().equals(split)) {
                continue;
            }
            sb.append(n++ > 0 ? "," : "").append(String.format(Locale.ROOT,
                    "{\"id\":%d,\"image_id\":%d,\"category_id\":%d,\"bbox\":[%s,%s,%s,%s],\"area\":%s,\"iscrowd\":0}",
                    i + 1, a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), a.w() * a.h()));
        }
        sb.append("],\"categories\":[");
        for (int i = 0; i < categories.size(); i++) {
            sb.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "{\"id\":%d,\"name\":\"%s\"}", i + 1,
                    categories.get(i)));
        }
        return sb.append("]}").toString();
    }
}

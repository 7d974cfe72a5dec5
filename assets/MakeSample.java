import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes Loupe's sample dataset: small outdoor scenes with cars, trees and people, drawn with Java2D, written
 * as a COCO detection dataset. Deterministic (fixed seed, no timestamps); the boxes are the exact bounds of
 * the shapes drawn for each object.
 *
 * <pre>java assets/MakeSample.java [OUTPUT_DIR]      (default: assets/sample)</pre>
 *
 * Needs only the JDK (single-file source launch, Java 11+). See assets/README.md.
 */
public final class MakeSample {

    static final long SEED = 20240611L;
    static final int WIDTH = 480;
    static final int HEIGHT = 360;
    static final int TRAIN_IMAGES = 28;
    static final int VAL_IMAGES = 8;
    static final float JPEG_QUALITY = 0.82f;

    static final String[] CLASS_NAMES = {"car", "tree", "person"};
    static final String[] SUPERCATEGORIES = {"vehicle", "plant", "human"};
    // Imbalanced on purpose: an audit tool should have something to show.
    static final double[] CLASS_WEIGHTS = {0.52, 0.16, 0.32};

    /** One object as drawn: the shapes and their fills, in painting order. */
    record Part(Shape shape, Paint paint) {
    }

    record Thing(int categoryId, double bottom, List<Part> parts) {
        Rectangle2D bounds() {
            Area area = new Area();
            for (Part p : parts) {
                area.add(new Area(p.shape()));
            }
            return area.getBounds2D();
        }
    }

    record Box(int categoryId, int x, int y, int w, int h) {
    }

    record Scene(int id, String split, String fileName, List<Box> boxes) {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "assets/sample");
        Random random = new Random(SEED);
        List<Scene> scenes = new ArrayList<>();
        int total = TRAIN_IMAGES + VAL_IMAGES;
        for (int i = 1; i <= total; i++) {
            String split = i <= TRAIN_IMAGES ? "train" : "val";
            String name = String.format(Locale.ROOT, "scene_%03d.jpg", i);
            Path file = out.resolve("images").resolve(split).resolve(name);
            Files.createDirectories(file.getParent());
            List<Box> boxes = render(new Random(random.nextLong()), file);
            scenes.add(new Scene(i, split, name, boxes));
        }
        Files.createDirectories(out.resolve("annotations"));
        int[] annotationId = {1};
        for (String split : new String[] {"train", "val"}) {
            List<Scene> inSplit = scenes.stream().filter(s -> s.split().equals(split)).toList();
            Files.writeString(out.resolve("annotations").resolve("instances_" + split + ".json"),
                    cocoJson(inSplit, annotationId), StandardCharsets.UTF_8);
        }
        printCounts(scenes);
    }

    // ------------------------------------------------------------------ drawing

    static List<Box> render(Random r, Path file) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        int horizon = (int) (HEIGHT * (0.40 + 0.14 * r.nextDouble()));
        boolean dusk = r.nextDouble() < 0.25;
        paintBackground(g, r, horizon, dusk);
        double roadTop = horizon + (HEIGHT - horizon) * (0.30 + 0.2 * r.nextDouble());
        double roadBottom = Math.min(HEIGHT - 8, roadTop + (HEIGHT - horizon) * (0.30 + 0.15 * r.nextDouble()));
        paintRoad(g, roadTop, roadBottom);

        List<Thing> things = new ArrayList<>();
        int wanted = 1 + r.nextInt(4);
        for (int attempt = 0; things.size() < wanted && attempt < 200; attempt++) {
            int category = pickCategory(r);
            Thing t = make(r, category, horizon, roadTop, roadBottom);
            Rectangle2D b = t.bounds();
            if (b.getMinX() < 1 || b.getMinY() < 1 || b.getMaxX() > WIDTH - 1 || b.getMaxY() > HEIGHT - 1) {
                continue;
            }
            if (things.stream().anyMatch(o -> overlap(o.bounds(), b) > 0.15)) {
                continue;
            }
            things.add(t);
        }
        // Far objects first, so near ones cover them.
        things.sort(Comparator.comparingDouble(Thing::bottom));
        List<Box> boxes = new ArrayList<>();
        for (Thing t : things) {
            paintShadow(g, t);
            for (Part p : t.parts()) {
                g.setPaint(p.paint());
                g.fill(p.shape());
            }
            Rectangle2D b = t.bounds();
            int x = (int) Math.floor(b.getMinX());
            int y = (int) Math.floor(b.getMinY());
            boxes.add(new Box(t.categoryId(), x, y, (int) Math.ceil(b.getMaxX()) - x,
                    (int) Math.ceil(b.getMaxY()) - y));
        }
        g.dispose();
        writeJpeg(image, file);
        return boxes;
    }

    static int pickCategory(Random r) {
        double u = r.nextDouble();
        for (int i = 0; i < CLASS_WEIGHTS.length; i++) {
            u -= CLASS_WEIGHTS[i];
            if (u < 0) {
                return i + 1;
            }
        }
        return CLASS_WEIGHTS.length;
    }

    /** Intersection over the smaller box's area. */
    static double overlap(Rectangle2D a, Rectangle2D b) {
        Rectangle2D i = a.createIntersection(b);
        if (i.getWidth() <= 0 || i.getHeight() <= 0) {
            return 0;
        }
        double smaller = Math.min(a.getWidth() * a.getHeight(), b.getWidth() * b.getHeight());
        return i.getWidth() * i.getHeight() / smaller;
    }

    static void paintBackground(Graphics2D g, Random r, int horizon, boolean dusk) {
        Color skyTop = dusk ? new Color(62, 58, 120) : new Color(58, 118, 196);
        Color skyLow = dusk ? new Color(246, 170, 110) : new Color(186, 216, 240);
        g.setPaint(new GradientPaint(0, 0, skyTop, 0, horizon, skyLow));
        g.fill(new Rectangle2D.Double(0, 0, WIDTH, horizon + 1));
        // Sun or a low evening sun.
        double sunX = 40 + r.nextDouble() * (WIDTH - 80);
        double sunY = dusk ? horizon - 18 : 30 + r.nextDouble() * (horizon * 0.35);
        g.setColor(dusk ? new Color(255, 214, 140) : new Color(255, 244, 196));
        g.fill(new Ellipse2D.Double(sunX - 16, sunY - 16, 32, 32));
        for (int c = 0, n = 2 + r.nextInt(3); c < n; c++) {
            paintCloud(g, r, 20 + r.nextDouble() * (WIDTH - 40), 18 + r.nextDouble() * horizon * 0.5, dusk);
        }
        // Distant hills along the horizon.
        Path2D hills = new Path2D.Double();
        hills.moveTo(0, horizon);
        double phase = r.nextDouble() * Math.PI * 2;
        for (int x = 0; x <= WIDTH; x += 8) {
            double y = horizon - 10 - 12 * Math.sin(x / 70.0 + phase) - 6 * Math.sin(x / 23.0 + 2 * phase);
            hills.lineTo(x, y);
        }
        hills.lineTo(WIDTH, horizon + 1);
        hills.lineTo(0, horizon + 1);
        hills.closePath();
        g.setColor(dusk ? new Color(70, 86, 92) : new Color(104, 140, 120));
        g.fill(hills);
        Color grassFar = dusk ? new Color(88, 112, 64) : new Color(128, 176, 86);
        Color grassNear = dusk ? new Color(52, 80, 40) : new Color(70, 128, 50);
        g.setPaint(new GradientPaint(0, horizon, grassFar, 0, HEIGHT, grassNear));
        g.fill(new Rectangle2D.Double(0, horizon, WIDTH, HEIGHT - horizon));
        // A few tufts so the grass is not flat.
        g.setColor(grassNear.darker());
        g.setStroke(new BasicStroke(1.2f));
        for (int i = 0; i < 60; i++) {
            double x = r.nextDouble() * WIDTH;
            double y = horizon + 6 + r.nextDouble() * (HEIGHT - horizon - 6);
            double len = 2 + 6 * (y - horizon) / (HEIGHT - horizon);
            g.draw(new Line2D.Double(x, y, x - 1.5, y - len));
            g.draw(new Line2D.Double(x + 2, y, x + 3, y - len));
        }
    }

    static void paintCloud(Graphics2D g, Random r, double x, double y, boolean dusk) {
        g.setColor(dusk ? new Color(236, 190, 190, 210) : new Color(255, 255, 255, 220));
        double s = 0.7 + r.nextDouble() * 0.8;
        g.fill(new Ellipse2D.Double(x - 30 * s, y - 8 * s, 60 * s, 20 * s));
        g.fill(new Ellipse2D.Double(x - 18 * s, y - 18 * s, 30 * s, 24 * s));
        g.fill(new Ellipse2D.Double(x - 2 * s, y - 14 * s, 26 * s, 20 * s));
    }

    static void paintRoad(Graphics2D g, double top, double bottom) {
        g.setColor(new Color(92, 94, 98));
        g.fill(new Rectangle2D.Double(0, top, WIDTH, bottom - top));
        g.setColor(new Color(200, 200, 190));
        g.fill(new Rectangle2D.Double(0, top, WIDTH, 2));
        g.fill(new Rectangle2D.Double(0, bottom - 2, WIDTH, 2));
        g.setColor(new Color(240, 220, 120));
        double mid = (top + bottom) / 2;
        for (int x = 6; x < WIDTH; x += 40) {
            g.fill(new Rectangle2D.Double(x, mid - 1.5, 20, 3));
        }
    }

    static void paintShadow(Graphics2D g, Thing t) {
        Rectangle2D b = t.bounds();
        g.setColor(new Color(0, 0, 0, 60));
        double w = b.getWidth() * 0.9;
        g.fill(new Ellipse2D.Double(b.getCenterX() - w / 2, b.getMaxY() - 4, w, 7));
    }

    /** Scale with distance: 1 at the bottom edge, about 0.35 at the horizon. */
    static double depthScale(double bottom, int horizon) {
        return 0.35 + 0.65 * (bottom - horizon) / (HEIGHT - horizon);
    }

    static Thing make(Random r, int category, int horizon, double roadTop, double roadBottom) {
        switch (category) {
            case 1: {
                double bottom = roadTop + 6 + r.nextDouble() * Math.max(1, roadBottom - roadTop - 6);
                double s = depthScale(bottom, horizon);
                double w = s * (150 + r.nextDouble() * 60);
                double x = r.nextDouble() * (WIDTH - w);
                return new Thing(1, bottom, car(r, x, bottom, w));
            }
            case 2: {
                double bottom = horizon + 4 + r.nextDouble() * (HEIGHT - horizon - 10);
                if (bottom > roadTop - 2 && bottom < roadBottom + 8) {
                    bottom = r.nextBoolean() ? roadTop - 2 : Math.min(HEIGHT - 4, roadBottom + 8);
                }
                double s = depthScale(bottom, horizon);
                double h = s * (150 + r.nextDouble() * 70);
                double x = r.nextDouble() * (WIDTH - h * 0.6);
                return new Thing(2, bottom, tree(r, x, bottom, h));
            }
            default: {
                double bottom = horizon + 6 + r.nextDouble() * (HEIGHT - horizon - 10);
                double s = depthScale(bottom, horizon);
                double h = s * (105 + r.nextDouble() * 35);
                double x = r.nextDouble() * (WIDTH - h * 0.5);
                return new Thing(3, bottom, person(r, x, bottom, h));
            }
        }
    }

    static final Color[] CAR_COLOURS = {new Color(200, 40, 40), new Color(30, 80, 170), new Color(235, 235, 235),
        new Color(40, 40, 44), new Color(230, 180, 30), new Color(60, 140, 90), new Color(150, 150, 160)};

    /** A side view of a car whose wheels stand on {@code bottom}. */
    static List<Part> car(Random r, double x, double bottom, double w) {
        double h = w * (0.40 + 0.06 * r.nextDouble());
        double y = bottom - h;
        boolean facingRight = r.nextBoolean();
        Color body = CAR_COLOURS[r.nextInt(CAR_COLOURS.length)];
        List<Part> parts = new ArrayList<>();
        // Cabin: a trapezoid over the back two thirds, sloping windscreen at the front.
        double cabinLeft = x + w * (facingRight ? 0.16 : 0.30);
        double cabinRight = x + w * (facingRight ? 0.70 : 0.84);
        double slope = w * 0.12;
        Path2D cabin = new Path2D.Double();
        cabin.moveTo(cabinLeft, y + h * 0.42);
        cabin.lineTo(cabinLeft + (facingRight ? slope * 0.4 : slope), y);
        cabin.lineTo(cabinRight - (facingRight ? slope : slope * 0.4), y);
        cabin.lineTo(cabinRight, y + h * 0.42);
        cabin.closePath();
        parts.add(new Part(cabin, body));
        // Windows, inset in the cabin.
        double inset = h * 0.08;
        Path2D glass = new Path2D.Double();
        glass.moveTo(cabinLeft + inset * 1.4, y + h * 0.40);
        glass.lineTo(cabinLeft + (facingRight ? slope * 0.4 : slope) + inset * 0.6, y + inset);
        glass.lineTo(cabinRight - (facingRight ? slope : slope * 0.4) - inset * 0.6, y + inset);
        glass.lineTo(cabinRight - inset * 1.4, y + h * 0.40);
        glass.closePath();
        parts.add(new Part(glass, new Color(170, 205, 230)));
        double pillar = (cabinLeft + cabinRight) / 2;
        parts.add(new Part(new Rectangle2D.Double(pillar - h * 0.03, y + inset * 0.8, h * 0.06, h * 0.34), body));
        // Body.
        RoundRectangle2D hull = new RoundRectangle2D.Double(x, y + h * 0.38, w, h * 0.42, h * 0.25, h * 0.25);
        parts.add(new Part(hull, body));
        parts.add(new Part(new Rectangle2D.Double(x + w * 0.05, y + h * 0.56, w * 0.9, h * 0.03),
                body.darker()));
        // Lights.
        double front = facingRight ? x + w - h * 0.10 : x + h * 0.02;
        double back = facingRight ? x + h * 0.02 : x + w - h * 0.10;
        parts.add(new Part(new Rectangle2D.Double(front, y + h * 0.45, h * 0.08, h * 0.08),
                new Color(255, 250, 200)));
        parts.add(new Part(new Rectangle2D.Double(back, y + h * 0.45, h * 0.08, h * 0.08), new Color(200, 20, 20)));
        // Wheels touch the ground at bottom.
        double radius = h * 0.20;
        for (double cx : new double[] {x + w * 0.22, x + w * 0.78}) {
            parts.add(new Part(new Ellipse2D.Double(cx - radius, bottom - 2 * radius, 2 * radius, 2 * radius),
                    new Color(28, 28, 30)));
            double hub = radius * 0.45;
            parts.add(new Part(new Ellipse2D.Double(cx - hub, bottom - radius - hub, 2 * hub, 2 * hub),
                    new Color(185, 185, 190)));
        }
        return parts;
    }

    /** A tree (round or conifer) standing on {@code bottom}. */
    static List<Part> tree(Random r, double x, double bottom, double h) {
        List<Part> parts = new ArrayList<>();
        double y = bottom - h;
        Color trunk = new Color(110, 74, 44);
        if (r.nextDouble() < 0.5) {
            double w = h * (0.50 + 0.15 * r.nextDouble());
            double cx = x + w / 2;
            double tw = w * 0.14;
            parts.add(new Part(new Rectangle2D.Double(cx - tw / 2, y + h * 0.55, tw, h * 0.45), trunk));
            Color leaf = new Color(40 + r.nextInt(30), 110 + r.nextInt(40), 40 + r.nextInt(20));
            parts.add(new Part(new Ellipse2D.Double(x, y + h * 0.10, w, h * 0.55), leaf.darker()));
            parts.add(new Part(new Ellipse2D.Double(x + w * 0.15, y, w * 0.70, h * 0.45), leaf));
            parts.add(new Part(new Ellipse2D.Double(x + w * 0.22, y + h * 0.06, w * 0.30, h * 0.20),
                    leaf.brighter()));
        } else {
            double w = h * (0.40 + 0.10 * r.nextDouble());
            double cx = x + w / 2;
            double tw = w * 0.14;
            parts.add(new Part(new Rectangle2D.Double(cx - tw / 2, y + h * 0.75, tw, h * 0.25), trunk));
            Color needle = new Color(24 + r.nextInt(20), 86 + r.nextInt(30), 52 + r.nextInt(20));
            for (int tier = 0; tier < 3; tier++) {
                double top = y + tier * h * 0.2;
                double base = y + h * (0.40 + tier * 0.18);
                double half = w / 2 * (0.6 + 0.2 * tier);
                Path2D tri = new Path2D.Double();
                tri.moveTo(cx, top);
                tri.lineTo(cx + half, base);
                tri.lineTo(cx - half, base);
                tri.closePath();
                parts.add(new Part(tri, tier % 2 == 0 ? needle : needle.brighter()));
            }
        }
        return parts;
    }

    static final Color[] SHIRTS = {new Color(210, 60, 60), new Color(60, 110, 200), new Color(240, 200, 60),
        new Color(120, 70, 160), new Color(240, 240, 240), new Color(60, 160, 140)};
    static final Color[] SKIN = {new Color(244, 208, 176), new Color(210, 160, 120), new Color(140, 96, 64),
        new Color(96, 64, 44)};

    /** A standing person, feet on {@code bottom}, height {@code h}. */
    static List<Part> person(Random r, double x, double bottom, double h) {
        List<Part> parts = new ArrayList<>();
        double y = bottom - h;
        double w = h * 0.42;
        double cx = x + w / 2;
        Color shirt = SHIRTS[r.nextInt(SHIRTS.length)];
        Color skin = SKIN[r.nextInt(SKIN.length)];
        Color trousers = r.nextBoolean() ? new Color(40, 50, 80) : new Color(70, 60, 50);
        float limb = (float) (h * 0.075);
        BasicStroke stroke = new BasicStroke(limb, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        // Legs, slightly apart, ending at the feet (round caps reach bottom exactly).
        double hip = y + h * 0.55;
        double foot = bottom - limb / 2;
        double stride = w * (0.10 + 0.12 * r.nextDouble());
        parts.add(new Part(stroke.createStrokedShape(new Line2D.Double(cx - w * 0.07, hip, cx - stride, foot)),
                trousers));
        parts.add(new Part(stroke.createStrokedShape(new Line2D.Double(cx + w * 0.07, hip, cx + stride, foot)),
                trousers));
        // Arms from the shoulders, hands out to the sides of the box.
        double shoulder = y + h * 0.23;
        double hand = y + h * (0.45 + 0.08 * r.nextDouble());
        parts.add(new Part(stroke.createStrokedShape(
                new Line2D.Double(cx - w * 0.16, shoulder, x + limb / 2, hand)), skin));
        parts.add(new Part(stroke.createStrokedShape(
                new Line2D.Double(cx + w * 0.16, shoulder, x + w - limb / 2, hand)), skin));
        // Torso.
        parts.add(new Part(new RoundRectangle2D.Double(cx - w * 0.20, y + h * 0.19, w * 0.40, h * 0.40,
                w * 0.15, w * 0.15), shirt));
        // Head and hair.
        double head = h * 0.17;
        parts.add(new Part(new Ellipse2D.Double(cx - head / 2, y + h * 0.005, head, head), skin));
        Area hair = new Area(new Ellipse2D.Double(cx - head / 2, y, head, head));
        hair.subtract(new Area(new Rectangle2D.Double(cx - head, y + head * 0.35, 2 * head, head)));
        parts.add(new Part(hair, r.nextBoolean() ? new Color(50, 36, 26) : new Color(180, 140, 70)));
        return parts;
    }

    static void writeJpeg(BufferedImage image, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(JPEG_QUALITY);
        try (OutputStream os = Files.newOutputStream(file);
             ImageOutputStream ios = ImageIO.createImageOutputStream(os)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    // ------------------------------------------------------------------ COCO JSON

    static String cocoJson(List<Scene> scenes, int[] nextAnnotationId) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"info\": {\"description\": \"Loupe sample dataset: synthetic scenes drawn by")
                .append(" assets/MakeSample.java\", \"version\": \"1.0\"},\n");
        sb.append("  \"licenses\": [],\n");
        sb.append("  \"categories\": [\n");
        for (int c = 0; c < CLASS_NAMES.length; c++) {
            sb.append(String.format(Locale.ROOT, "    {\"id\": %d, \"name\": \"%s\", \"supercategory\": \"%s\"}%s%n",
                    c + 1, CLASS_NAMES[c], SUPERCATEGORIES[c], c + 1 < CLASS_NAMES.length ? "," : ""));
        }
        sb.append("  ],\n  \"images\": [\n");
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            sb.append(String.format(Locale.ROOT,
                    "    {\"id\": %d, \"file_name\": \"%s\", \"width\": %d, \"height\": %d}%s%n",
                    s.id(), s.fileName(), WIDTH, HEIGHT, i + 1 < scenes.size() ? "," : ""));
        }
        sb.append("  ],\n  \"annotations\": [\n");
        List<String> rows = new ArrayList<>();
        for (Scene s : scenes) {
            for (Box b : s.boxes()) {
                rows.add(String.format(Locale.ROOT,
                        "    {\"id\": %d, \"image_id\": %d, \"category_id\": %d, \"bbox\": [%d, %d, %d, %d],"
                                + " \"area\": %d, \"iscrowd\": 0, \"segmentation\": []}",
                        nextAnnotationId[0]++, s.id(), b.categoryId(), b.x(), b.y(), b.w(), b.h(), b.w() * b.h()));
            }
        }
        sb.append(String.join(",\n", rows)).append(rows.isEmpty() ? "" : "\n");
        sb.append("  ]\n}\n");
        return sb.toString();
    }

    static void printCounts(List<Scene> scenes) {
        for (String split : new String[] {"train", "val", null}) {
            long images = scenes.stream().filter(s -> split == null || s.split().equals(split)).count();
            StringBuilder line = new StringBuilder(split == null ? "total" : split).append(": ")
                    .append(images).append(" images");
            long boxes = 0;
            for (int c = 1; c <= CLASS_NAMES.length; c++) {
                int category = c;
                long n = scenes.stream().filter(s -> split == null || s.split().equals(split))
                        .flatMap(s -> s.boxes().stream()).filter(b -> b.categoryId() == category).count();
                boxes += n;
                line.append(", ").append(CLASS_NAMES[c - 1]).append(' ').append(n);
            }
            System.out.println(line.append(", boxes ").append(boxes));
        }
    }
}

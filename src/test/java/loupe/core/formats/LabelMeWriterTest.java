package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.core.export.Converter;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

class LabelMeWriterTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path work;

    // ------------------------------------------------------------------ round trips

    @Test
    void labelMeRoundTripKeepsShapesClassesSplitsAndAttributes() throws IOException {
        Path src = work.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("labels.txt"), "__ignore__\n_background_\ncar\nperson\ntree ü\ncat\n");
        TestImages.write(src.resolve("train/a b ü.jpg"), 200, 100);
        Files.writeString(src.resolve("train/a b ü.json"), labelMe("a b ü.jpg", 200, 100, "{\"cat\": true}",
                shape("car", "rectangle", "[[10.5, 20.25], [60.125, 50]]", ""),
                shape("person", "polygon", "[[1, 2], [30, 4], [15, 40]]", ", \"group_id\": 3, \"description\":"
                        + " \"tall\", \"flags\": {\"occluded\": true, \"truncated\": false}"),
                shape("car", "circle", "[[100, 50], [103, 54]]", ""),
                shape("tree ü", "point", "[[5.5, 6]]", ""),
                shape("car", "line", "[[20, 30], [40, 10]]", ""),
                shape("person", "linestrip", "[[1, 1], [9, 3], [4, 7]]", ", \"group_id\": \"g 1\""),
                shape("person", "rectangle", "[[0, 0], [1e-7, 0.333333333333333]]",
                        ", \"difficult\": true, \"score\": 0.875, \"note\": \"x\\\"y\"")),
                StandardCharsets.UTF_8);
        TestImages.write(src.resolve("train/empty.png"), 64, 48);
        TestImages.write(src.resolve("val/sub dir/c.jpg"), 80, 60);
        Files.writeString(src.resolve("val/sub dir/c.json"), labelMe("c.jpg", 80, 60, "{}",
                shape("car", "polygon", "[[70, 50], [90, 50], [90, 70], [70.5, 69.5]]", ", \"group_id\": 0"),
                shape("car", "polygon", "[[1, 1], [2, 1], [2, 2]]", ", \"group_id\": 0")));
        TestImages.write(src.resolve("root.jpg"), 32, 32);
        Files.writeString(src.resolve("root.json"), labelMe("root.jpg", 32, 32, "{}",
                shape("tree ü", "rectangle", "[[3, 4], [5, 6]]", "")));

        DatasetLoader.Result in = DatasetLoader.load(src, new LabelMeFormat());
        assertEquals(List.of(), in.sink().problems());
        Path out = work.resolve("out");
        ConversionReport report = write(in, out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());

        assertEquals(List.of(), back.sink().problems());
        assertEquals(in.sink().classes(), back.sink().classes());
        assertEquals(splits(in), splits(back));
        assertSameAnnotations(in, back);
        assertEquals(List.of(), report.losses());
        assertEquals(List.of(), report.notes());
        assertFalse(report.idsRemapped());
        assertEquals(4, report.imagesOut());
        assertEquals(11, report.annotationsOut());
        assertTrue(Files.isRegularFile(out.resolve("train/empty.json")), "an image without annotations gets a JSON");
        assertTrue(Files.isRegularFile(out.resolve("val/sub dir/c.jpg")));
        assertEquals("__ignore__\n_background_\ncar\nperson\ntree ü\ncat\n", Files.readString(out.resolve("labels.txt")));
        assertEquals("__ignore__\ncat\n", Files.readString(out.resolve("flags.txt")));

        // The shape types written back, and the points of those the model cannot tell apart.
        JsonNode a = MAPPER.readTree(out.resolve("train/a b ü.json").toFile());
        assertEquals(List.of("rectangle", "polygon", "circle", "point", "line", "linestrip", "rectangle"),
                a.get("shapes").findValuesAsText("shape_type"));
        assertEquals("[[100.0,50.0],[105.0,50.0]]", a.get("shapes").get(2).get("points").toString(),
                "centre and the point right of it, radius 5");
        assertEquals("[[20.0,10.0],[40.0,30.0]]", a.get("shapes").get(4).get("points").toString(),
                "the model keeps the box only: the line is written along its other diagonal");
        assertTrue(a.get("shapes").get(6).get("difficult").isBoolean());
        assertTrue(a.get("shapes").get(6).get("score").isNumber());
        assertTrue(a.get("shapes").get(1).get("group_id").isInt());
        assertEquals("g 1", a.get("shapes").get(5).get("group_id").asText());
    }

    @Test
    void cocoPolygonsCrowdAndSplitsConvertAndReadBack() throws IOException {
        Path src = work.resolve("coco");
        TestImages.write(src.resolve("images/train/a ü.jpg"), 200, 100);
        TestImages.write(src.resolve("images/train/empty.jpg"), 20, 10);
        TestImages.write(src.resolve("images/val/b.png"), 50, 40);
        Files.createDirectories(src.resolve("annotations"));
        String categories = "\"categories\": [{\"id\": 1, \"name\": \"car\"}, {\"id\": 2, \"name\": \"Baum ß\"},"
                + " {\"id\": 5, \"name\": \"boat\"}]";
        Files.writeString(src.resolve("annotations/instances_train.json"), "{\"images\": ["
                + "{\"id\": 1, \"file_name\": \"a ü.jpg\", \"width\": 200, \"height\": 100},"
                + "{\"id\": 2, \"file_name\": \"empty.jpg\", \"width\": 20, \"height\": 10}],"
                + "\"annotations\": ["
                + "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 30, 20], \"iscrowd\": 0,"
                + " \"segmentation\": [[10, 10, 40, 10, 40, 20], [20, 25, 30, 25, 30, 30]]},"
                + "{\"id\": 2, \"image_id\": 1, \"category_id\": 2, \"bbox\": [0.5, 0.25, 99.5, 50.75],"
                + " \"iscrowd\": 1, \"segmentation\": []},"
                + "{\"id\": 3, \"image_id\": 1, \"category_id\": 5, \"bbox\": [1, 2, 3, 4], \"iscrowd\": 0}],"
                + categories + "}");
        Files.writeString(src.resolve("annotations/instances_val.json"), "{\"images\": ["
                + "{\"id\": 1, \"file_name\": \"b.png\", \"width\": 50, \"height\": 40}],"
                + "\"annotations\": [{\"id\": 7, \"image_id\": 1, \"category_id\": 5, \"bbox\": [5, 5, 10, 10],"
                + " \"iscrowd\": 0, \"segmentation\": [[5, 5, 15, 5, 15, 15, 5, 15]]}]," + categories + "}");
        Path out = work.resolve("out");

        ConversionReport report;
        try (Catalog catalog = Catalog.open(work.resolve("catalog.duckdb"))) {
            report = new Converter().convert(src, out, catalog,
                    new Converter.Options("coco", "labelme", ImageMode.COPY, false, IndexOptions.defaultThreads()),
                    Progress.NONE);
        }

        assertEquals(Map.of("crowd flag", 1L), losses(report));
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "car", 0),
                new ConversionReport.ClassMapping(2, "Baum ß", 1), new ConversionReport.ClassMapping(5, "boat", 2)),
                report.mappings());
        assertTrue(report.idsRemapped());
        assertEquals(1, report.notes().size());
        assertTrue(report.notes().get(0).startsWith("1 annotation(s) with several polygons"), report.notes().get(0));
        assertEquals(3, report.imagesOut());
        assertEquals(4, report.annotationsOut());

        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ClassLabel(0, "car"), new ClassLabel(1, "Baum ß"), new ClassLabel(2, "boat")),
                back.sink().classes());
        assertEquals(Map.of("train/a ü.jpg", "train", "train/empty.jpg", "train", "val/b.png", "val"),
                splits(back));
        List<Annotation> a = annotationsOf(back, "train/a ü.jpg");
        assertEquals(4, a.size(), "the two polygons of annotation 1 are one shape each");
        assertEquals(new Polygon(new double[] {10, 10, 40, 10, 40, 20}), a.get(0).polygons().get(0));
        assertEquals(new Polygon(new double[] {20, 25, 30, 25, 30, 30}), a.get(1).polygons().get(0));
        assertEquals("1", a.get(0).attributes().get("group_id"), "a new group_id keeps them one object");
        assertEquals("1", a.get(1).attributes().get("group_id"));
        assertEquals(Map.of("id", "1", "group_id", "1"), a.get(0).attributes());
        assertBox(new BoundingBox(0.5, 0.25, 99.5, 50.75), a.get(2).box());
        assertEquals(1, a.get(2).classId());
        assertFalse(a.get(2).crowd());
        assertEquals(Map.of("id", "2"), a.get(2).attributes());
        assertBox(new BoundingBox(1, 2, 3, 4), a.get(3).box());
        assertEquals(List.of(), annotationsOf(back, "train/empty.jpg"));
        List<Annotation> b = annotationsOf(back, "val/b.png");
        assertEquals(1, b.size());
        assertEquals(2, b.get(0).classId());
        assertEquals(Map.of("id", "7"), b.get(0).attributes(), "a single polygon needs no group_id");

        JsonNode json = MAPPER.readTree(out.resolve("train/a ü.json").toFile());
        assertEquals("a ü.jpg", json.get("imagePath").asText());
        assertEquals(100, json.get("imageHeight").asInt());
        assertEquals(200, json.get("imageWidth").asInt());
        assertTrue(json.get("imageData").isNull());
    }

    @Test
    void writesLabelmesJsonLayoutIndentedLikePython() throws IOException {
        Path src = work.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 10, 8);
        Files.writeString(src.resolve("x.json"), labelMe("x.jpg", 10, 8, "{}",
                shape("car", "rectangle", "[[1, 2], [3.5, 4]]", "")));
        Path out = work.resolve("out");
        write(DatasetLoader.load(src, new LabelMeFormat()), out, ImageMode.NONE);

        // What Python's json.dump(data, f, indent=2, ensure_ascii=False) writes, as labelme does.
        assertEquals("""
                {
                  "version": "5.4.1",
                  "flags": {},
                  "shapes": [
                    {
                      "label": "car",
                      "points": [
                        [
                          1.0,
                          2.0
                        ],
                        [
                          3.5,
                          4.0
                        ]
                      ],
                      "group_id": null,
                      "description": null,
                      "shape_type": "rectangle",
                      "flags": {},
                      "mask": null
                    }
                  ],
                  "imagePath": "x.jpg",
                  "imageData": null,
                  "imageHeight": 8,
                  "imageWidth": 10
                }""", Files.readString(out.resolve("x.json")));
        assertFalse(Files.exists(out.resolve("x.jpg")), "no images asked for");
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());
        assertEquals(List.of(new ImageRef("x.jpg", null, 10, 8)), back.sink().images(),
                "without the image the JSON still declares it, with its size");
        assertEquals(1, back.sink().annotations().size());
    }

    // ------------------------------------------------------------------ losses

    @Test
    void reportListsExactlyWhatWasLost() throws IOException {
        List<ClassLabel> classes = List.of(new ClassLabel(0, "car"), new ClassLabel(1, "car"),
                new ClassLabel(2, " tree\n"), new ClassLabel(3, "__ignore__"), new ClassLabel(4, "dog"));
        BoundingBox box = new BoundingBox(1, 2, 3, 4);
        Polygon triangle = new Polygon(new double[] {1, 2, 4, 2, 4, 6});
        String img = "fold1/a.jpg";
        List<Annotation> anns = List.of(
                new Annotation(img, 0, box, List.of(), true, Map.of()),                         // crowd
                Annotation.box(img, 9, box),                                                     // unknown class
                new Annotation(img, 0, box, List.of(new Polygon(new double[] {1, 2, 3, 4})), false, Map.of()),
                new Annotation(img, 0, box, List.of(), false, Map.of("shape_type", "mask")),
                new Annotation(img, 0, box, List.of(), false, Map.of("shape_type", "circle")),  // 3 x 4: no circle
                new Annotation(img, 0, box, List.of(), false, Map.of("points", "7", "kept", "yes")),
                new Annotation(img, 4, null, List.of(), false, Map.of("score", "1")),
                Annotation.imageLabel(img, 4),                                                   // repeated flag
                new Annotation(img, 0, new BoundingBox(0, 0, 99, 99), List.of(triangle), false, Map.of()),
                new Annotation(img, 0, new BoundingBox(Double.NaN, 0, 1, 1), List.of(), false, Map.of()),
                Annotation.box(img, 3, box));
        DatasetSource source = source(classes, Map.of(new ImageItem(img, -1, -1, 0, 0, null, "fold1"), anns));
        Path out = work.resolve("out");
        ConversionReport report = new ConversionReport("test", "labelme");
        new LabelMeWriter().write(source, new WriteTarget(out, work, ImageMode.COPY, report, Progress.NONE));

        Map<String, Long> expected = new TreeMap<>();
        expected.put("duplicate class name 'car'", 1L);
        expected.put("class name ' tree\n'", 1L);
        expected.put("class '__ignore__'", 1L);
        expected.put("missing image", 1L);
        expected.put("split 'fold1'", 1L);
        expected.put("crowd flag", 1L);
        expected.put("unknown class id", 1L);
        expected.put("degenerate polygon", 1L);
        expected.put("shape_type 'mask'", 1L);
        expected.put("shape_type 'circle'", 1L);
        expected.put("attribute 'points'", 1L);
        expected.put("attribute 'score'", 1L);
        expected.put("repeated image-level label", 1L);
        expected.put("box not the bounds of its polygons", 1L);
        expected.put("non-finite coordinates", 1L);
        assertEquals(expected, new TreeMap<>(losses(report)));
        assertEquals(List.of(new ConversionReport.ClassMapping(0, "car", 0), new ConversionReport.ClassMapping(1,
                "car", 0), new ConversionReport.ClassMapping(2, " tree\n", 1), new ConversionReport.ClassMapping(4,
                "dog", 2)), report.mappings());
        assertEquals(11, report.annotationsIn());
        // unknown class, repeated image label and the NaN box are not written
        assertEquals(8, report.annotationsOut());
        assertEquals("__ignore__\n_background_\ncar\ntree\ndog\n", Files.readString(out.resolve("labels.txt")));

        JsonNode json = MAPPER.readTree(out.resolve("fold1/a.json").toFile());
        assertEquals("{\"dog\":true}", json.get("flags").toString());
        assertTrue(json.get("imageWidth").isNull(), "size unknown");
        JsonNode shapes = json.get("shapes");
        assertEquals(7, shapes.size());
        assertEquals(List.of("rectangle", "rectangle", "rectangle", "rectangle", "rectangle", "polygon", "rectangle"),
                shapes.findValuesAsText("shape_type"));
        assertEquals("yes", shapes.get(4).get("kept").asText());
        assertEquals("[[1.0,2.0],[4.0,6.0]]", shapes.get(4).get("points").toString());
        assertEquals("__ignore__", shapes.get(6).get("label").asText());
    }

    @Test
    void imagesSharingAStemGetTheirOwnJson() throws IOException {
        Path src = work.resolve("src");
        TestImages.write(src.resolve("train/a.jpg"), 10, 10);
        TestImages.write(src.resolve("train/a.png"), 20, 20);
        List<ClassLabel> classes = List.of(new ClassLabel(0, "car"));
        Map<ImageItem, List<Annotation>> images = new LinkedHashMap<>();
        images.put(new ImageItem("train/a.jpg", 1, 1, 10, 10, "jpeg", "train"),
                List.of(Annotation.box("train/a.jpg", 0, new BoundingBox(1, 1, 2, 2))));
        images.put(new ImageItem("train/a.png", 1, 1, 20, 20, "png", "train"),
                List.of(Annotation.box("train/a.png", 0, new BoundingBox(5, 5, 9, 9))));
        Path out = work.resolve("out");
        ConversionReport report = new ConversionReport("test", "labelme");
        new LabelMeWriter().write(source(classes, images), new WriteTarget(out, src, ImageMode.COPY, report,
                Progress.NONE));

        assertEquals(Map.of("images sharing a stem", 1L), losses(report));
        assertTrue(Files.isRegularFile(out.resolve("train/a.json")));
        assertTrue(Files.isRegularFile(out.resolve("train/a.png.json")));
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());
        assertEquals(List.of(), back.sink().problems());
        assertBox(new BoundingBox(1, 1, 2, 2), annotationsOf(back, "train/a.jpg").get(0).box());
        assertBox(new BoundingBox(5, 5, 9, 9), annotationsOf(back, "train/a.png").get(0).box());
    }

    @Test
    void imageEmbeddedInAJsonKeepsItsImageData() throws IOException {
        Path src = work.resolve("src");
        Path jpg = TestImages.write(work.resolve("tmp/e.jpg"), 12, 9);
        String data = Base64.getEncoder().encodeToString(Files.readAllBytes(jpg));
        Files.createDirectories(src.resolve("val"));
        Files.writeString(src.resolve("val/e.json"), labelMe("gone.jpg", 12, 9, "{}",
                shape("car", "rectangle", "[[1, 1], [5, 5]]", "")).replace("\"imageData\": null",
                "\"imageData\": \"" + data + "\""));
        DatasetLoader.Result in = DatasetLoader.load(src, new LabelMeFormat());
        assertEquals("val/e.json", in.sink().images().get(0).path());

        Path out = work.resolve("out");
        for (ImageMode mode : List.of(ImageMode.SYMLINK, ImageMode.COPY)) {
            Path target = out.resolve(mode.name());
            ConversionReport report = write(in, target, mode);
            assertEquals(List.of(), report.losses());
            JsonNode json = MAPPER.readTree(target.resolve("val/e.json").toFile());
            assertEquals(data, json.get("imageData").asText());
            assertEquals("e.jpg", json.get("imagePath").asText());
            assertFalse(Files.isSymbolicLink(target.resolve("val/e.json")), "never a link to the source JSON");
            DatasetLoader.Result back = DatasetLoader.load(target, new LabelMeFormat());
            assertEquals(List.of(new ImageRef("val/e.json", "val", 12, 9)), back.sink().images());
            assertSameAnnotations(in, back);
        }
        assertTrue(Files.readString(src.resolve("val/e.json")).contains("gone.jpg"), "the source is untouched");
    }

    // ------------------------------------------------------------------ shared samples

    @Test
    void bboxDetectionSampleRoundTrips() throws IOException {
        Path sample = sample("labelme/bbox_detection");
        DatasetLoader.Result in = DatasetLoader.load(sample, new LabelMeFormat());
        Path out = work.resolve("out");
        ConversionReport report = write(in, out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());

        // data_annotated/*.json: 2 + 4 + 3 rectangles; labels.txt: 20 classes after __ignore__/_background_
        // (python3 json over the files, wc -l).
        assertEquals(9, report.annotationsOut());
        assertEquals(List.of(), report.losses());
        assertEquals(20, back.sink().classes().size());
        assertEquals(in.sink().classes(), back.sink().classes());
        assertEquals(List.of(), back.sink().problems());
        assertSameAnnotations(in, back);
        assertEquals(Files.readString(sample.resolve("labels.txt")).strip(),
                Files.readString(out.resolve("labels.txt")).strip(), "labels.txt as labelme's example has it");
        // The shapes as written, checked on the JSON itself: 2011_000003.json's first rectangle.
        JsonNode first = MAPPER.readTree(out.resolve("data_annotated/2011_000003.json").toFile()).get("shapes").get(0);
        assertEquals("person", first.get("label").asText());
        assertEquals("[[191.0,107.36900369003689],[313.0,329.36900369003695]]", first.get("points").toString());
    }

    @Test
    void instanceSegmentationSampleRoundTripsWithGroupIds() throws IOException {
        Path sample = sample("labelme/instance_segmentation");
        DatasetLoader.Result in = DatasetLoader.load(sample, new LabelMeFormat());
        Path out = work.resolve("out");
        ConversionReport report = write(in, out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());

        // 5 + 10 + 3 polygons, 2 of them __ignore__ (not annotations); 6 with group_id 0 (python3 json).
        assertEquals(16, report.annotationsOut());
        assertEquals(List.of(), report.losses());
        assertEquals(List.of(), report.notes());
        assertEquals(in.sink().classes(), back.sink().classes());
        assertSameAnnotations(in, back);
        assertEquals(6, back.sink().annotations().stream()
                .filter(a -> "0".equals(a.attributes().get("group_id"))).count());
        JsonNode shapes = MAPPER.readTree(out.resolve("data_annotated/2011_000006.json").toFile()).get("shapes");
        assertEquals(0, shapes.get(5).get("group_id").asInt());
        assertEquals("sofa", shapes.get(5).get("label").asText());
    }

    @Test
    void instanceSegmentationOutputGroupsLikeLabelmesOwnCocoExport() throws IOException {
        // labelme's data_dataset_coco/annotations.json is labelme2coco's output for the same sources: it merges
        // the shapes of one (label, group_id) into one annotation. Grouping the polygons of our output the same
        // way must give exactly its segmentations.
        Path sample = sample("labelme/instance_segmentation");
        Path out = work.resolve("out");
        write(DatasetLoader.load(sample, new LabelMeFormat()), out, ImageMode.NONE);
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());
        Map<String, String> names = back.sink().classes().stream()
                .collect(Collectors.toMap(c -> Integer.toString(c.id()), ClassLabel::name));
        Map<String, List<String>> ours = new TreeMap<>();
        int ungrouped = 0;
        for (Annotation a : back.sink().annotations()) {
            String group = a.attributes().get("group_id");
            String key = fileName(a.imagePath()) + " " + names.get(Integer.toString(a.classId())) + " "
                    + (group == null ? "#" + ungrouped++ : group);
            ours.computeIfAbsent(key, k -> new ArrayList<>()).add(polygonText(a.polygons().get(0).points()));
        }

        JsonNode coco = MAPPER.readTree(sample.resolve("data_dataset_coco/annotations.json").toFile());
        Map<Integer, String> files = new HashMap<>();
        coco.get("images").forEach(i -> files.put(i.get("id").asInt(), fileName(i.get("file_name").asText())));
        Map<Integer, String> categories = new HashMap<>();
        coco.get("categories").forEach(c -> categories.put(c.get("id").asInt(), c.get("name").asText()));
        List<String> theirs = new ArrayList<>();
        for (JsonNode a : coco.get("annotations")) {
            List<String> polygons = new ArrayList<>();
            a.get("segmentation").forEach(s -> {
                double[] p = new double[s.size()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = s.get(i).asDouble();
                }
                polygons.add(polygonText(p));
            });
            theirs.add(files.get(a.get("image_id").asInt()) + " " + categories.get(a.get("category_id").asInt())
                    + " " + polygons);
        }
        List<String> mine = ours.entrySet().stream()
                .map(e -> e.getKey().substring(0, e.getKey().lastIndexOf(' ')) + " " + e.getValue()).toList();
        // 12 annotations in annotations.json (python3 json): 16 shapes, two groups of 2 and 4 polygons.
        assertEquals(12, theirs.size());
        assertEquals(theirs.stream().sorted().toList(), mine.stream().sorted().toList());
    }

    @Test
    void primitivesSampleKeepsEveryInvertibleShapeType() throws IOException {
        Path sample = sample("labelme/primitives");
        DatasetLoader.Result in = DatasetLoader.load(sample, new LabelMeFormat());
        Path out = work.resolve("out");
        ConversionReport report = write(in, out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());

        // primitives.json: rectangle, circle, rectangle, polygon, line, point, linestrip, mask (python3 json).
        // The mask's pixels are never read, so it is the one shape written differently: as a rectangle.
        assertEquals(Map.of("shape_type 'mask'", 1L), losses(report));
        JsonNode shapes = MAPPER.readTree(out.resolve("primitives.json").toFile()).get("shapes");
        assertEquals(List.of("rectangle", "circle", "rectangle", "polygon", "line", "point", "linestrip", "rectangle"),
                shapes.findValuesAsText("shape_type"));
        List<Annotation> before = in.sink().annotations();
        List<Annotation> after = back.sink().annotations();
        assertEquals(8, after.size());
        for (int i = 0; i < 8; i++) {
            assertBox(before.get(i).box(), after.get(i).box());
            assertEquals(before.get(i).classId(), after.get(i).classId());
            Map<String, String> expected = new HashMap<>(before.get(i).attributes());
            expected.remove("shape_type", "mask");
            assertEquals(expected, after.get(i).attributes(), "shape " + i);
        }
    }

    @Test
    void classificationSampleFlagsRoundTrip() throws IOException {
        Path sample = sample("labelme/classification");
        DatasetLoader.Result in = DatasetLoader.load(sample, new LabelMeFormat());
        Path out = work.resolve("out");
        ConversionReport report = write(in, out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new LabelMeFormat());

        // flags.txt: __ignore__, cat, dog; 0001.json flags cat: true, 0002.json dog: true (python3 json).
        assertEquals(List.of(), report.losses());
        assertEquals(in.sink().classes(), back.sink().classes());
        assertSameAnnotations(in, back);
        assertEquals("{\"cat\":true}", MAPPER.readTree(out.resolve("data_annotated/0001.json").toFile())
                .get("flags").toString());
        assertEquals("__ignore__\ncat\ndog\n", Files.readString(out.resolve("flags.txt")));
    }

    // ------------------------------------------------------------------ helpers

    private static ConversionReport write(DatasetLoader.Result in, Path out, ImageMode mode) throws IOException {
        Files.createDirectories(out);
        ConversionReport report = new ConversionReport("labelme", "labelme");
        new LabelMeWriter().write(DatasetSource.of(in), new WriteTarget(out, in.root(), mode, report, Progress.NONE));
        return report;
    }

    private static DatasetSource source(List<ClassLabel> classes, Map<ImageItem, List<Annotation>> images) {
        return new DatasetSource() {
            @Override
            public Path root() {
                return Path.of("").toAbsolutePath();
            }

            @Override
            public List<ClassLabel> classes() {
                return classes;
            }

            @Override
            public long imageCount() {
                return images.size();
            }

            @Override
            public void forEachImage(ImageVisitor visitor) throws IOException {
                List<ImageItem> sorted = new ArrayList<>(images.keySet());
                sorted.sort(Comparator.comparing(ImageItem::path));
                for (ImageItem image : sorted) {
                    visitor.visit(image, images.get(image));
                }
            }
        };
    }

    private static Path sample(String relative) {
        Path path = SAMPLES.resolve(relative);
        Assumptions.assumeTrue(Files.isDirectory(path), "shared sample " + relative + " not present");
        return path;
    }

    private static String labelMe(String imagePath, int w, int h, String flags, String... shapes) {
        return "{\"version\": \"5.4.1\", \"flags\": " + flags + ", \"shapes\": [" + String.join(", ", shapes)
                + "], \"imagePath\": \"" + imagePath + "\", \"imageData\": null, \"imageHeight\": " + h
                + ", \"imageWidth\": " + w + "}";
    }

    private static String shape(String label, String type, String points, String more) {
        return "{\"label\": \"" + label + "\", \"points\": " + points + ", \"shape_type\": \"" + type + "\"" + more
                + "}";
    }

    private static Map<String, Long> losses(ConversionReport report) {
        return report.losses().stream()
                .collect(Collectors.toMap(ConversionReport.Loss::kind, ConversionReport.Loss::count));
    }

    private static Map<String, String> splits(DatasetLoader.Result r) {
        Map<String, String> splits = new TreeMap<>();
        for (ImageRef i : r.sink().images()) {
            splits.put(i.path(), String.valueOf(i.split()));
        }
        return splits;
    }

    private static List<Annotation> annotationsOf(DatasetLoader.Result r, String image) {
        return r.sink().annotations().stream().filter(a -> a.imagePath().equals(image)).toList();
    }

    /** Same images, and per image the same annotations in the same order (boxes and points within 1e-6). */
    private static void assertSameAnnotations(DatasetLoader.Result expected, DatasetLoader.Result actual) {
        Map<String, List<Annotation>> want = byImage(expected);
        Map<String, List<Annotation>> got = byImage(actual);
        assertEquals(want.keySet(), got.keySet());
        for (Map.Entry<String, List<Annotation>> e : want.entrySet()) {
            List<Annotation> w = e.getValue();
            List<Annotation> g = got.get(e.getKey());
            assertEquals(w.size(), g.size(), e.getKey());
            for (int i = 0; i < w.size(); i++) {
                String at = e.getKey() + " #" + i;
                assertEquals(w.get(i).classId(), g.get(i).classId(), at);
                assertEquals(w.get(i).crowd(), g.get(i).crowd(), at);
                assertEquals(w.get(i).attributes(), g.get(i).attributes(), at);
                if (w.get(i).box() == null) {
                    assertNull(g.get(i).box(), at);
                } else {
                    assertNotNull(g.get(i).box(), at);
                    assertBox(w.get(i).box(), g.get(i).box());
                }
                assertEquals(w.get(i).polygons().size(), g.get(i).polygons().size(), at);
                for (int p = 0; p < w.get(i).polygons().size(); p++) {
                    double[] wp = w.get(i).polygons().get(p).points();
                    double[] gp = g.get(i).polygons().get(p).points();
                    assertEquals(wp.length, gp.length, at);
                    for (int k = 0; k < wp.length; k++) {
                        assertEquals(wp[k], gp[k], 1e-6 * Math.max(1, Math.abs(wp[k])), at);
                    }
                }
            }
        }
    }

    private static Map<String, List<Annotation>> byImage(DatasetLoader.Result r) {
        Map<String, List<Annotation>> result = new TreeMap<>();
        r.sink().images().forEach(i -> result.put(i.path(), new ArrayList<>()));
        r.sink().annotations().forEach(a -> result.computeIfAbsent(a.imagePath(), k -> new ArrayList<>()).add(a));
        return result;
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        String message = expected + " vs " + actual;
        assertEquals(expected.x(), actual.x(), 1e-6 * Math.max(1, Math.abs(expected.x())), message);
        assertEquals(expected.y(), actual.y(), 1e-6 * Math.max(1, Math.abs(expected.y())), message);
        assertEquals(expected.width(), actual.width(), 1e-6 * Math.max(1, Math.abs(expected.width())), message);
        assertEquals(expected.height(), actual.height(), 1e-6 * Math.max(1, Math.abs(expected.height())), message);
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String polygonText(double[] p) {
        StringBuilder sb = new StringBuilder();
        for (double v : p) {
            sb.append(Math.round(v * 1e6) / 1e6).append(' ');
        }
        return sb.toString().strip();
    }
}

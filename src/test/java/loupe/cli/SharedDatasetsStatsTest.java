package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code loupe stats --json} on every sample of the four foundation formats in {@code ../shared/datasets}
 * (data written by other tools) gives the true counts. The expected numbers were counted independently of
 * Loupe: python3's json / xml.etree over the annotation files, {@code wc -l} of the names files, {@code find}
 * for images. Skips when {@code ../shared} is absent (a user's fresh clone).
 */
class SharedDatasetsStatsTest {

    private static final Path SHARED = Path.of("..", "shared", "datasets");

    @TempDir
    Path cache;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // sample,                                                   format,  images, annotations, classes
        "raccoon,                                                    voc,     200,    217,  1",
        "datumaro/voc/voc_dataset1,                                  voc,     2,      2,    22",
        "datumaro/voc/voc_dataset2,                                  voc,     5,      4,    22",
        "datumaro/voc/voc_dataset3,                                  voc,     1,      1,    1",
        "labelme/bbox_detection/data_dataset_voc,                    voc,     3,      9,    21",
        "datumaro/imagenet_folders/flat,                             folders, 4,      3,    2",
        "datumaro/imagenet_folders/subsets,                          folders, 12,     9,    2",
        "datumaro/yolo_darknet/strict,                               yolo,    1,      2,    10",
        "datumaro/yolo_darknet/labels,                               yolo,    2,      4,    10",
        "datumaro/yolo_darknet/annotations,                          yolo,    1,      2,    10",
        "label-studio-converter/tests_data/test_import_yolo_data,    yolo,    7,      25,   4",
        "label-studio-converter/tests_data/test_import_yolo_data_unif_dims, yolo, 5,  19,   4",
        "datumaro/coco/coco_instances,                               coco,    2,      3,    3",
        "datumaro/coco/coco_roboflow,                                coco,    2,      3,    3",
        "datumaro/coco/mmdet_coco,                                   coco,    2,      3,    3",
        "labelme/instance_segmentation/data_dataset_coco,            coco,    3,      12,   21",
        "datumaro/cvat_xml/for_images/export_project,                cvat,    6,      12,   2",
        "datumaro/cvat_xml/for_images/export_task,                   cvat,    2,      2,    2",
        "datumaro/cvat_xml/for_video,                                cvat,    3,      0,    3",
        "labelme/bbox_detection,                                     labelme, 3,      9,    20",
        "labelme/instance_segmentation,                              labelme, 3,      16,   20",
        "labelme/semantic_segmentation,                              labelme, 3,      16,   20",
        "labelme/video_annotation,                                   labelme, 5,      15,   2",
        "labelme/classification,                                     labelme, 2,      2,    2",
        "labelme/primitives,                                         labelme, 1,      8,    7",
        "labelme/tutorial,                                           labelme, 1,      4,    4",
        "labelme,                                                    labelme, 18,     70,   20",
        "datumaro/kitti/kitti_detection,                             kitti,   2,      5,    2",
        "datumaro/kitti/kitti_3d,                                    kitti,   1,      3,    3",
        "datumaro/open_images/v6,                                    openimages, 4,   2,    4",
        "datumaro/open_images/v5,                                    openimages, 2,   0,    2",
    })
    void statsGiveTheTrueCounts(String sample, String format, int images, int annotations, int classes)
            throws Exception {
        Path root = SHARED.resolve(sample);
        assumeTrue(Files.isDirectory(root), "../shared/datasets not present");

        CliTest.Run run = CliTest.run("stats", root.toString(), "--catalog", cache.resolve("c.duckdb").toString(),
                "--json", "-q");

        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(format, json.get("format").asText());
        assertEquals(images, json.get("images").asInt());
        assertEquals(annotations, json.get("annotations").asInt());
        assertEquals(classes, json.get("classes").size());
        long perSplitImages = 0;
        for (JsonNode split : json.get("splits")) {
            perSplitImages += split.get("images").asLong();
        }
        if (json.get("splits").size() > 0) {
            assertEquals(images, perSplitImages, "every image is in exactly one split");
        }
    }
}

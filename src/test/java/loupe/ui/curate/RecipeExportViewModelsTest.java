package loupe.ui.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.curation.Recipe;
import loupe.core.export.ManifestFormat;
import loupe.core.index.Catalog;
import loupe.ui.charts.SampleCatalog;
import loupe.ui.fx.JobRunner;

/**
 * The manifest and shard dialogs' view models given the Curate view's recipe, on the sample dataset (val: 8
 * images with car 11, tree 4, person 6 instances; see SampleCatalog).
 */
class RecipeExportViewModelsTest {

    private static final String RECIPE = "{\"filter\": {\"splits\": [\"val\"]},"
            + " \"labels\": {\"rename\": {\"car\": \"auto\"}, \"dropBoxes\": [\"tree\"]}}";

    @TempDir
    Path dir;

    @TempDir
    Path out;

    private Catalog catalog;

    @BeforeEach
    void open() throws Exception {
        catalog = SampleCatalog.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        catalog.close();
    }

    @Test
    void manifestListsTheRecipesItemsWithTheirNewLabels() throws Exception {
        Recipe recipe = Recipe.parse(RECIPE, "ui");
        ManifestExportViewModel export = new ManifestExportViewModel(JobRunner.direct(), catalog, SampleCatalog.ROOT,
                () -> recipe);
        assertTrue(export.usesRecipe());
        export.formatProperty().set(ManifestFormat.JSONL);
        Path file = out.resolve("m.jsonl");
        export.outputProperty().set(file);
        export.start();

        assertEquals(ExportViewModel.State.SUCCEEDED, export.getState(), export.getError());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(8, lines.size(), "the val images only");
        long auto = 0;
        for (String line : lines) {
            JsonNode row = new ObjectMapper().readTree(line);
            assertEquals("val", row.get("split").asText());
            for (JsonNode label : row.get("labels")) {
                assertFalse(label.get("name").asText().equals("tree") || label.get("name").asText().equals("car"),
                        line);
                auto += label.get("name").asText().equals("auto") ? label.get("count").asLong() : 0;
            }
        }
        assertEquals(11, auto, "val's 11 cars, renamed");
        assertTrue(export.getSummary().contains("8 rows"), export.getSummary());
    }

    @Test
    void manifestWithoutARecipeListsEveryImage() throws Exception {
        ManifestExportViewModel export = new ManifestExportViewModel(JobRunner.direct(), catalog, SampleCatalog.ROOT,
                () -> null);
        export.formatProperty().set(ManifestFormat.CSV);
        Path file = out.resolve("m.csv");
        export.outputProperty().set(file);
        export.start();

        assertEquals(ExportViewModel.State.SUCCEEDED, export.getState(), export.getError());
        assertEquals(37, Files.readAllLines(file).size(), "header and 36 images");
    }

    @Test
    void shardsHoldTheRecipesSamples() throws Exception {
        Recipe recipe = Recipe.parse(RECIPE, "ui");
        ShardExportViewModel export = new ShardExportViewModel(JobRunner.direct(), catalog, SampleCatalog.ROOT,
                () -> recipe);
        export.shardSizeProperty().set("5");
        Path target = out.resolve("shards");
        export.outputProperty().set(target);
        export.start();

        assertEquals(ExportViewModel.State.SUCCEEDED, export.getState(), export.getError());
        JsonNode index = new ObjectMapper().readTree(target.resolve("shards.json").toFile());
        assertEquals(8, index.get("items").asInt());
        assertEquals(2, index.get("shards").size());
        String tar = new String(Files.readAllBytes(target.resolve("shard-000000.tar")), StandardCharsets.ISO_8859_1);
        assertTrue(tar.contains("\"class_name\":\"auto\""));
        assertFalse(tar.contains("\"class_name\":\"tree\""));
    }
}

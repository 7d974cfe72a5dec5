package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RecipeTest {

    private static final String FULL = """
            {
              "version": 1,
              "seed": 42,
              "filter": {
                "classes": {"any": ["car"], "none": ["junk"]},
                "splits": ["train", "val"],
                "problems": {"none": ["CORRUPT_IMAGE"]},
                "boxCount": {"min": 1, "max": 50},
                "boxWidth": {"min": 4},
                "imageWidth": {"min": 32},
                "paths": ["images/**"]
              },
              "labels": {
                "rename": {"automobile": "car"},
                "merge": {"vehicle": ["car", "truck"]},
                "dropBoxes": ["blur"],
                "dropImages": ["nsfw"],
                "dropEmptyImages": true
              },
              "balance": {"maxImagesPerClass": 1000, "oversample": {"targetRatio": 0.5, "maxRepeats": 4}},
              "split": {
                "method": "stratified",
                "ratios": {"train": 0.8, "val": 0.1, "test": 0.1},
                "groupBy": [{"by": "regex", "pattern": "^(.*)_tile\\\\d+"}, {"by": "duplicates"}]
              }
            }
            """;

    @Test
    void readsEveryDocumentedField() throws RecipeException {
        Recipe r = Recipe.parse(FULL, "r.json");
        assertEquals(42L, r.seed());
        assertEquals(List.of("car"), r.filter().classes().any());
        assertEquals(50.0, r.filter().boxCount().max());
        assertEquals(Map.of("vehicle", List.of("car", "truck")), r.labels().merge());
        assertEquals(0.5, r.balance().oversample().targetRatio());
        assertEquals(List.of("train", "val", "test"), List.copyOf(r.split().ratios().keySet()));
        assertEquals("duplicates", r.split().groupBy().get(1).by());
    }

    @Test
    void writesJsonThatReadsBackEqual() throws RecipeException {
        Recipe r = Recipe.parse(FULL, "r.json");
        assertEquals(r, Recipe.parse(r.toJson(), null));
        assertEquals(Recipe.EMPTY, Recipe.parse(Recipe.EMPTY.toJson(), null));
    }

    @Test
    void effectiveRecipeCarriesVersionAndSeed() throws RecipeException {
        Recipe r = Recipe.parse("{}", null).effective(null);
        assertEquals(1, r.version());
        assertEquals(0L, r.seed());
        assertEquals(9L, Recipe.parse("{\"seed\": 3}", null).effective(9L).seed());
        assertTrue(r.toJson().contains("\"seed\" : 0"), r.toJson());
    }

    private static RecipeException invalid(String json) {
        return assertThrows(RecipeException.class, () -> Recipe.parse(json, "r.json"));
    }

    private static void assertOneLine(RecipeException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("r.json: "), e.getMessage());
    }

    @Test
    void unknownFieldIsAnErrorNamingItsPath() {
        RecipeException e = invalid("{\"filter\": {\"clases\": {\"any\": [\"car\"]}}}");
        assertEquals("filter.clases", e.field());
        assertOneLine(e);
        assertTrue(e.getMessage().contains("unknown field 'filter.clases'"), e.getMessage());
        assertTrue(e.getMessage().contains("classes"), "lists the known fields: " + e.getMessage());
        assertEquals("labels.rename2", invalid("{\"labels\": {\"rename2\": {}}}").field());
    }

    @Test
    void wrongTypesNameTheField() {
        RecipeException e = invalid("{\"balance\": {\"maxImagesPerClass\": \"many\"}}");
        assertEquals("balance.maxImagesPerClass", e.field());
        assertOneLine(e);
        assertTrue(e.getMessage().contains("expects a number"), e.getMessage());
        assertEquals("filter.splits", invalid("{\"filter\": {\"splits\": \"train\"}}").field());
    }

    @Test
    void invalidValuesNameTheField() {
        assertEquals("version", invalid("{\"version\": 2}").field());
        assertEquals("split.method", invalid("{\"split\": {\"method\": \"sorted\"}}").field());
        assertEquals("split.ratios", invalid("{\"split\": {\"method\": \"random\"}}").field());
        assertEquals("split.ratios.val", invalid("{\"split\": {\"method\": \"random\", \"ratios\": {\"val\": -1}}}").field());
        assertEquals("filter.problems.any", invalid("{\"filter\": {\"problems\": {\"any\": [\"UGLY\"]}}}").field());
        assertEquals("filter.boxCount", invalid("{\"filter\": {\"boxCount\": {\"min\": 5, \"max\": 1}}}").field());
        assertEquals("balance.oversample.targetRatio",
                invalid("{\"balance\": {\"oversample\": {\"targetRatio\": 2}}}").field());
        assertEquals("split.groupBy[0].pattern",
                invalid("{\"split\": {\"method\": \"random\", \"ratios\": {\"a\": 1}, \"groupBy\": [{\"by\": \"regex\","
                        + " \"pattern\": \"(\"}]}}").field());
        assertEquals("split.groupBy[0].by",
                invalid("{\"split\": {\"method\": \"random\", \"ratios\": {\"a\": 1}, \"groupBy\": [{\"by\": \"x\"}]}}").field());
        RecipeException tags = invalid("{\"filter\": {\"tags\": [\"reviewed\"]}}");
        assertEquals("filter.tags", tags.field());
        assertTrue(tags.getMessage().contains("not supported yet"), tags.getMessage());
        assertOneLine(tags);
    }

    @Test
    void malformedJsonSaysWhere() {
        RecipeException e = invalid("{\"seed\": 1,,}");
        assertOneLine(e);
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}

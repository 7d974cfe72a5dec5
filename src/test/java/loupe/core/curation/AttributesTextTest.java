package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link CurationSession#attributes}: the quick split of the catalog's attribute text, and its fallback. */
class AttributesTextTest {

    @Test
    void flatStringObjectsAreSplitExactly() throws IOException {
        assertEquals(Map.of(), CurationSession.attributes(null));
        assertEquals(Map.of(), CurationSession.attributes("{}"));
        assertEquals(Map.of("area", "792.0", "id", "742598"),
                CurationSession.attributes("{\"area\":\"792.0\",\"id\":\"742598\"}"));
        assertEquals(Map.of("k", "", "a b", "x,y:z{}"), CurationSession.attributes("{\"k\":\"\",\"a b\":\"x,y:z{}\"}"));
    }

    @Test
    void anythingElseReadsAsJacksonReadsIt() throws IOException {
        assertEquals(Map.of("q", "say \"hi\"", "u", "é"),
                CurationSession.attributes("{\"q\":\"say \\\"hi\\\"\",\"u\":\"\\u00e9\"}"));
        assertEquals(Map.of("n", "3", "b", "true"), CurationSession.attributes("{\"n\":3,\"b\":true}"));
        assertEquals(Map.of("a", "1"), CurationSession.attributes("{ \"a\" : \"1\" }"));
        assertEquals(Map.of("a", "2"), CurationSession.attributes("{\"a\":\"1\",\"a\":\"2\"}"), "the last one wins");
        assertThrows(IOException.class, () -> CurationSession.attributes("{\"a\":\"1\","));
        assertThrows(IOException.class, () -> CurationSession.attributes("{\"a\":\"1\",}"));
    }
}

package loupe.ui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

class AppSettingsTest {

    @TempDir
    Path dir;

    @Test
    void savedSettingsLoadBackTheSame() throws IOException {
        Path file = dir.resolve("settings.json");
        AppSettings saved = new AppSettings(Double.NaN, 12.5, 1280, 800, true, "dark", "gallery",
                List.of("/data/a b", "/data/\u00fc \"quoted\" \\ back", "C:\\\\x"));

        saved.save(file);

        assertEquals(saved, AppSettings.load(file));
        assertEquals(saved, SettingsJson.parse(Files.readString(file)), "read without Jackson");
    }

    @Test
    void theQuickReaderAgreesWithJacksonOnWhatItAccepts() throws IOException {
        ObjectMapper jackson = new ObjectMapper();
        for (String json : List.of(
                "{}",
                "{\"x\":\"NaN\",\"y\":-3e2,\"width\":0,\"height\":1.5E3,\"maximized\":false,\"theme\":null,"
                        + "\"recent\":[]}",
                " { \"view\" : \"viewer\", \"unknown\": {\"a\": [1, {\"b\": null}], \"c\": true}, \"more\": [\"x\"] } ",
                "{\"recent\":[\"a\\u00e9\\n\", \"b/c\"], \"theme\": \"light\"}")) {
            AppSettings quick = SettingsJson.parse(json);
            assertEquals(jackson.readValue(json, AppSettings.class), quick, json);
        }
    }

    @Test
    void theQuickReaderRefusesWhatItDoesNotKnowAndJacksonDecides() throws IOException {
        for (String json : List.of("", "[]", "{\"x\": }", "{\"x\": 1} trailing", "{\"recent\": \"one\"}",
                "{\"maximized\": \"true\"}", "{\"recent\": [1]}", "{\"theme\": \"a\u0001\"}", "{\"x\": 1,}")) {
            assertNull(SettingsJson.parse(json), json);
        }
        // Jackson coerces "true" to a boolean: the file still loads.
        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"maximized\": \"true\", \"theme\": \"dark\"}");
        AppSettings loaded = AppSettings.load(file);
        assertTrue(loaded.maximized());
        assertEquals("dark", loaded.theme());
    }

    @Test
    void aBrokenOrMissingFileGivesTheDefaults() throws IOException {
        assertEquals(AppSettings.DEFAULTS, AppSettings.load(dir.resolve("absent.json")));
        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"x\": ");
        assertEquals(AppSettings.DEFAULTS, AppSettings.load(file));
    }
}

package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** The fast path for decimals gives exactly the double Java's own parser gives, bit for bit. */
class JsonValuesDoubleTest {

    @Test
    void decimalsParseToTheSameBitsAsDoubleParseDouble() throws IOException {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of("0.0", "-0.0", "1.5", "123.45", "0.1", "0.3", "1e22", "1e23",
                "9007199254740993.0", "123456789012345.6", "1234567890123456.7", "0.000001", "1.7976931348623157e308",
                "4.9e-324", "2.2250738585072014E-308", "1E-22", "1e-23", "-17.5e2", "3.0E+1", "100000000000000000000.5",
                "0.00000000000000000000000000001", "12345678901234567890123.0"));
        for (int i = 0; i < 20_000; i++) {
            int decimals = random.nextInt(8);
            double v = (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(12));
            texts.add(String.format(Locale.ROOT, "%." + decimals + "f", v).replace(",", ""));
            texts.add(Double.toString(v));
        }
        StringBuilder json = new StringBuilder("[");
        for (String t : texts) {
            json.append(json.length() > 1 ? "," : "").append(t.contains(".") || t.contains("e") || t.contains("E")
                    ? t : t + ".0");
        }
        json.append(']');
        try (JsonParser p = CocoReader.JSON.createParser(json.toString())) {
            p.nextToken();
            int i = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
                String text = p.getText();
                double expected = Double.parseDouble(text);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(JsonValues.doubleValue(p)),
                        text);
            }
            assertEquals(texts.size(), i);
        }
    }
}

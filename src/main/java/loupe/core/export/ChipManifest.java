package loupe.core.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The chip manifest: one row per chip mapping it to its source image and offset, as {@code chips.csv} or
 * {@code chips.jsonl} in the output. Columns: {@code chip} (the chip image's path in the output, where the format's
 * writer put it), {@code source} (the source image's path relative to the source dataset), {@code group} (the same
 * source path: every chip of one image shares it, so a later split can keep them together), {@code split},
 * {@code x}, {@code y}, {@code width}, {@code height} (the chip's rectangle in full-resolution source pixels),
 * {@code downsample} and {@code boxes} (annotations in the chip). Rows are kept in memory until written (about a
 * hundred bytes each).
 */
final class ChipManifest {

    /** One chip; {@code chip} is its path in the staging folder until {@link #write} maps it. */
    record Row(String chip, String source, String split, int x, int y, int width, int height, double downsample,
               int boxes) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    int size() {
        return rows.size();
    }

    static String fileName(String format) {
        return "chips." + format;
    }

    /**
     * Writes the manifest.
     *
     * @param outputPaths staging path of each chip to its path in the output (chips missing from it keep their
     *                    staging path, which is also their name)
     */
    void write(Path file, String format, Map<String, String> outputPaths) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (format.equals("csv")) {
                out.write("chip,source,group,split,x,y,width,height,downsample,boxes\n");
                for (Row r : rows) {
                    out.write(csv(outputPaths.getOrDefault(r.chip(), r.chip())) + "," + csv(r.source()) + ","
                            + csv(r.source()) + "," + csv(r.split() == null ? "" : r.split()) + "," + r.x() + ","
                            + r.y() + "," + r.width() + "," + r.height() + "," + number(r.downsample()) + ","
                            + r.boxes() + "\n");
                }
                return;
            }
            JsonFactory json = new JsonFactory();
            for (Row r : rows) {
                java.io.StringWriter line = new java.io.StringWriter();
                try (JsonGenerator g = json.createGenerator(line)) {
                    g.writeStartObject();
                    g.writeStringField("chip", outputPaths.getOrDefault(r.chip(), r.chip()));
                    g.writeStringField("source", r.source());
                    g.writeStringField("group", r.source());
                    g.writeStringField("split", r.split());
                    g.writeNumberField("x", r.x());
                    g.writeNumberField("y", r.y());
                    g.writeNumberField("width", r.width());
                    g.writeNumberField("height", r.height());
                    g.writeNumberField("downsample", r.downsample());
                    g.writeNumberField("boxes", r.boxes());
                    g.writeEndObject();
                }
                out.write(line.toString());
                out.write('\n');
            }
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    private static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}

package loupe.core.export;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The file formats a manifest can be written in. All three hold the same columns; CSV encodes the list and
 * struct columns ({@code class_ids}, {@code class_names}, {@code labels}) as JSON text, the other two keep
 * them as native arrays/objects (JSON Lines) or LIST/STRUCT columns (Parquet).
 */
public enum ManifestFormat {
    CSV("csv"),
    /** Newline-delimited JSON: one object per line. */
    JSONL("jsonl"),
    PARQUET("parquet");

    private final String id;

    ManifestFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** By id ({@code csv}, {@code jsonl}, {@code parquet}; {@code json} and {@code ndjson} mean JSON Lines). */
    public static Optional<ManifestFormat> byId(String id) {
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "csv" -> Optional.of(CSV);
            case "jsonl", "ndjson", "json" -> Optional.of(JSONL);
            case "parquet", "pq" -> Optional.of(PARQUET);
            default -> Optional.empty();
        };
    }

    /**
     * From a file name's extension: {@code .csv}, {@code .jsonl}/{@code .ndjson}/{@code .json},
     * {@code .parquet}/{@code .pq}; empty for anything else.
     */
    public static Optional<ManifestFormat> fromFileName(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? Optional.empty() : byId(s.substring(dot + 1));
    }
}

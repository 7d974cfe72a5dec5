package loupe.core.formats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The registry of formats, listed explicitly, and auto-detection. */
public final class Formats {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Formats.class);

    private static final List<DatasetFormat> ALL = List.of(
            new CocoFormat(),
            new YoloFormat(),
            new YoloObbFormat(),
            new VocFormat(),
            new CvatFormat(),
            new LabelMeFormat(),
            new TfodCsvFormat(),
            new KittiFormat(),
            new CreateMlFormat(),
            new OpenImagesFormat(),
            new CocoResultsFormat(),
            new ClassFoldersFormat());

    private Formats() {
    }

    public static List<DatasetFormat> all() {
        return ALL;
    }

    public static Optional<DatasetFormat> byId(String id) {
        return ALL.stream().filter(f -> f.id().equalsIgnoreCase(id)).findFirst();
    }

    public static List<String> ids() {
        return ALL.stream().map(DatasetFormat::id).collect(Collectors.toList());
    }

    /** The ids of the formats Loupe can write. */
    public static List<String> writableIds() {
        return ALL.stream().filter(f -> f.writer().isPresent()).map(DatasetFormat::id).collect(Collectors.toList());
    }

    /** The chosen format and why. */
    public record Detection(DatasetFormat format, Support support) {
    }

    /**
     * Picks the format with the highest confidence.
     *
     * @throws UnknownFormatException when no format recognises the folder, with each format's reason
     */
    public static Detection detect(Path root, FileListing files) throws IOException {
        Detection best = null;
        StringBuilder reasons = new StringBuilder();
        for (DatasetFormat format : ALL) {
            long start = System.nanoTime();
            Support support = format.probe(files, root);
            LOG.debug("probe {}: {} ms", format.id(), (System.nanoTime() - start) / 1_000_000);
            reasons.append("\n  ").append(format.id()).append(": ").append(support.reason());
            if (support.matches() && (best == null || support.confidence() > best.support().confidence())) {
                best = new Detection(format, support);
            }
        }
        if (best == null) {
            throw new UnknownFormatException("no known dataset format found in " + root
                    + " (use --format " + String.join("|", ids()) + "):" + reasons);
        }
        return best;
    }
}

package loupe.core.index;

/**
 * What an index run did.
 *
 * @param files          regular files found under the root
 * @param images         images in the dataset (declared by the format)
 * @param annotations    annotations (boxes, polygons and image-level labels)
 * @param classes        classes the dataset defines
 * @param problems       problems found (all severities)
 * @param headersRead    image headers read from disk this run (the rest came from the catalog)
 * @param unitsParsed    annotation units parsed this run
 * @param unitsReused    annotation units unchanged since the last run, not parsed again
 * @param elapsedMillis  wall time of the run
 * @param phaseMillis    wall time per phase (listing, scanning, annotations, catalog), in run order
 */
public record IndexResult(String root, String format, String formatReason, long files, long images,
                          long annotations, long classes, long problems, long headersRead, long unitsParsed,
                          long unitsReused, long elapsedMillis,
                          java.util.Map<String, Long> phaseMillis) {

    public double filesPerSecond() {
        return elapsedMillis == 0 ? files : files * 1000.0 / elapsedMillis;
    }
}

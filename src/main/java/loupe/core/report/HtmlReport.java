package loupe.core.report;

import static loupe.core.report.Html.count;
import static loupe.core.report.Html.esc;
import static loupe.core.report.Html.num;
import static loupe.core.report.Html.pct;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import loupe.core.index.Catalog;
import loupe.core.stats.BoxStats;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Histogram;
import loupe.core.stats.ImageSummary;
import loupe.core.stats.Imbalance;
import loupe.core.stats.ProblemKinds;
import loupe.core.stats.SplitShift;
import loupe.core.stats.Statistics;
import loupe.core.stats.Validation;
import loupe.core.task.Progress;

/**
 * The audit report: one self-contained HTML file (inline CSS and SVG, thumbnails as {@code data:} URIs, no
 * script, no reference to anything outside the file) showing a dataset's class balance, splits, box and image
 * statistics and problems. Output is well-formed XML as well as HTML, and every piece of text from the
 * dataset (class names, file names, messages) is escaped.
 */
public final class HtmlReport {

    /** Classes shown in the main bar chart before the rest moves into a collapsed full chart. */
    private static final int CLASSES_SHOWN = 60;

    /**
     * What to put in the report.
     *
     * @param maxProblems  problems listed (spread over the kinds; the counts per kind cover all)
     * @param thumbnails   embed a thumbnail of each listed problem's image
     * @param thumbnailPx  thumbnail size, longest side in px
     * @param fewSamples   the few-samples threshold (instances per class)
     */
    public record Options(int maxProblems, boolean thumbnails, int thumbnailPx, int fewSamples) {

        public static Options defaults() {
            return new Options(200, true, 96, Statistics.DEFAULT_FEW_SAMPLES);
        }
    }

    private HtmlReport() {
    }

    /**
     * Computes the statistics of the whole dataset ({@code split} null) or a split, renders the report and
     * writes it to {@code target} atomically (a temporary file beside it, renamed at the end: a failure or
     * cancellation leaves no partial file).
     *
     * @throws IOException when the catalog cannot be read or the file cannot be written
     * @throws java.util.concurrent.CancellationException when cancelled
     */
    public static void write(Catalog catalog, String split, Path target, Options options, Progress progress)
            throws IOException {
        progress.update("statistics", 0, 1);
        DatasetStats stats = Statistics.compute(catalog, split, 0, options.fewSamples());
        Validation problems = Validation.of(catalog, split, Math.max(0, options.maxProblems()));
        progress.update("statistics", 1, 1);
        String html = render(stats, problems, Path.of(stats.root()), options, progress);
        writeAtomically(target, html);
    }

    /** Writes {@code html} to {@code target} through a temporary file in the same folder and a rename. */
    static void writeAtomically(Path target, String html) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        // Not Files.createTempFile: its owner-only permissions would stay on the report after the rename.
        Path temp = parent.resolve("." + absolute.getFileName() + ".loupe-tmp-" + java.util.UUID.randomUUID());
        try {
            Files.writeString(temp, html, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The report as a string.
     *
     * @param root where the dataset's files are, for thumbnails (paths in the problems are relative to it)
     */
    public static String render(DatasetStats stats, Validation problems, Path root, Options options,
                                Progress progress) {
        StringBuilder b = new StringBuilder(64 * 1024);
        String name = Optional.ofNullable(root.getFileName()).map(Path::toString).orElse(root.toString());
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>Loupe report: ").append(esc(name)).append("</title><style>").append(CSS)
                .append("</style></head><body><main>");
        header(b, stats, problems, name);
        classes(b, stats);
        splits(b, stats);
        boxes(b, stats.boxes());
        images(b, stats.imagesSummary());
        problems(b, problems, root, options, progress);
        b.append("<footer>Made by Loupe from the catalog of ").append(esc(stats.root()))
                .append(". Charts show exact values on hover.</footer></main></body></html>\n");
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------ sections

    private static void header(StringBuilder b, DatasetStats s, Validation v, String name) {
        b.append("<header><h1>").append(esc(name)).append("</h1><p class=\"sub\">").append(esc(s.root()))
                .append(" · format <b>").append(esc(s.format())).append("</b>")
                .append(s.split() == null ? "" : " · split <b>" + esc(s.split()) + "</b>")
                .append(" · ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
                        "yyyy-MM-dd HH:mm 'UTC'"))).append("</p></header>");
        Imbalance m = s.imbalance();
        b.append("<section class=\"cards\">");
        card(b, count(s.images()), "images", s.splits().isEmpty() ? null
                : s.splits().stream().map(sp -> esc(sp.name()) + " " + count(sp.images()))
                .collect(Collectors.joining(" · ")));
        card(b, count(s.annotations()), "annotations", count(s.boxes().boxes()) + " boxes");
        card(b, count(s.classes().size()), "classes", m.unusedClasses() > 0 ? m.unusedClasses() + " unused" : null);
        String problemClass = v.errors() > 0 ? "bad" : v.warnings() > 0 ? "warn" : "ok";
        b.append("<div class=\"card ").append(problemClass).append("\"><div class=\"big\">")
                .append(count(v.errors() + v.warnings() + v.infos())).append("</div><div class=\"label\">problems</div>")
                .append("<div class=\"note\">").append(count(v.errors())).append(" errors · ").append(count(v.warnings()))
                .append(" warnings · ").append(count(v.infos())).append(" info</div></div>");
        card(b, num(m.normalizedEntropy()), "normalized entropy", "1 = balanced");
        card(b, num(m.gini()), "Gini", "0 = balanced");
        card(b, num(m.maxMinRatio()), "max / min class", null);
        card(b, num(m.effectiveClasses()), "effective classes", "of " + m.classes() + " with instances");
        b.append("</section>");
    }

    private static void card(StringBuilder b, String big, String label, String note) {
        b.append("<div class=\"card\"><div class=\"big\">").append(esc(big)).append("</div><div class=\"label\">")
                .append(esc(label)).append("</div>");
        if (note != null) {
            b.append("<div class=\"note\">").append(note).append("</div>");
        }
        b.append("</div>");
    }

    private static void classes(StringBuilder b, DatasetStats s) {
        b.append("<section id=\"classes\"><h2>Class distribution</h2>");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s.classes().size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -s.classes().get(i).instances())
                .thenComparingInt(i -> s.classes().get(i).id()));
        if (order.isEmpty()) {
            b.append("<p>No classes.</p></section>");
            return;
        }
        b.append("<p class=\"hint\">Instances per class, largest first; bar notes give the count and the share of"
                + " all instances.</p>");
        b.append("<input type=\"radio\" name=\"scale\" id=\"scale-lin\" checked=\"checked\"/>")
                .append("<label for=\"scale-lin\">linear</label>")
                .append("<input type=\"radio\" name=\"scale\" id=\"scale-log\"/><label for=\"scale-log\">log</label>");
        List<Integer> shown = order.subList(0, Math.min(CLASSES_SHOWN, order.size()));
        for (boolean log : new boolean[] {false, true}) {
            b.append("<div class=\"").append(log ? "scale-log" : "scale-lin").append("\">");
            b.append(classBars(s, shown, log));
            if (order.size() > shown.size()) {
                b.append("<details><summary>All ").append(order.size()).append(" classes</summary>")
                        .append(classBars(s, order, log)).append("</details>");
            }
            b.append("</div>");
        }
        DatasetStats.FewSamples few = s.fewSamples();
        if (!few.classes().isEmpty()) {
            b.append("<p class=\"callout\"><b>").append(few.classes().size()).append(" classes with fewer than ")
                    .append(few.threshold()).append(" instances:</b> ")
                    .append(few.classes().stream().limit(40).map(c -> esc(c.name()) + " (" + c.instances() + ")")
                            .collect(Collectors.joining(", ")))
                    .append(few.classes().size() > 40 ? ", …" : "").append("</p>");
        }
        b.append("</section>");
    }

    private static String classBars(DatasetStats s, List<Integer> order, boolean log) {
        List<String> labels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i : order) {
            DatasetStats.ClassCount c = s.classes().get(i);
            labels.add(c.name());
            values.add(c.instances());
            notes.add(count(c.instances()) + " · " + pct(s.classShares().get(i).instanceShare()));
        }
        return Svg.hbars(labels, values, notes, log, 1080);
    }

    private static void splits(StringBuilder b, DatasetStats s) {
        if (s.splits().isEmpty()) {
            return;
        }
        b.append("<section id=\"splits\"><h2>Splits</h2><table><thead><tr><th>split</th><th class=\"n\">images</th>")
                .append("<th class=\"n\">annotations</th><th class=\"n\">normalized entropy</th>")
                .append("<th class=\"n\">class-mix distance to all (TVD)</th><th>classes absent from the split</th>")
                .append("</tr></thead><tbody>");
        for (DatasetStats.SplitCount sp : s.splits()) {
            Double tv = s.splitShift().stream().filter(x -> x.split().equals(sp.name()) && x.reference().equals("all"))
                    .findFirst().map(SplitShift::totalVariation).orElse(null);
            b.append("<tr><td>").append(esc(sp.name())).append("</td><td class=\"n\">").append(count(sp.images()))
                    .append("</td><td class=\"n\">").append(count(sp.annotations())).append("</td><td class=\"n\">")
                    .append(num(sp.imbalance().normalizedEntropy())).append("</td><td class=\"n\">").append(num(tv))
                    .append("</td><td>").append(sp.absentClasses().isEmpty() ? "–" : sp.absentClasses().stream()
                            .limit(30).map(c -> esc(c.name())).collect(Collectors.joining(", "))
                            + (sp.absentClasses().size() > 30 ? ", … (" + sp.absentClasses().size() + ")" : ""))
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
        List<SplitShift> pairs = s.splitShift().stream().filter(x -> !x.reference().equals("all")).toList();
        if (!pairs.isEmpty()) {
            b.append("<p class=\"hint\">Class-mix distance between splits (total variation, 0 = same mix, 1 = disjoint): ")
                    .append(pairs.stream().map(p -> esc(p.split()) + " / " + esc(p.reference()) + " "
                            + num(p.totalVariation()) + (p.largestClass() == null ? "" : " (most different: "
                            + esc(p.largestClass()) + ", " + String.format(java.util.Locale.ROOT, "%+.1f",
                            100 * p.largestDifference()) + " points)")).collect(Collectors.joining("; ")))
                    .append("</p>");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s.classes().size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -s.classes().get(i).instances())
                .thenComparingInt(i -> s.classes().get(i).id()));
        List<String> labels = order.stream().map(i -> s.classes().get(i).name()).toList();
        List<String> series = s.splits().stream().map(DatasetStats.SplitCount::name).toList();
        double[][] shares = new double[series.size()][order.size()];
        for (int k = 0; k < series.size(); k++) {
            DatasetStats.SplitCount sp = s.splits().get(k);
            long total = sp.classes().stream().mapToLong(DatasetStats.ClassCount::instances).sum();
            for (int j = 0; j < order.size(); j++) {
                shares[k][j] = total == 0 ? 0 : (double) sp.classes().get(order.get(j)).instances() / total;
            }
        }
        b.append("<details").append(order.size() <= 12 ? " open=\"open\"" : "")
                .append("><summary>Class shares per split</summary>")
                .append(Svg.groupedHbars(labels, series, shares, 1080)).append("</details></section>");
    }

    private static void boxes(StringBuilder b, BoxStats x) {
        b.append("<section id=\"boxes\"><h2>Boxes</h2>");
        long valid = x.boxes() - x.invalid();
        b.append("<p>").append(count(x.boxes())).append(" boxes");
        if (x.invalid() > 0) {
            b.append(", <b>").append(count(x.invalid())).append(" of zero or negative size</b>");
        }
        if (x.withoutBox() > 0) {
            b.append(", ").append(count(x.withoutBox())).append(" annotations without a box");
        }
        b.append("; median ").append(num(x.width().median())).append(" × ").append(num(x.height().median()))
                .append(" px; ").append(count(x.touchingBorder())).append(" (")
                .append(pct(valid == 0 ? 0 : (double) x.touchingBorder() / valid)).append(") touch the image border.</p>");
        b.append("<h3>COCO size categories (area below 32², below 96², above)</h3>")
                .append(Svg.stacked(List.of("small", "medium", "large"), List.of(x.small(), x.medium(), x.large()), 1080));
        b.append("<div class=\"grid\">");
        chart(b, "Box width (px)", Svg.histogram(x.widthHistogram(), Html::compact, Svg.SERIES[0], 530, 200));
        chart(b, "Box height (px)", Svg.histogram(x.heightHistogram(), Html::compact, Svg.SERIES[0], 530, 200));
        chart(b, "Box area (px²)", Svg.histogram(x.areaHistogram(), Html::compact, Svg.SERIES[1], 530, 200));
        chart(b, "Aspect ratio (width / height)", Svg.histogram(x.aspectHistogram(), Html::compact, Svg.SERIES[2],
                530, 200));
        chart(b, "Boxes per image", boxesPerImage(x.boxesPerImage()));
        chart(b, "Box centres (normalised to the image; darker = more)",
                "<div class=\"heat\">" + Svg.heatmap(x.heatmap(), 200) + "<div class=\"note\">" + count(x.heatmap().boxes())
                        + " boxes on a " + x.heatmap().grid() + " × " + x.heatmap().grid() + " grid</div></div>");
        b.append("</div>");
        if (!x.perClass().isEmpty()) {
            b.append("<details><summary>Per class</summary><table><thead><tr><th>class</th><th class=\"n\">boxes</th>")
                    .append("<th class=\"n\">median w × h (px)</th><th class=\"n\">median aspect</th>")
                    .append("<th class=\"n\">small</th><th class=\"n\">medium</th><th class=\"n\">large</th>")
                    .append("<th class=\"n\">at border</th><th class=\"n\">invalid</th></tr></thead><tbody>");
            for (BoxStats.ClassBoxes c : x.perClass()) {
                long v = c.boxes() - c.invalid();
                b.append("<tr><td>").append(esc(c.name())).append("</td><td class=\"n\">").append(count(c.boxes()))
                        .append("</td><td class=\"n\">").append(num(c.medianWidth())).append(" × ")
                        .append(num(c.medianHeight())).append("</td><td class=\"n\">").append(num(c.medianAspect()))
                        .append("</td><td class=\"n\">").append(pct(v == 0 ? 0 : (double) c.small() / v))
                        .append("</td><td class=\"n\">").append(pct(v == 0 ? 0 : (double) c.medium() / v))
                        .append("</td><td class=\"n\">").append(pct(v == 0 ? 0 : (double) c.large() / v))
                        .append("</td><td class=\"n\">").append(count(c.touchingBorder())).append("</td><td class=\"n\">")
                        .append(count(c.invalid())).append("</td></tr>");
            }
            b.append("</tbody></table></details>");
        }
        b.append("</section>");
    }

    private static String boxesPerImage(List<BoxStats.PerImage> perImage) {
        // Exact counts up to 40 boxes; images with more are gathered in a last "40+" bar.
        int cap = 40;
        long max = perImage.stream().mapToLong(BoxStats.PerImage::boxes).max().orElse(0);
        int bars = (int) Math.min(max, cap) + 1;
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < bars; i++) {
            values.add(0L);
        }
        for (BoxStats.PerImage p : perImage) {
            int i = (int) Math.min(p.boxes(), cap);
            values.set(i, values.get(i) + p.images());
        }
        List<String> labels = new ArrayList<>();
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < bars; i++) {
            String l = i == cap && max > cap ? cap + "+" : String.valueOf(i);
            labels.add(l);
            tips.add(l + " boxes: " + count(values.get(i)) + " images");
        }
        return Svg.columns(values, labels, tips, false, Svg.SERIES[3], 530, 200);
    }

    private static void images(StringBuilder b, ImageSummary im) {
        b.append("<section id=\"images\"><h2>Images</h2><p>").append(count(im.images())).append(" images");
        if (im.missing() > 0) {
            b.append(", <b>").append(count(im.missing())).append(" missing</b>");
        }
        if (im.unknownSize() > 0) {
            b.append(", ").append(count(im.unknownSize())).append(" of unknown size");
        }
        b.append(", ").append(count(im.withoutAnnotations())).append(" without annotations; median ")
                .append(num(im.width().median())).append(" × ").append(num(im.height().median())).append(" px, ")
                .append(count(im.distinctSizes())).append(" distinct sizes; ").append(Html.bytes(im.totalBytes()))
                .append(" in total, median file ").append(im.fileSize().median() == null ? "–"
                        : Html.bytes(im.fileSize().median())).append(".</p><div class=\"grid\">");
        chart(b, "Image width (px)", Svg.histogram(im.widthHistogram(), Html::compact, Svg.SERIES[0], 530, 200));
        chart(b, "Image height (px)", Svg.histogram(im.heightHistogram(), Html::compact, Svg.SERIES[0], 530, 200));
        chart(b, "Aspect ratio (width / height)", Svg.histogram(im.aspectHistogram(), Html::compact, Svg.SERIES[2],
                530, 200));
        chart(b, "File size", Svg.histogram(im.fileSizeHistogram(), Html::bytes, Svg.SERIES[4], 530, 200));
        b.append("</div><div class=\"grid\"><div><h3>Formats</h3><table><tbody>");
        for (ImageSummary.FormatCount f : im.formats()) {
            b.append("<tr><td>").append(esc(f.format())).append("</td><td class=\"n\">").append(count(f.images()))
                    .append("</td></tr>");
        }
        b.append("</tbody></table></div><div><h3>Most common sizes</h3><table><tbody>");
        for (ImageSummary.SizeCount sz : im.commonSizes().subList(0, Math.min(8, im.commonSizes().size()))) {
            b.append("<tr><td>").append(sz.width()).append(" × ").append(sz.height()).append("</td><td class=\"n\">")
                    .append(count(sz.images())).append("</td></tr>");
        }
        b.append("</tbody></table></div><div><h3>Channels, bit depth, EXIF orientation</h3>")
                .append(headerFacts(im)).append("</div></div></section>");
    }

    /** One small table: images per channel count, per bit depth and per EXIF orientation. */
    private static String headerFacts(ImageSummary im) {
        StringBuilder b = new StringBuilder("<table class=\"facts\"><tbody>");
        facts(b, "channels", im.channels(), v -> v + switch (v) {
            case 1 -> " (grey)";
            case 2 -> " (grey + alpha)";
            case 3 -> " (colour)";
            case 4 -> " (colour + alpha, or CMYK)";
            default -> "";
        });
        facts(b, "bit depth", im.bitDepths(), v -> v + " bits");
        facts(b, "orientation", im.orientations(), v -> v + " (" + ProblemKinds.orientation(v) + ")");
        return b.append("</tbody></table>").toString();
    }

    private static void facts(StringBuilder b, String what, List<ImageSummary.ValueCount> counts,
                              java.util.function.IntFunction<String> label) {
        for (int i = 0; i < counts.size(); i++) {
            ImageSummary.ValueCount c = counts.get(i);
            b.append("<tr><th>").append(i == 0 ? esc(what) : "").append("</th><td>")
                    .append(esc(c.value() == null ? "unknown" : label.apply(c.value())))
                    .append("</td><td class=\"n\">").append(count(c.images())).append("</td></tr>");
        }
    }

    private static void chart(StringBuilder b, String title, String svg) {
        b.append("<figure><figcaption>").append(esc(title)).append("</figcaption>").append(svg).append("</figure>");
    }

    private static void problems(StringBuilder b, Validation v, Path root, Options options, Progress progress) {
        b.append("<section id=\"problems\"><h2>Problems</h2>");
        if (v.clean()) {
            b.append("<p class=\"ok-text\">No problems found.</p></section>");
            return;
        }
        b.append("<table class=\"kinds\"><thead><tr><th>severity</th><th>kind</th><th class=\"n\">count</th>")
                .append("<th>meaning</th></tr></thead><tbody>");
        for (Validation.Kind k : v.kinds()) {
            b.append("<tr><td><span class=\"sev ").append(esc(k.severity().toLowerCase(java.util.Locale.ROOT)))
                    .append("\">").append(esc(k.severity())).append("</span></td><td>").append(esc(k.kind()))
                    .append("</td><td class=\"n\">").append(count(k.count())).append("</td><td class=\"note\">")
                    .append(esc(ProblemKinds.meaning(k.kind()))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        List<DatasetStats.ProblemEntry> listed = spread(v.kinds(), options.maxProblems());
        long total = v.errors() + v.warnings() + v.infos();
        b.append("<p class=\"hint\">").append(listed.size() < total ? "The first " + count(listed.size()) + " of "
                + count(total) + " problems, spread over the kinds." : "All problems.").append("</p>");
        b.append("<table class=\"problems\"><thead><tr><th></th><th>severity</th><th>kind</th><th>file</th>")
                .append("<th>what</th></tr></thead><tbody>");
        Map<String, Optional<String>> thumbs = new HashMap<>();
        Path base = root.toAbsolutePath().normalize();
        for (int i = 0; i < listed.size(); i++) {
            progress.checkCancelled();
            progress.update("thumbnails", i, listed.size());
            DatasetStats.ProblemEntry p = listed.get(i);
            b.append("<tr><td class=\"thumb\">");
            if (options.thumbnails()) {
                Optional<String> uri = thumbs.computeIfAbsent(p.path(), path -> {
                    Path file = base.resolve(path).normalize();
                    // Only files inside the dataset: a problem path is data, and could say "../../etc".
                    return file.startsWith(base) ? Thumbnails.dataUri(file, options.thumbnailPx()) : Optional.empty();
                });
                if (uri.isPresent()) {
                    b.append("<img src=\"").append(uri.get()).append("\" alt=\"\"/>");
                } else {
                    b.append("<div class=\"nothumb\">no image</div>");
                }
            }
            b.append("</td><td><span class=\"sev ").append(esc(p.severity().toLowerCase(java.util.Locale.ROOT)))
                    .append("\">").append(esc(p.severity())).append("</span></td><td>").append(esc(p.kind()))
                    .append("</td><td class=\"path\">").append(esc(p.path()));
            if (p.location() != null && !p.location().isEmpty()) {
                b.append("<div class=\"note\">").append(esc(p.location())).append("</div>");
            }
            b.append("</td><td>").append(esc(p.message())).append("</td></tr>");
        }
        progress.update("thumbnails", listed.size(), listed.size());
        b.append("</tbody></table></section>");
    }

    /** Up to {@code max} problems taken from the kinds in turn, so that every kind is represented. */
    static List<DatasetStats.ProblemEntry> spread(List<Validation.Kind> kinds, int max) {
        List<DatasetStats.ProblemEntry> out = new ArrayList<>();
        for (int round = 0; out.size() < max; round++) {
            boolean any = false;
            for (Validation.Kind k : kinds) {
                if (round < k.problems().size() && out.size() < max) {
                    out.add(k.problems().get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        // Group them by kind again, in the order of the kinds table.
        List<String> order = kinds.stream().map(k -> k.severity() + "/" + k.kind()).toList();
        out.sort(Comparator.comparingInt(p -> order.indexOf(p.severity() + "/" + p.kind())));
        return out;
    }

    private static final String CSS = String.join("",
            "body{margin:0;background:#f5f6f8;color:#1f2937;font:14px/1.45 system-ui,-apple-system,'Segoe UI',",
            "Roboto,sans-serif}",
            "main{max-width:1140px;margin:0 auto;padding:20px 24px 40px}",
            "h1{margin:0;font-size:26px}h2{margin:0 0 10px;font-size:19px}h3{font-size:14px;margin:14px 0 6px}",
            ".sub{margin:4px 0 0;color:#6b7280}",
            "section{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:16px 18px;margin-top:16px}",
            "section.cards{display:flex;flex-wrap:wrap;gap:10px;background:none;border:none;padding:0}",
            ".card{flex:1 1 100px;background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:10px 12px}",
            ".card .big{font-size:22px;font-weight:600}.card .label{color:#374151}",
            ".note{color:#6b7280;font-size:12px}",
            ".card.bad{border-left:4px solid #d62728}.card.warn{border-left:4px solid #f58518}",
            ".card.ok{border-left:4px solid #54a24b}",
            ".hint{color:#6b7280;margin:4px 0 8px}",
            ".callout{background:#fff7e6;border:1px solid #f5d9a8;border-radius:6px;padding:8px 10px}",
            "input[type=radio]{margin:0 4px 0 12px}label{margin-right:6px}",
            ".scale-log{display:none}#scale-log:checked~.scale-log{display:block}",
            "#scale-log:checked~.scale-lin{display:none}",
            "table{border-collapse:collapse;width:100%;margin:6px 0}",
            "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}",
            "th{color:#6b7280;font-weight:600;font-size:12px}td.n,th.n{text-align:right;",
            "font-variant-numeric:tabular-nums}",
            ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:8px 24px}",
            "figure{margin:8px 0}figcaption{font-weight:600;margin-bottom:4px}",
            ".heat{display:flex;align-items:flex-end;gap:12px}",
            "details{margin-top:10px}summary{cursor:pointer;color:#2f5d8a;font-weight:600}",
            ".sev{display:inline-block;padding:0 6px;border-radius:4px;font-size:11px;font-weight:700;color:#fff}",
            ".sev.error{background:#d62728}.sev.warning{background:#f58518}.sev.info{background:#6b7280}",
            "table.kinds{width:auto;min-width:420px}",
            "td.thumb{width:100px}td.thumb img{display:block;max-width:96px;max-height:96px;border-radius:3px}",
            ".nothumb{width:96px;height:54px;display:flex;align-items:center;justify-content:center;",
            "background:#f0f1f3;color:#9ca3af;font-size:11px;border-radius:3px}",
            "td.path{word-break:break-all;max-width:360px}",
            ".ok-text{color:#2e7d32;font-weight:600}",
            "footer{color:#9ca3af;font-size:12px;margin-top:18px}");
}

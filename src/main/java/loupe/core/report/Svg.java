package loupe.core.report;

import static loupe.core.report.Html.esc;
import static loupe.core.report.Html.f;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

import loupe.core.stats.Heatmap;
import loupe.core.stats.Histogram;

/**
 * Inline SVG charts for the report: plain strings, no scripts. Every mark has a {@code <title>} with its exact
 * value, which browsers show on hover. All text is escaped.
 */
final class Svg {

    static final String[] SERIES = {"#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2", "#9d755d"};
    private static final String BAR = "#4c78a8";
    private static final String GRID = "#e3e6ea";
    private static final String AXIS = "#6b7280";
    private static final int FONT = 11;

    private Svg() {
    }

    private static StringBuilder open(double w, double h, String label) {
        return new StringBuilder().append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(f(w))
                .append("\" height=\"").append(f(h)).append("\" viewBox=\"0 0 ").append(f(w)).append(' ').append(f(h))
                .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\" font-family=\"sans-serif\" font-size=\"")
                .append(FONT).append("\">");
    }

    private static void text(StringBuilder b, double x, double y, String anchor, String fill, String s) {
        b.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" text-anchor=\"").append(anchor)
                .append("\" fill=\"").append(fill).append("\">").append(esc(s)).append("</text>");
    }

    private static void rect(StringBuilder b, double x, double y, double w, double h, String fill, String title) {
        b.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"").append(f(Math.max(0, w)))
                .append("\" height=\"").append(f(Math.max(0, h))).append("\" fill=\"").append(fill).append("\">");
        if (title != null) {
            b.append("<title>").append(esc(title)).append("</title>");
        }
        b.append("</rect>");
    }

    private static void line(StringBuilder b, double x1, double y1, double x2, double y2, String stroke) {
        b.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2))
                .append("\" y2=\"").append(f(y2)).append("\" stroke=\"").append(stroke).append("\"/>");
    }

    /** About five round tick values from 0 to max (1, 2, 5 times a power of ten). */
    static List<Double> ticks(double max) {
        List<Double> t = new ArrayList<>();
        if (max <= 0) {
            t.add(0.0);
            return t;
        }
        double raw = max / 5;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / p < 1.5 ? p : raw / p < 3.5 ? 2 * p : raw / p < 7.5 ? 5 * p : 10 * p;
        for (double v = 0; v <= max * 1.0001; v += step) {
            t.add(v);
        }
        return t;
    }

    /**
     * Horizontal bars, one per label, in the order given, on a linear or a log (1 + value) scale.
     *
     * @param notes text printed after each bar (e.g. "1,234 · 12.3%")
     */
    static String hbars(List<String> labels, List<Long> values, List<String> notes, boolean log, double width) {
        double labelW = 170;
        double noteW = 120;
        double row = 17;
        double top = 18;
        double plotW = width - labelW - noteW;
        long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        double h = top + row * labels.size() + 4;
        StringBuilder b = open(width, h, (log ? "log" : "linear") + " bar chart");
        double scaleMax = log ? Math.log10(1 + max) : max;
        List<Double> ticks = new ArrayList<>();
        if (log) {
            for (double v = 1; v <= Math.max(1, max); v *= 10) {
                ticks.add(v);
            }
        } else {
            ticks = ticks(max);
        }
        for (double t : ticks) {
            double x = labelW + (scaleMax == 0 ? 0 : (log ? Math.log10(1 + t) : t) / scaleMax * plotW);
            line(b, x, top - 4, x, h - 4, GRID);
            text(b, x, top - 7, "middle", AXIS, Html.compact(t));
        }
        for (int i = 0; i < labels.size(); i++) {
            double y = top + i * row;
            long v = values.get(i);
            double len = scaleMax == 0 ? 0 : (log ? Math.log10(1 + v) : v) / scaleMax * plotW;
            text(b, labelW - 6, y + row / 2 + 4, "end", "#1f2937", clip(labels.get(i), 26));
            rect(b, labelW, y + 2, len, row - 4, BAR, labels.get(i) + ": " + notes.get(i));
            text(b, labelW + len + 5, y + row / 2 + 4, "start", AXIS, notes.get(i));
        }
        return b.append("</svg>").toString();
    }

    /**
     * Horizontal grouped bars: for each label one thin bar per series (e.g. the class share in each split).
     * Values are shares (0..1).
     */
    static String groupedHbars(List<String> labels, List<String> series, double[][] shares, double width) {
        double labelW = 170;
        double bar = 6;
        double row = bar * series.size() + 6;
        double top = 22;
        double plotW = width - labelW - 60;
        double max = 0;
        for (double[] s : shares) {
            for (double v : s) {
                max = Math.max(max, v);
            }
        }
        double h = top + row * labels.size() + 4;
        StringBuilder b = open(width, h, "class shares per split");
        for (int s = 0; s < series.size(); s++) {
            double x = labelW + s * 110;
            rect(b, x, 4, 10, 10, SERIES[s % SERIES.length], null);
            text(b, x + 14, 13, "start", "#1f2937", clip(series.get(s), 14));
        }
        for (double t : ticks(max)) {
            double x = labelW + (max == 0 ? 0 : t / max * plotW);
            line(b, x, top, x, h - 4, GRID);
        }
        for (int i = 0; i < labels.size(); i++) {
            double y = top + i * row;
            text(b, labelW - 6, y + row / 2 + 4, "end", "#1f2937", clip(labels.get(i), 26));
            for (int s = 0; s < series.size(); s++) {
                double v = shares[s][i];
                rect(b, labelW, y + 3 + s * bar, max == 0 ? 0 : v / max * plotW, bar - 1,
                        SERIES[s % SERIES.length], labels.get(i) + " in " + series.get(s) + ": " + Html.pct(v));
            }
        }
        return b.append("</svg>").toString();
    }

    /** A histogram with log-spaced bins as vertical bars; edges labelled with {@code edge}. */
    static String histogram(Histogram hist, DoubleFunction<String> edge, String color, double width, double height) {
        List<Long> counts = hist.counts();
        List<String> labels = new ArrayList<>();
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            labels.add(edge.apply(hist.edges().get(i)));
            tips.add(edge.apply(hist.edges().get(i)) + " to " + edge.apply(hist.edges().get(i + 1)) + ": "
                    + Html.count(counts.get(i)));
        }
        if (!counts.isEmpty()) {
            labels.add(edge.apply(hist.edges().get(counts.size())));
        }
        // Label the first and last edges and the powers of two between them; half-octave edges such as
        // 22.6 or 45.3 px only clutter the axis.
        for (int i = 1; i < labels.size() - 1; i++) {
            double octave = Math.log(hist.edges().get(i)) / Math.log(2);
            if (Math.abs(octave - Math.rint(octave)) > 1e-9) {
                labels.set(i, "");
            }
        }
        return columns(counts, labels, tips, true, color, width, height);
    }

    /**
     * Vertical bars. With {@code edgeLabels}, {@code labels} has one more entry than values and labels the bar
     * edges; otherwise one label per bar, under its centre. Labels are thinned out to fit.
     */
    static String columns(List<Long> values, List<String> labels, List<String> tips, boolean edgeLabels, String color,
                          double width, double height) {
        double left = 44;
        double bottom = 22;
        double top = 8;
        double plotW = width - left - 10;
        double plotH = height - top - bottom;
        StringBuilder b = open(width, height, "histogram");
        if (values.isEmpty()) {
            text(b, width / 2, height / 2, "middle", AXIS, "no data");
            return b.append("</svg>").toString();
        }
        long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        for (double t : ticks(max)) {
            double y = top + plotH - (max == 0 ? 0 : t / max * plotH);
            line(b, left, y, left + plotW, y, GRID);
            text(b, left - 4, y + 4, "end", AXIS, Html.compact(t));
        }
        double bw = plotW / values.size();
        for (int i = 0; i < values.size(); i++) {
            double bh = max == 0 ? 0 : (double) values.get(i) / max * plotH;
            rect(b, left + i * bw + (bw > 4 ? 1 : 0), top + plotH - bh, bw - (bw > 4 ? 2 : 0), bh, color, tips.get(i));
        }
        line(b, left, top + plotH, left + plotW, top + plotH, AXIS);
        // Labels left to right, each only when it clears the previous one by 34 px.
        double lastX = -1e9;
        for (int i = 0; i < labels.size(); i++) {
            double x = edgeLabels ? left + i * bw : left + (i + 0.5) * bw;
            if (labels.get(i).isEmpty() || x - lastX < 34) {
                continue;
            }
            text(b, x, height - 6, "middle", AXIS, labels.get(i));
            lastX = x;
        }
        return b.append("</svg>").toString();
    }

    /** The box-centre heatmap: a square of cells, darker where more centres lie (square-root colour scale). */
    static String heatmap(Heatmap map, double side) {
        StringBuilder b = open(side + 2, side + 2, "box centre heatmap");
        long max = 0;
        for (List<Long> row : map.counts()) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        double cell = side / map.grid();
        for (int r = 0; r < map.grid(); r++) {
            for (int c = 0; c < map.grid(); c++) {
                long v = map.counts().get(r).get(c);
                double t = max == 0 ? 0 : Math.sqrt((double) v / max);
                rect(b, 1 + c * cell, 1 + r * cell, cell, cell, blend(t),
                        String.format(java.util.Locale.ROOT, "x %.0f-%.0f%%, y %.0f-%.0f%%: %,d boxes",
                                100.0 * c / map.grid(), 100.0 * (c + 1) / map.grid(), 100.0 * r / map.grid(),
                                100.0 * (r + 1) / map.grid(), v));
            }
        }
        b.append("<rect x=\"1\" y=\"1\" width=\"").append(f(side)).append("\" height=\"").append(f(side))
                .append("\" fill=\"none\" stroke=\"").append(AXIS).append("\"/>");
        return b.append("</svg>").toString();
    }

    /** One horizontal bar split into parts (e.g. small / medium / large boxes). */
    static String stacked(List<String> labels, List<Long> values, double width) {
        long total = values.stream().mapToLong(Long::longValue).sum();
        StringBuilder b = open(width, 40, "stacked bar");
        double x = 0;
        for (int i = 0; i < values.size(); i++) {
            double w = total == 0 ? 0 : (double) values.get(i) / total * width;
            String note = labels.get(i) + " " + (total == 0 ? "0%" : Html.pct((double) values.get(i) / total));
            rect(b, x, 0, w, 22, SERIES[i % SERIES.length], note + " (" + Html.count(values.get(i)) + ")");
            if (w > 70) {
                text(b, x + w / 2, 15, "middle", "#ffffff", note);
            }
            x += w;
        }
        if (total == 0) {
            text(b, width / 2, 15, "middle", AXIS, "no boxes");
        }
        return b.append("</svg>").toString();
    }

    /** White to dark blue. */
    private static String blend(double t) {
        int r = (int) Math.round(255 + (8 - 255) * t);
        int g = (int) Math.round(255 + (48 - 255) * t);
        int bl = (int) Math.round(255 + (107 - 255) * t);
        return String.format("#%02x%02x%02x", r, g, bl);
    }

    private static String clip(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}

package loupe.core.probe;

import java.util.Locale;

/**
 * Whether the storage keeps up with a wanted image rate.
 *
 * @param outcome         {@link Outcome#KEEPS_UP}, {@link Outcome#TIGHT} (keeps up with less than 25% to spare)
 *                        or {@link Outcome#FALLS_SHORT}
 * @param imagesPerSecond what the storage fed in the probe (random whole-file reads at the best thread count)
 * @param targetPerSecond what was asked for
 * @param ratio           imagesPerSecond / targetPerSecond: 2.0 means twice as fast as needed
 * @param marginPercent   (ratio - 1) * 100: spare capacity, negative when short
 * @param message         one sentence for people
 */
public record FeedVerdict(Outcome outcome, double imagesPerSecond, double targetPerSecond, double ratio,
                          double marginPercent, String message) {

    /** Below this ratio a rate that keeps up is called tight: page-cache misses or a busy disk can eat 25%. */
    static final double COMFORTABLE_RATIO = 1.25;

    public enum Outcome { KEEPS_UP, TIGHT, FALLS_SHORT }

    /**
     * Judges a measured rate against a target.
     *
     * @param imagesPerSecond measured, at least 0
     * @param targetPerSecond wanted, more than 0
     * @param cacheDominated  true when the measured rate is page-cache speed: the message then says that reads
     *                        from the disk may be (or, when short already, can only be) slower
     * @throws IllegalArgumentException when the target is not positive
     */
    public static FeedVerdict of(double imagesPerSecond, double targetPerSecond, boolean cacheDominated) {
        if (!(targetPerSecond > 0)) {
            throw new IllegalArgumentException("target must be more than 0 images/s, got " + targetPerSecond);
        }
        double rate = Math.max(0, imagesPerSecond);
        double ratio = rate / targetPerSecond;
        Outcome outcome = ratio >= COMFORTABLE_RATIO ? Outcome.KEEPS_UP
                : ratio >= 1.0 ? Outcome.TIGHT : Outcome.FALLS_SHORT;
        String message = switch (outcome) {
            case KEEPS_UP -> String.format(Locale.ROOT,
                    "keeps up: %,.0f images/s for %,.0f wanted (%.1fx, %.0f%% to spare)", rate, targetPerSecond,
                    ratio, (ratio - 1) * 100);
            case TIGHT -> String.format(Locale.ROOT,
                    "keeps up, barely: %,.0f images/s for %,.0f wanted (only %.0f%% to spare)", rate,
                    targetPerSecond, (ratio - 1) * 100);
            case FALLS_SHORT -> String.format(Locale.ROOT,
                    "falls short: %,.0f images/s for %,.0f wanted (%.0f%% of the target; it needs %.1fx more)",
                    rate, targetPerSecond, ratio * 100, ratio > 0 ? 1 / ratio : Double.POSITIVE_INFINITY);
        };
        if (cacheDominated) {
            message += outcome == Outcome.FALLS_SHORT
                    ? "; and that at page-cache speed: reads from the disk can only be slower"
                    : "; measured at page-cache speed, so reads from the disk may be slower";
        }
        return new FeedVerdict(outcome, rate, targetPerSecond, ratio, (ratio - 1) * 100, message);
    }

    public boolean keepsUp() {
        return outcome != Outcome.FALLS_SHORT;
    }
}

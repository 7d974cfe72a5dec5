package loupe.core.export;

import java.util.List;

import loupe.core.formats.ConversionReport;

/**
 * What a chipping run did; {@code loupe chip --json} prints it.
 *
 * @param source          the source folder or image file (absolute)
 * @param output          the output folder (absolute)
 * @param from            the source's format ("image" for a single file)
 * @param to              the output format
 * @param sourceImages    images in the source
 * @param imagesChipped   images that gave at least one chip
 * @param imagesSkipped   images that could not be chipped (missing, unreadable size, undecodable)
 * @param chips           chips written
 * @param nonEmptyChips   chips with at least one annotation
 * @param emptyChips      chips without annotations that were written
 * @param emptyChipsDropped empty chips left out by the empty-ratio cap
 * @param annotationsKept annotations written into chips (one source annotation counts once per chip it lands in)
 * @param annotationsDropped annotation pieces left out for being less visible than the minimum
 * @param manifest        the chip manifest's file name in the output
 * @param seconds         wall time
 * @param chipsPerSecond  chips / seconds
 * @param losses          what the output format could not hold, and chips that failed to decode
 * @param notes           anything else worth knowing
 */
public record ChipReport(String source, String output, String from, String to, long sourceImages,
                         long imagesChipped, long imagesSkipped, long chips, long nonEmptyChips, long emptyChips,
                         long emptyChipsDropped, long annotationsKept, long annotationsDropped, String manifest,
                         double seconds, double chipsPerSecond, List<ConversionReport.Loss> losses,
                         List<String> notes) {
}

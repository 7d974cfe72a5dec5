/**
 * The self-contained HTML audit report ({@code loupe report}): statistics and problems of a dataset in one
 * file with inline SVG charts and embedded thumbnails, no network access and no scripts.
 * {@link loupe.core.report.HtmlReport} is the entry point.
 */
package loupe.core.report;

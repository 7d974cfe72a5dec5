/**
 * Curation: a {@link loupe.core.curation.Recipe} (filters, label operations, balancing, splits) evaluated
 * against a catalog by a {@link loupe.core.curation.CurationSession} into a preview of the result (class
 * distribution per split, before and after) and, when asked, a {@link loupe.core.formats.DatasetSource} of the
 * selected, relabelled and re-split items that {@link loupe.core.curation.Exporter} writes in any writable
 * format. The schema and the split algorithm are in {@code docs/decisions/0003-recipes.md}.
 */
package loupe.core.curation;

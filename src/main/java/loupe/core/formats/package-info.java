/**
 * Annotation formats: one class per format behind {@link loupe.core.formats.DatasetFormat}, listed in
 * {@link loupe.core.formats.Formats}, with auto-detection by {@link loupe.core.formats.Support} level.
 */
package loupe.core.formats;

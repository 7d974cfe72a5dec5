/**
 * The storage probe: measures how fast the storage holding a dataset lists, opens and reads the dataset's own
 * files (and writes checkpoint-sized files beside it), tells how many images per second it can feed, and says
 * when the numbers are page-cache speed rather than disk speed. It never writes into the dataset.
 */
package loupe.core.probe;

/** The command line: picocli commands that parse, call a core service and print. No logic of their own. */
package loupe.cli;

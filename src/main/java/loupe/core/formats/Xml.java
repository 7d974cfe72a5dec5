package loupe.core.formats;

import java.io.InputStream;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The StAX plumbing shared by the XML formats ({@link VocXml}, {@link CvatXml}): one safe reader factory and
 * the small cursor helpers their element walkers are built from. Thread-safe (one factory per thread).
 *
 * <p>XXE: the factory has DTD support and external entities switched off, so a {@code <!DOCTYPE>} is
 * skipped, nothing outside the file is ever read, and a reference to an entity the DTD would have declared
 * makes the file malformed ("entity was referenced, but not declared").
 */
final class Xml {

    private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(() -> {
        // The JDK's own implementation, not whatever a service lookup finds: its behaviour with
        // SUPPORT_DTD=false is the one we rely on (and tested).
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    });

    private Xml() {
    }

    /** A stream reader over {@code in} from the safe factory (no DTD, no external entities, coalescing). */
    static XMLStreamReader open(InputStream in) throws XMLStreamException {
        return FACTORY.get().createXMLStreamReader(in);
    }

    /** Closes {@code r} when not null; a failure to close is ignored. */
    static void closeQuietly(XMLStreamReader r) {
        if (r != null) {
            try {
                r.close();
            } catch (XMLStreamException ignored) {
                // closing a reader of an already failed stream tells us nothing new
            }
        }
    }

    /**
     * Moves to the next child element of the current element. Returns false (positioned on the current
     * element's end tag) when there is none.
     */
    static boolean nextChild(XMLStreamReader r) throws XMLStreamException {
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
        }
        return false;
    }

    /**
     * The text of the current element as written, untrimmed (text inside nested elements is ignored); ends on
     * its end tag.
     */
    static String text(XMLStreamReader r) throws XMLStreamException {
        StringBuilder sb = new StringBuilder();
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            switch (r.next()) {
                case XMLStreamConstants.START_ELEMENT -> depth++;
                case XMLStreamConstants.END_ELEMENT -> depth--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (depth == 1) {
                        sb.append(r.getText());
                    }
                }
                default -> {
                }
            }
        }
        return sb.toString();
    }

    /** {@link #text} with leading and trailing white space removed; ends on the element's end tag. */
    static String trimmedText(XMLStreamReader r) throws XMLStreamException {
        return text(r).trim();
    }

    /** Skips the current element and everything inside it; ends on its end tag. */
    static void skip(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** The line of a syntax error, or 0 when the parser did not say. */
    static int errorLine(XMLStreamException e) {
        Location at = e.getLocation();
        return at == null ? 0 : Math.max(at.getLineNumber(), 0);
    }

    /** StAX messages start with "ParseError at [row,col]:[3,5]\nMessage: ..."; keeps the message part. */
    static String errorMessage(XMLStreamException e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf("Message: ");
        return (at >= 0 ? m.substring(at + "Message: ".length()) : m).trim();
    }
}

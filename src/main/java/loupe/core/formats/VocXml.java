package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams one Pascal VOC annotation file into plain values, without judging them: numbers stay text so the
 * caller can report a bad coordinate with its object's line. Used by {@link VocFormat} for units and for the
 * class-name scan. Thread-safe (one StAX factory per thread).
 *
 * <p>XXE: the factory has DTD support and external entities switched off, so a {@code <!DOCTYPE>} is
 * skipped, nothing outside the file is ever read, and a reference to an entity the DTD would have declared
 * makes the file malformed ("entity was referenced, but not declared").
 */
final class VocXml {

    private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(() -> {
        // The JDK's own implementation, not whatever a service lookup finds: its behaviour with
        // SUPPORT_DTD=false is the one we rely on (and tested).
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    });

    private VocXml() {
    }

    /** One {@code <object>} as written; any field may be null when its element is absent. */
    record VocObject(int line, String name, String xmin, String ymin, String xmax, String ymax, boolean hasBox,
                     Map<String, String> attributes) {
    }

    /**
     * What one file holds.
     *
     * @param rootName  the root element's name ("annotation" for VOC), or null when none was reached
     * @param filename  {@code <filename>}, or null
     * @param width     {@code <size><width>} as text, or null
     * @param height    {@code <size><height>} as text, or null
     * @param objects   the objects parsed before the end of the file (or before a syntax error)
     * @param errorLine the line of an XML syntax error, or 0 when the file is well-formed
     * @param error     the syntax error's message, or null
     */
    record Document(String rootName, String filename, String width, String height, List<VocObject> objects,
                    int errorLine, String error) {

        boolean isVoc() {
            return "annotation".equals(rootName);
        }
    }

    /** Parses a file. Never throws for bad XML: the syntax error is part of the result. */
    static Document parse(InputStream in) throws IOException {
        Builder b = new Builder();
        XMLStreamReader r = null;
        try {
            r = FACTORY.get().createXMLStreamReader(in);
            while (r.hasNext() && r.next() != XMLStreamConstants.START_ELEMENT) {
                // skip prolog, comments, a DOCTYPE (not processed) and processing instructions
            }
            if (r.getEventType() == XMLStreamConstants.START_ELEMENT) {
                b.rootName = r.getLocalName();
                if (b.rootName.equals("annotation")) {
                    readAnnotation(r, b);
                }
            }
        } catch (XMLStreamException e) {
            Location at = e.getLocation();
            b.errorLine = at == null ? 0 : Math.max(at.getLineNumber(), 0);
            b.error = cleanMessage(e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // closing a reader of an already failed stream tells us nothing new
                }
            }
        }
        return new Document(b.rootName, b.filename, b.width, b.height, List.copyOf(b.objects), b.errorLine,
                b.error);
    }

    private static final class Builder {
        String rootName;
        String filename;
        String width;
        String height;
        final List<VocObject> objects = new ArrayList<>();
        int errorLine;
        String error;
    }

    private static void readAnnotation(XMLStreamReader r, Builder b) throws XMLStreamException {
        while (nextChild(r)) {
            switch (r.getLocalName()) {
                case "filename" -> b.filename = text(r);
                case "size" -> {
                    while (nextChild(r)) {
                        switch (r.getLocalName()) {
                            case "width" -> b.width = text(r);
                            case "height" -> b.height = text(r);
                            default -> skip(r);
                        }
                    }
                }
                case "object" -> b.objects.add(readObject(r));
                // <path> is deliberately ignored: labelImg writes the annotator's absolute path
                // (C:\Users\..., /Users/...), which never exists here.
                default -> skip(r);
            }
        }
    }

    private static VocObject readObject(XMLStreamReader r) throws XMLStreamException {
        int line = r.getLocation().getLineNumber();
        String name = null, xmin = null, ymin = null, xmax = null, ymax = null;
        boolean hasBox = false;
        Map<String, String> attributes = new LinkedHashMap<>();
        while (nextChild(r)) {
            String element = r.getLocalName();
            switch (element) {
                case "name" -> name = text(r);
                case "pose", "truncated", "difficult", "occluded" -> putAttribute(attributes, element, text(r));
                case "bndbox" -> {
                    hasBox = true;
                    while (nextChild(r)) {
                        switch (r.getLocalName()) {
                            case "xmin" -> xmin = text(r);
                            case "ymin" -> ymin = text(r);
                            case "xmax" -> xmax = text(r);
                            case "ymax" -> ymax = text(r);
                            default -> skip(r);
                        }
                    }
                }
                case "actions" -> {
                    // VOC action task: <actions><jumping>1</jumping>...</actions>
                    while (nextChild(r)) {
                        putAttribute(attributes, "action." + r.getLocalName(), text(r));
                    }
                }
                case "attributes" -> readCustomAttributes(r, attributes);
                // <part> (VOC person layout: head, hand, foot) has its own <name> and <bndbox>; parts are
                // not objects of the dataset's classes, so they are skipped as a whole.
                default -> skip(r);
            }
        }
        return new VocObject(line, name, xmin, ymin, xmax, ymax, hasBox, attributes);
    }

    /** CVAT and datumaro write extra attributes as {@code <attributes><attribute><name/><value/>}. */
    private static void readCustomAttributes(XMLStreamReader r, Map<String, String> attributes)
            throws XMLStreamException {
        while (nextChild(r)) {
            if (!r.getLocalName().equals("attribute")) {
                skip(r);
                continue;
            }
            String key = null, value = null;
            while (nextChild(r)) {
                switch (r.getLocalName()) {
                    case "name" -> key = text(r);
                    case "value" -> value = text(r);
                    default -> skip(r);
                }
            }
            if (key != null && !key.isEmpty()) {
                putAttribute(attributes, key, value);
            }
        }
    }

    private static void putAttribute(Map<String, String> attributes, String key, String value) {
        // labelme's VOC export writes empty <pose/>, <truncated/>, <difficult/>: they say nothing.
        if (value != null && !value.isEmpty()) {
            attributes.put(key, value);
        }
    }

    /**
     * Moves to the next child element of the current element. Returns false (positioned on the current
     * element's end tag) when there is none.
     */
    private static boolean nextChild(XMLStreamReader r) throws XMLStreamException {
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

    /** The trimmed text of the current element (text inside nested elements is ignored); ends on its end tag. */
    private static String text(XMLStreamReader r) throws XMLStreamException {
        StringBuilder sb = new StringBuilder();
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            int event = r.next();
            switch (event) {
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
        return sb.toString().trim();
    }

    /** Skips the current element and everything inside it; ends on its end tag. */
    private static void skip(XMLStreamReader r) throws XMLStreamException {
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

    /** StAX messages start with "ParseError at [row,col]:[3,5]\nMessage: ..."; keep the message part. */
    private static String cleanMessage(XMLStreamException e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf("Message: ");
        return (at >= 0 ? m.substring(at + "Message: ".length()) : m).trim();
    }
}

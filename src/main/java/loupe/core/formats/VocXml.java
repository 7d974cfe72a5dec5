package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams one Pascal VOC annotation file into plain values, without judging them: numbers stay text so the
 * caller can report a bad coordinate with its object's line. Used by {@link VocFormat} for units and for the
 * class-name scan. Thread-safe (one {@link Xml} factory per thread).
 *
 * <p>XXE: the factory has DTD support and external entities switched off, so a {@code <!DOCTYPE>} is
 * skipped, nothing outside the file is ever read, and a reference to an entity the DTD would have declared
 * makes the file malformed ("entity was referenced, but not declared").
 */
final class VocXml {


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
            r = Xml.open(in);
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
            b.errorLine = Xml.errorLine(e);
            b.error = Xml.errorMessage(e);
        } finally {
            Xml.closeQuietly(r);
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
        while (Xml.nextChild(r)) {
            switch (r.getLocalName()) {
                case "filename" -> b.filename = Xml.trimmedText(r);
                case "size" -> {
                    while (Xml.nextChild(r)) {
                        switch (r.getLocalName()) {
                            case "width" -> b.width = Xml.trimmedText(r);
                            case "height" -> b.height = Xml.trimmedText(r);
                            default -> Xml.skip(r);
                        }
                    }
                }
                case "object" -> b.objects.add(readObject(r));
                // <path> is deliberately ignored: labelImg writes the annotator's absolute path
                // (C:\Users\..., /Users/...), which never exists here.
                default -> Xml.skip(r);
            }
        }
    }

    private static VocObject readObject(XMLStreamReader r) throws XMLStreamException {
        int line = r.getLocation().getLineNumber();
        String name = null, xmin = null, ymin = null, xmax = null, ymax = null;
        boolean hasBox = false;
        Map<String, String> attributes = new LinkedHashMap<>();
        while (Xml.nextChild(r)) {
            String element = r.getLocalName();
            switch (element) {
                case "name" -> name = Xml.trimmedText(r);
                case "pose", "truncated", "difficult", "occluded" ->
                        putAttribute(attributes, element, Xml.trimmedText(r));
                case "bndbox" -> {
                    hasBox = true;
                    while (Xml.nextChild(r)) {
                        switch (r.getLocalName()) {
                            case "xmin" -> xmin = Xml.trimmedText(r);
                            case "ymin" -> ymin = Xml.trimmedText(r);
                            case "xmax" -> xmax = Xml.trimmedText(r);
                            case "ymax" -> ymax = Xml.trimmedText(r);
                            default -> Xml.skip(r);
                        }
                    }
                }
                case "actions" -> {
                    // VOC action task: <actions><jumping>1</jumping>...</actions>
                    while (Xml.nextChild(r)) {
                        putAttribute(attributes, "action." + r.getLocalName(), Xml.trimmedText(r));
                    }
                }
                case "attributes" -> readCustomAttributes(r, attributes);
                // <part> (VOC person layout: head, hand, foot) has its own <name> and <bndbox>; parts are
                // not objects of the dataset's classes, so they are skipped as a whole.
                default -> Xml.skip(r);
            }
        }
        return new VocObject(line, name, xmin, ymin, xmax, ymax, hasBox, attributes);
    }

    /** CVAT and datumaro write extra attributes as {@code <attributes><attribute><name/><value/>}. */
    private static void readCustomAttributes(XMLStreamReader r, Map<String, String> attributes)
            throws XMLStreamException {
        while (Xml.nextChild(r)) {
            if (!r.getLocalName().equals("attribute")) {
                Xml.skip(r);
                continue;
            }
            String key = null, value = null;
            while (Xml.nextChild(r)) {
                switch (r.getLocalName()) {
                    case "name" -> key = Xml.trimmedText(r);
                    case "value" -> value = Xml.trimmedText(r);
                    default -> Xml.skip(r);
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
}

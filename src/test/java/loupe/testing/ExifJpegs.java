package loupe.testing;

import java.nio.ByteBuffer;

/** JPEG bytes with an APP1 segment (EXIF orientation, XMP, ...) inserted right after SOI, for header tests. */
public final class ExifJpegs {

    private ExifJpegs() {
    }

    /** An APP1 body: "Exif\0\0", a big-endian TIFF header and IFD0 holding only the orientation tag. */
    public static byte[] orientationBody(int orientation) {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        b.put(new byte[] {'E', 'x', 'i', 'f', 0, 0, 'M', 'M'}).putShort((short) 42).putInt(8).putShort((short) 1);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0);
        return b.array();
    }

    /** {@code jpeg} with an APP1 EXIF segment holding only the orientation tag. */
    public static byte[] withOrientation(byte[] jpeg, int orientation) {
        return withApp1(jpeg, orientationBody(orientation));
    }

    /** {@code jpeg} with {@code body} as an APP1 segment right after SOI. */
    public static byte[] withApp1(byte[] jpeg, byte[] body) {
        byte[] out = new byte[jpeg.length + 4 + body.length];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xE1;
        int length = body.length + 2;
        out[4] = (byte) (length >> 8);
        out[5] = (byte) length;
        System.arraycopy(body, 0, out, 6, body.length);
        System.arraycopy(jpeg, 2, out, 6 + body.length, jpeg.length - 2);
        return out;
    }
}

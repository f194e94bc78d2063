package io.gmall.ingestion.logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads request bodies within limits, inflating gzip, so no body can make the server hold more than it allows. */
final class RequestBodies {

    /** The body could not be had: an HTTP status and why. */
    static final class BodyException extends Exception {
        final int status;
        final String code;

        BodyException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private RequestBodies() {
    }

    static byte[] read(InputStream in, long declaredLength, String contentEncoding, int maxBytes, int maxInflatedBytes) throws BodyException, IOException {
        if (declaredLength > maxBytes) {
            throw tooLarge(maxBytes, "the body");
        }
        byte[] raw = readAtMost(in, maxBytes, "the body");
        String encoding = contentEncoding == null ? "identity" : contentEncoding.strip().toLowerCase();
        return switch (encoding) {
            case "", "identity" -> raw;
            case "gzip", "x-gzip" -> inflate(raw, maxInflatedBytes);
            default -> throw new BodyException(415, "unsupported_encoding", "Content-Encoding " + contentEncoding + " is not supported; send gzip or no encoding");
        };
    }

    private static byte[] inflate(byte[] gzipped, int maxInflatedBytes) throws BodyException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
            return readAtMost(in, maxInflatedBytes, "the inflated body");
        } catch (ZipException | java.io.EOFException e) {
            throw new BodyException(400, "malformed_gzip", "the body is not valid gzip: " + e.getMessage());
        } catch (IOException e) {
            throw new BodyException(400, "malformed_gzip", "the gzip body could not be read: " + e.getMessage());
        }
    }

    private static byte[] readAtMost(InputStream in, int max, String what) throws IOException, BodyException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 64 * 1024));
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                throw tooLarge(max, what);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static BodyException tooLarge(int max, String what) {
        return new BodyException(413, "too_large", what + " is larger than " + max + " bytes; send fewer records per request");
    }
}

package io.gmall.serving;

/** A store (HBase, Elasticsearch) did not answer in time or refused: the API answers 503, naming it. */
public final class StoreUnavailableException extends RuntimeException {

    private final String store;

    public StoreUnavailableException(String store, String what, Throwable cause) {
        super(store + " unavailable while " + what + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + firstLine(cause.getMessage())), cause);
        this.store = store;
    }

    public String store() {
        return store;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}

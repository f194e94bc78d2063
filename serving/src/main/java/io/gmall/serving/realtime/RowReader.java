package io.gmall.serving.realtime;

import java.util.List;
import java.util.Map;

/** Reads whole rows of the stream's HBase tables. */
public interface RowReader {

    /** The cells of each row key (an empty map for a row that does not exist), in one round trip per call. */
    Map<String, Map<String, String>> rows(String table, List<String> rowKeys);
}

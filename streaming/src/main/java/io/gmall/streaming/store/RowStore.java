package io.gmall.streaming.store;

import java.util.Collection;
import java.util.Map;

/** The HBase writes of the queries: whole rows of string cells put or deleted by row key. */
public interface RowStore {

    /** Puts each row's cells (column qualifier to value) into {@code family} of {@code table}. */
    void put(String table, String family, Map<String, Map<String, String>> rows);

    void delete(String table, Collection<String> rowKeys);

    /** The cells of one row ({@code family} only), empty when the row is absent. */
    Map<String, String> get(String table, String family, String rowKey);
}

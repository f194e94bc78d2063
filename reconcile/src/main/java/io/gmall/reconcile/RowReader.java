package io.gmall.reconcile;

import java.util.List;
import java.util.Map;

/** How the reconcile reads what a realtime table holds for a day. */
@FunctionalInterface
public interface RowReader {

    /** The cells {@code qualifiers} of {@code family} in one row, as text; a cell or row that does not exist is left out. */
    Map<String, String> row(String table, String family, List<String> qualifiers, String rowKey);
}

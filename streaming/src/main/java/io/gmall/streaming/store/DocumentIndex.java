package io.gmall.streaming.store;

import java.util.Collection;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The Elasticsearch writes of the queries: documents indexed under an id taken from a column, so a
 * replayed batch overwrites instead of duplicating, and deletes by id.
 */
public interface DocumentIndex {

    void index(String index, Dataset<Row> documents, String idColumn);

    void delete(String index, Collection<String> ids);
}

package io.gmall.streaming.store;

import java.util.Collection;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Elasticsearch writes of the queries: documents indexed under an id taken from a column, so a
 * replayed batch overwrites instead of duplicating, and deletes by id.
 */
public interface DocumentIndex {

    void index(String index, Dataset<Row> documents, String idColumn);

    void delete(String index, Collection<String> ids);

    /**
     * The documents of an index, with {@code arrayFields} read as arrays; empty when the index does not exist
     * (nothing was ever written to it).
     */
    Optional<Dataset<Row>> documents(SparkSession spark, String index, String... arrayFields);
}

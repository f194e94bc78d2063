package io.gmall.reconcile;

import io.delta.tables.DeltaTable;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.time.BusinessTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The lake's housekeeping after a day is reconciled: the day's bronze partitions compacted (Delta's OPTIMIZE
 * commits with {@code dataChange=false}, so the stream appending to the same tables and any streaming reader are
 * not disturbed), and files no table version references any more removed once older than the retention.
 */
public final class Maintenance {

    private final SparkSession spark;
    private final StreamingConfig config;

    public Maintenance(SparkSession spark, StreamingConfig config) {
        this.spark = spark;
        this.config = config;
    }

    /** Compacts partition {@code dt} of every bronze table; returns the tables compacted. */
    public List<Path> compact(String dt) throws IOException {
        List<Path> tables = tables("bronze");
        for (Path t : tables) {
            DeltaTable.forPath(spark, t.toString()).optimize().where(BusinessTime.DT + " = '" + dt + "'").executeCompaction();
        }
        return tables;
    }

    /** Vacuums every bronze, silver and gold table with the configured retention; returns the tables vacuumed. */
    public List<Path> vacuum() throws IOException {
        // Delta refuses a retention under its 7-day default unless told: the configured retention is the decision.
        spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
        // Vacuum lists a table's files in a Spark job of this many tasks, 10,000 by default: minutes of task overhead on a
        // small machine for tables of a few thousand files. The shuffle parallelism is sized for the cluster already.
        spark.conf().set("spark.sql.sources.parallelPartitionDiscovery.parallelism", spark.conf().get("spark.sql.shuffle.partitions"));
        List<Path> tables = new ArrayList<>();
        for (String layer : List.of("bronze", "silver", "gold")) {
            tables.addAll(tables(layer));
        }
        double hours = config.vacuumRetention.toHours();
        for (Path t : tables) {
            DeltaTable.forPath(spark, t.toString()).vacuum(hours);
        }
        return tables;
    }

    private List<Path> tables(String layer) throws IOException {
        Path dir = config.lakeRoot.resolve(layer);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> DeltaTable.isDeltaTable(spark, p.toString())).sorted().toList();
        }
    }
}

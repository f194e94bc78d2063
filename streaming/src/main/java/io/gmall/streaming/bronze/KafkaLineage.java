package io.gmall.streaming.bronze;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.OneToOneDependency;
import org.apache.spark.Partition;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.execution.datasources.v2.DataSourceRDDPartition;
import org.apache.spark.sql.kafka010.KafkaBatchInputPartition;
import scala.collection.JavaConverters;

/**
 * Which Kafka topic each partition of a micro-batch reads, from the batch's plan alone. Spark's Kafka source makes one
 * Spark partition of each offset range it reads (a topic-partition, or a slice of one), and the operators between the
 * scan and a batch of {@code foreachBatch} (projections, filters) keep a partition's index. This walks that chain of
 * one-to-one dependencies down to the scan; Spark's Kafka classes it reads are internal to Spark 3.5, so anything else
 * on the way gives no answer rather than a wrong one.
 */
final class KafkaLineage {

    private KafkaLineage() {
    }

    /** Topic to the indices of the partitions of {@code rdd} that read it, if {@code rdd} reads straight from Kafka. */
    static Optional<Map<String, Set<Integer>>> topicsOfPartitions(RDD<?> rdd) {
        Map<String, Set<Integer>> topics = new TreeMap<>();
        RDD<?> current = rdd;
        int count = rdd.getNumPartitions();
        while (true) {
            Partition[] partitions = current.partitions();
            if (partitions.length != count) {
                return Optional.empty();
            }
            if (count == 0) {
                return Optional.of(topics);
            }
            if (partitions[0] instanceof DataSourceRDDPartition) {
                for (Partition p : partitions) {
                    for (InputPartition input : JavaConverters.seqAsJavaList(((DataSourceRDDPartition) p).inputPartitions())) {
                        if (!(input instanceof KafkaBatchInputPartition kafka)) {
                            return Optional.empty();
                        }
                        topics.computeIfAbsent(kafka.offsetRange().topic(), t -> new TreeSet<>()).add(p.index());
                    }
                }
                return Optional.of(topics);
            }
            var dependencies = current.dependencies();
            if (dependencies.size() != 1 || !(dependencies.head() instanceof OneToOneDependency<?> oneToOne)) {
                return Optional.empty();
            }
            current = oneToOne.rdd();
        }
    }
}

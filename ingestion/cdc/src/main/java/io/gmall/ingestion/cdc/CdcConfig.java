package io.gmall.ingestion.cdc;

import java.nio.file.Path;

/**
 * Settings of the CDC relay.
 *
 * @param mysqlHost      MariaDB host (the binlog source)
 * @param database       the captured database; its tables go to {@code topicPrefix + table}
 * @param slaveId        the replica id Canal presents to MariaDB; unique among its replicas
 * @param canalHost      where the embedded Canal server listens for canal.client (loopback)
 * @param positionFile   where the delivered binlog position is kept
 * @param batchSize      Canal entries per batch
 * @param oversize       what to do with a change Kafka refuses as too large: stop, or send its key and the reason to {@code dlqTopic}
 */
record CdcConfig(String mysqlHost, int mysqlPort, String mysqlUser, String mysqlPassword, String database, long slaveId,
                 String canalHost, int canalPort, String destination, String kafkaBootstrap, String topicPrefix,
                 Path positionFile, int batchSize, Relay.Oversize oversize) {

    String dlqTopic() {
        return topicPrefix + "dlq";
    }
}

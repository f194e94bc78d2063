package io.gmall.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client-side addresses of the local stack, in the GMALL_* variables every module's config reads;
 * on a cluster the same variables point at the real servers.
 */
public record Endpoints(String mariadbUrl, String mariadbUser, String mariadbPassword, String redisUrl,
                        String kafkaBootstrap, String hbaseZookeeperQuorum, int hbaseZookeeperPort, String elasticsearchUrl,
                        String collectorUrl, String streamMetricsUrl, String airflowUrl) {

    /** The application account of the gmall schema (infra/mariadb/02-users.sql). */
    public static final String APP_USER = "gmall";
    public static final String APP_PASSWORD = "gmall";

    public static Endpoints of(LocalConfig c) {
        String host = c.bind();
        return new Endpoints(
                "jdbc:mariadb://" + host + ":" + c.port("mariadb") + "/gmall",
                APP_USER, APP_PASSWORD,
                "redis://" + host + ":" + c.port("redis"),
                host + ":" + c.port("kafka"),
                host, c.port("hbase.zookeeper"),
                "http://" + host + ":" + c.port("elasticsearch"),
                "http://" + host + ":" + c.port("nginx") + "/api/v1/logs",
                "http://" + host + ":" + c.port("stream") + "/metrics",
                c.url("airflow", ""));
    }

    public Map<String, String> asEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GMALL_MARIADB_URL", mariadbUrl);
        env.put("GMALL_MARIADB_USER", mariadbUser);
        env.put("GMALL_MARIADB_PASSWORD", mariadbPassword);
        env.put("GMALL_REDIS_URL", redisUrl);
        env.put("GMALL_KAFKA_BOOTSTRAP", kafkaBootstrap);
        env.put("GMALL_HBASE_ZOOKEEPER_QUORUM", hbaseZookeeperQuorum);
        env.put("GMALL_HBASE_ZOOKEEPER_PORT", Integer.toString(hbaseZookeeperPort));
        env.put("GMALL_ES_URL", elasticsearchUrl);
        env.put("GMALL_COLLECTOR_URL", collectorUrl);
        env.put("GMALL_STREAM_METRICS_URL", streamMetricsUrl);
        env.put("GMALL_AIRFLOW_URL", airflowUrl);
        return env;
    }
}

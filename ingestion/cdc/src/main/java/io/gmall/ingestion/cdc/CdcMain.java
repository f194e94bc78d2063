package io.gmall.ingestion.cdc;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.client.CanalConnectors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CDC relay: an embedded Canal server reads MariaDB's binlog and this process relays each row change
 * to {@code gmall.cdc.<table>} keyed by primary key. On its first start it reads from the oldest binlog
 * the server still has, so nothing written since the datadir was made is missed; later starts resume
 * from the saved position. Every start checks MariaDB first ({@link Preflight}); the process exits
 * non-zero, with what to do, when a check fails or the relay stops on a fatal failure.
 */
@Command(name = "gmall-cdc", mixinStandardHelpOptions = true, description = "MariaDB binlog -> Canal -> Kafka gmall.cdc.<table>.")
public final class CdcMain implements Callable<Integer> {

    private static final Duration PREFLIGHT_WAIT = Duration.ofSeconds(60);

    @Option(names = "--jdbc-url", defaultValue = "${env:GMALL_MARIADB_URL:-jdbc:mariadb://127.0.0.1:13306/gmall}",
            description = "the captured database; host, port and database name are taken from it")
    String jdbcUrl;
    @Option(names = "--user", defaultValue = "${env:GMALL_CDC_USER:-canal}", description = "an account with the grants of infra/mariadb/02-users.sql")
    String user;
    @Option(names = "--password", defaultValue = "${env:GMALL_CDC_PASSWORD:-canal}")
    String password;
    @Option(names = "--slave-id", defaultValue = "1001")
    long slaveId;
    @Option(names = "--canal-host", defaultValue = "127.0.0.1")
    String canalHost;
    @Option(names = "--canal-port", defaultValue = "${env:GMALL_CDC_CANAL_PORT:-11111}")
    int canalPort;
    @Option(names = "--bootstrap", defaultValue = "${env:GMALL_KAFKA_BOOTSTRAP:-127.0.0.1:19092}")
    String bootstrap;
    @Option(names = "--topic-prefix", defaultValue = "gmall.cdc.")
    String topicPrefix;
    @Option(names = "--position-file", defaultValue = "${env:GMALL_CDC_POSITION_FILE:-var/data/cdc/position.json}")
    Path positionFile;
    @Option(names = "--batch-size", defaultValue = "1000")
    int batchSize;
    @Option(names = "--metrics-port", defaultValue = "${env:GMALL_CDC_METRICS_PORT:-11112}", description = "Prometheus /metrics (changes, lag)")
    int metricsPort;
    @Option(names = "--oversize", defaultValue = "${env:GMALL_CDC_OVERSIZE:-fail}",
            description = "a change too large for Kafka: fail (stop with what to do) or dlq (its key and the reason to <prefix>dlq, then go on); default ${DEFAULT-VALUE}")
    Relay.Oversize oversize;
    @Option(names = "--partitions", defaultValue = "4", description = "partitions of a gmall.cdc.<table> topic the relay creates for a new table")
    int partitions;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CdcMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        URI mysql = URI.create(jdbcUrl.substring("jdbc:".length()));
        String database = mysql.getPath().replaceFirst("^/", "");
        CdcConfig config = new CdcConfig(mysql.getHost(), mysql.getPort(), user, password, database, slaveId, canalHost, canalPort,
                "gmall", bootstrap, topicPrefix, positionFile, batchSize, oversize);
        PositionStore positions = new PositionStore(positionFile);
        Optional<PositionStore.Position> saved;
        try {
            saved = positions.load();
        } catch (IOException | RuntimeException e) {
            System.err.println("cdc: cannot read the saved position " + positionFile + " (" + e + "): repair or restore it; deleting it "
                    + "restarts from the oldest binlog, which relays again what Kafka already holds");
            return 1;
        }
        List<Preflight.Check> checks = preflight(saved, database);
        System.out.println("cdc: preflight\n" + Preflight.format(checks));
        if (!checks.stream().allMatch(Preflight.Check::ok)) {
            System.err.println("cdc: not starting: fix the [FAIL] lines above");
            return 1;
        }
        PositionStore.Position start = saved.isPresent() ? saved.get() : oldestBinlog();
        System.out.println("cdc: starting at " + start.file() + ":" + start.offset());
        try (EmbeddedCanal canal = new EmbeddedCanal(config, start);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(), new ByteArraySerializer());
             Topics topics = new Topics(Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)), partitions);
             RelayMetrics metrics = new RelayMetrics(canalHost, metricsPort)) {
            canal.start();
            CanalConnector connector = CanalConnectors.newSingleConnector(new InetSocketAddress(canalHost, canalPort), config.destination(), "", "");
            Relay relay = new Relay(connector, producer, topics::ensure, positions, config, metrics);
            AtomicBoolean stopRequested = new AtomicBoolean();
            AtomicReference<Throwable> died = new AtomicReference<>();
            Thread worker = new Thread(relay, "cdc-relay");
            worker.setUncaughtExceptionHandler((t, e) -> died.set(e));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopRequested.set(true);
                relay.stop();
                try {
                    worker.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            worker.start();
            System.out.println("cdc: relaying " + database + ".* to " + topicPrefix + "<table>");
            worker.join();
            if (relay.failure() != null) {
                System.err.println("cdc: stopped: " + relay.failure().getMessage());
                return 1;
            }
            if (!stopRequested.get()) {
                System.err.println("cdc: the relay thread died: " + died.get());
                return 1;
            }
        }
        return 0;
    }

    /** The relay's producer: idempotent, every replica acknowledging, with time-outs inside the relay's own. */
    static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> p = new HashMap<>(Relay.producerTimeouts());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "gmall-cdc");
        return p;
    }

    /** The checklist; MariaDB briefly away at start is waited for (bounded), anything else is reported as it is. */
    private List<Preflight.Check> preflight(Optional<PositionStore.Position> saved, String database) throws Exception {
        long deadline = System.nanoTime() + PREFLIGHT_WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
                return Preflight.run(c, saved, database);
            } catch (SQLTransientConnectionException | SQLNonTransientConnectionException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("MariaDB at " + jdbcUrl + " unreachable for " + PREFLIGHT_WAIT.toSeconds() + " s: " + e.getMessage(), e);
                }
                System.out.println("cdc: MariaDB not reachable yet (" + e.getMessage() + "), retrying (attempt " + attempt + ")");
                Thread.sleep(Math.min(attempt, 5) * 1000L);
            }
        }
    }

    private PositionStore.Position oldestBinlog() throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            if (!rs.next()) {
                throw new IllegalStateException("MariaDB has no binary logs: is log-bin on?");
            }
            return new PositionStore.Position(rs.getString(1), 4);
        }
    }
}

package io.gmall.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The streaming application's settings, read once at start and checked as a whole: every problem is
 * reported together before a stream opens. Defaults (documented key by key) live in
 * {@code gmall-streaming.properties}; a file given with {@code --config}, environment variables and
 * {@code -D} system properties override them in that order. The stack's addresses also honour the shared
 * {@code GMALL_*} variables that {@code ./gmall env} prints, so a cluster is reached by configuration alone.
 */
public final class StreamingConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULTS = "gmall-streaming.properties";
    public static final String PREFIX = "gmall.streaming.";
    public static final Set<String> QUERIES = Set.of("bronze", "dau", "gmv", "alerts", "sale");

    /** Shared variables of the stack (./gmall env) and the keys they set. */
    private static final Map<String, String> SHARED_ENV = Map.of(
            "GMALL_KAFKA_BOOTSTRAP", "kafka.bootstrap",
            "GMALL_REDIS_URL", "redis.url",
            "GMALL_HBASE_ZOOKEEPER_QUORUM", "hbase.zookeeper.quorum",
            "GMALL_HBASE_ZOOKEEPER_PORT", "hbase.zookeeper.port",
            "GMALL_ES_URL", "es.url",
            "GMALL_MARIADB_URL", "mariadb.url",
            "GMALL_MARIADB_USER", "mariadb.user",
            "GMALL_MARIADB_PASSWORD", "mariadb.password",
            "GMALL_BUSINESS_ZONE", "business.zone");

    private final Map<String, String> values;

    public final String kafkaBootstrap;
    public final URI redisUrl;
    public final String hbaseQuorum;
    public final int hbasePort;
    public final URI esUrl;
    public final String mariadbUrl;
    public final String mariadbUser;
    public final String mariadbPassword;
    public final ZoneId businessZone;
    public final ZoneId sourceZone;
    public final Path lakeRoot;
    public final Path checkpointRoot;
    public final List<String> queries;
    public final Duration trigger;
    public final Duration bronzeTrigger;
    public final long maxOffsetsPerTrigger;
    public final long bronzeMaxOffsetsPerTrigger;
    public final Duration watermark;
    public final Duration alertWindow;
    public final Duration alertSlide;
    public final int alertMinUsers;
    public final Duration joinTtl;
    public final Duration stateRetention;
    public final int storeAttempts;
    public final Duration storeBackoff;
    public final String metricsHost;
    public final int metricsPort;
    public final String startupTopic;
    public final String eventTopic;
    public final String orderTopic;
    public final String detailTopic;
    public final String userTopic;
    public final String bronzeTopicPattern;
    public final String hbaseNamespace;
    public final String alertIndex;
    public final String saleIndex;
    public final String auditIndex;
    public final Duration reconcileGrace;
    public final Duration vacuumRetention;

    private StreamingConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
        Parser p = new Parser(values);
        kafkaBootstrap = p.text("kafka.bootstrap");
        redisUrl = p.uri("redis.url", "redis");
        hbaseQuorum = p.text("hbase.zookeeper.quorum");
        hbasePort = p.port("hbase.zookeeper.port");
        esUrl = p.uri("es.url", "http", "https");
        mariadbUrl = p.text("mariadb.url");
        mariadbUser = p.text("mariadb.user");
        mariadbPassword = p.raw("mariadb.password");
        businessZone = p.zone("business.zone");
        sourceZone = p.zone("source.zone");
        lakeRoot = Path.of(p.text("lake.root"));
        checkpointRoot = Path.of(p.text("checkpoint.root"));
        queries = p.queries("queries");
        trigger = Duration.ofSeconds(p.integer("trigger.seconds", 0, 3600));
        bronzeTrigger = Duration.ofSeconds(p.integer("bronze.trigger.seconds", 0, 3600));
        maxOffsetsPerTrigger = p.integer("max.offsets.per.trigger", 100, 100_000_000);
        bronzeMaxOffsetsPerTrigger = p.integer("bronze.max.offsets.per.trigger", 100, 100_000_000);
        watermark = Duration.ofSeconds(p.integer("watermark.seconds", 0, 86_400));
        alertWindow = Duration.ofMinutes(p.integer("alert.window.minutes", 1, 1440));
        alertSlide = Duration.ofMinutes(p.integer("alert.slide.minutes", 1, 1440));
        alertMinUsers = (int) p.integer("alert.min.users", 2, 1000);
        joinTtl = Duration.ofMinutes(p.integer("join.ttl.minutes", 1, 7 * 1440));
        stateRetention = Duration.ofDays(p.integer("state.retention.days", 2, 400));
        storeAttempts = (int) p.integer("store.attempts", 1, 100);
        storeBackoff = Duration.ofMillis(p.integer("store.backoff.millis", 10, 60_000));
        metricsHost = p.text("metrics.host");
        metricsPort = p.port("metrics.port");
        startupTopic = p.text("topic.startup");
        eventTopic = p.text("topic.event");
        orderTopic = p.text("topic.order");
        detailTopic = p.text("topic.detail");
        userTopic = p.text("topic.user");
        bronzeTopicPattern = p.pattern("topic.bronze.pattern");
        hbaseNamespace = p.text("hbase.namespace");
        alertIndex = p.text("es.alert.index");
        saleIndex = p.text("es.sale.index");
        auditIndex = p.text("es.audit.index");
        reconcileGrace = Duration.ofMinutes(p.integer("reconcile.grace.minutes", 0, 7 * 1440));
        vacuumRetention = Duration.ofHours(p.integer("reconcile.vacuum.retention.hours", 0, 24 * 400));
        if (alertWindow.toMinutes() % Math.max(1, alertSlide.toMinutes()) != 0) {
            p.problems.add(PREFIX + "alert.slide.minutes (" + alertSlide.toMinutes() + ") must divide "
                    + PREFIX + "alert.window.minutes (" + alertWindow.toMinutes() + ")");
        }
        if (joinTtl.compareTo(trigger.multipliedBy(2)) < 0) {
            p.problems.add(PREFIX + "join.ttl.minutes must cover at least two trigger intervals");
        }
        if (!p.problems.isEmpty()) {
            throw new IllegalArgumentException("invalid streaming configuration:\n  " + String.join("\n  ", p.problems));
        }
    }

    /** Defaults, then {@code file} (may be null), then the environment, then system properties. */
    public static StreamingConfig load(Path file, Map<String, String> env, Properties system) throws IOException {
        Map<String, String> values = defaults();
        List<String> problems = new ArrayList<>();
        if (file != null) {
            Properties fromFile = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                fromFile.load(r);
            }
            overlay(values, fromFile.stringPropertyNames(), fromFile::getProperty, "file " + file, problems);
        }
        SHARED_ENV.forEach((variable, key) -> {
            if (env.containsKey(variable)) {
                values.put(PREFIX + key, env.get(variable));
            }
        });
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("GMALL_STREAMING_")) {
                String key = PREFIX + e.getKey().substring("GMALL_STREAMING_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                overlay(values, Set.of(key), k -> e.getValue(), "environment variable " + e.getKey(), problems);
            }
        }
        Set<String> systemKeys = new java.util.TreeSet<>();
        system.stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX)).forEach(systemKeys::add);
        overlay(values, systemKeys, system::getProperty, "system property", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid streaming configuration:\n  " + String.join("\n  ", problems));
        }
        return new StreamingConfig(values);
    }

    /** The defaults with some keys replaced (keys without the prefix); for tests and benchmarks. */
    public static StreamingConfig of(Map<String, String> overrides) {
        Map<String, String> values = defaults();
        overrides.forEach((k, v) -> {
            if (!values.containsKey(PREFIX + k)) {
                throw new IllegalArgumentException("unknown key " + PREFIX + k);
            }
            values.put(PREFIX + k, v);
        });
        return new StreamingConfig(values);
    }

    public static Map<String, String> defaults() {
        Properties p = new Properties();
        try (InputStream in = StreamingConfig.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, p.getProperty(k)));
        return values;
    }

    private static void overlay(Map<String, String> values, Set<String> keys, java.util.function.Function<String, String> get,
                                String source, List<String> problems) {
        for (String key : keys) {
            if (!values.containsKey(key)) {
                problems.add(source + ": unknown key " + key);
            } else {
                values.put(key, get.apply(key));
            }
        }
    }

    /** Every setting, with the password masked: logged at start. */
    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>(values);
        shown.computeIfPresent(PREFIX + "mariadb.password", (k, v) -> "****");
        return shown;
    }

    /** The lake path of a bronze table. */
    public Path bronzeTable(String topic) {
        return lakeRoot.resolve("bronze").resolve(topic);
    }

    /** The lake path of a table of a later layer: {@code silver}, {@code gold} or {@code audit}. */
    public Path table(String layer, String name) {
        return lakeRoot.resolve(layer).resolve(name);
    }

    public Path checkpoint(String query) {
        return checkpointRoot.resolve(query);
    }

    /** The trigger interval of a query: bronze has its own. */
    public Duration triggerOf(String query) {
        return "bronze".equals(query) ? bronzeTrigger : trigger;
    }

    /** The most Kafka records a micro-batch of a query reads: bronze, on its longer trigger, has its own. */
    public long maxOffsetsOf(String query) {
        return "bronze".equals(query) ? bronzeMaxOffsetsPerTrigger : maxOffsetsPerTrigger;
    }

    /** Typed reads that collect every problem instead of stopping at the first. */
    private static final class Parser {
        private final Map<String, String> values;
        private final List<String> problems = new ArrayList<>();

        Parser(Map<String, String> values) {
            this.values = values;
        }

        String raw(String key) {
            return values.get(PREFIX + key).trim();
        }

        String text(String key) {
            String v = raw(key);
            if (v.isEmpty()) {
                problems.add(PREFIX + key + " must not be empty");
            }
            return v;
        }

        long integer(String key, long min, long max) {
            String v = raw(key);
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) {
                    problems.add(PREFIX + key + " must be in " + min + ".." + max + ", not " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(PREFIX + key + " must be an integer, not '" + v + "'");
                return min;
            }
        }

        int port(String key) {
            return (int) integer(key, 1, 65535);
        }

        ZoneId zone(String key) {
            String v = raw(key);
            try {
                return ZoneId.of(v);
            } catch (DateTimeException e) {
                problems.add(PREFIX + key + " must be a time-zone id such as Asia/Shanghai, not '" + v + "'");
                return ZoneId.of("UTC");
            }
        }

        URI uri(String key, String... schemes) {
            String v = raw(key);
            try {
                URI u = URI.create(v);
                if (u.getHost() == null || u.getPort() < 0 || !List.of(schemes).contains(u.getScheme())) {
                    problems.add(PREFIX + key + " must be " + String.join(" or ", schemes) + "://host:port, not '" + v + "'");
                }
                return u;
            } catch (IllegalArgumentException e) {
                problems.add(PREFIX + key + " is not a URI: '" + v + "'");
                return URI.create(schemes[0] + "://127.0.0.1:1");
            }
        }

        String pattern(String key) {
            String v = text(key);
            try {
                Pattern.compile(v);
            } catch (PatternSyntaxException e) {
                problems.add(PREFIX + key + " is not a regular expression: " + e.getDescription());
            }
            return v;
        }

        List<String> queries(String key) {
            List<String> qs = new ArrayList<>();
            for (String q : raw(key).split(",")) {
                String name = q.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!QUERIES.contains(name)) {
                    problems.add(PREFIX + key + ": unknown query '" + name + "' (known: " + new java.util.TreeSet<>(QUERIES) + ")");
                } else if (!qs.contains(name)) {
                    qs.add(name);
                }
            }
            if (qs.isEmpty()) {
                problems.add(PREFIX + key + " names no query");
            }
            return List.copyOf(qs);
        }
    }
}

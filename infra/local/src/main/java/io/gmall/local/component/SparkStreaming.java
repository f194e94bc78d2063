package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import io.gmall.local.SparkJvm;
import io.gmall.local.Templates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Spark Structured Streaming application (streaming/) in local mode: Spark's own jars
 * (streaming/target/spark-jars) and the application jar copied into var/dist/stream, so a rebuild never
 * changes a jar under the running JVM. Lake and checkpoints under var/lake. Its health is the application's
 * own {@code /status}: every query active and reporting progress.
 */
public final class SparkStreaming implements Component {

    private static final String MAIN = "io.gmall.streaming.StreamingApp";
    private static final String JAR = "gmall-streaming.jar";
    private static final String SPARK_JARS = "spark-jars";
    /** The application's defaults inside its jar; GMALL_STREAMING_* variables override them. */
    private static final String APP_DEFAULTS = "gmall-streaming.properties";

    @Override
    public String name() {
        return "stream";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("kafka", "redis", "hbase", "elasticsearch", "mariadb");
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port(name()));
    }

    private Path dist(Context ctx) {
        return ctx.layout().distDir(name());
    }

    /** Spark's --add-opens for JDK 17, from the root pom's spark.jvm.opens (versions and flags pinned once). */
    private Path jvmOptions(Context ctx) {
        return ctx.layout().confDir(name()).resolve("spark-jvm.args");
    }

    private Path log4j(Context ctx) {
        return ctx.layout().confDir(name()).resolve("log4j2.properties");
    }

    @Override
    public boolean outdated(Context ctx) throws Exception {
        return Distributions.outdated(name(), ctx.layout().root().resolve("streaming/target").resolve(JAR), ctx);
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Path target = ctx.layout().root().resolve("streaming/target");
        Distributions.installBuilt(name(), target.resolve(JAR), target.resolve(SPARK_JARS), ctx);
        Files.writeString(jvmOptions(ctx), String.join("\n", SparkJvm.opens(ctx.layout().root().resolve("pom.xml"))) + "\n");
        Templates.renderFile(ctx.layout().templates().resolve("stream-log4j2.properties"), log4j(ctx), ctx.config().asTemplateValues());
    }

    @Override
    public ProcessSpec process(Context ctx) {
        String bind = ctx.config().bind();
        List<String> command = ctx.jvm(ctx.config().get("stream.heap"));
        command.addAll(List.of(ctx.marker(name()), "@" + jvmOptions(ctx), "-Dlog4j2.configurationFile=" + log4j(ctx),
                "-Djava.io.tmpdir=" + ctx.layout().tmpDir(name())));
        command.addAll(SparkJvm.sparkProperties(ctx));
        command.addAll(List.of("-cp", SparkJvm.classpath(dist(ctx).resolve(SPARK_JARS), List.of(), dist(ctx).resolve(JAR)), MAIN));
        Map<String, String> env = new LinkedHashMap<>(SparkJvm.env(ctx));
        env.put("GMALL_STREAMING_METRICS_HOST", bind);
        env.put("GMALL_STREAMING_METRICS_PORT", Integer.toString(ctx.config().port(name())));
        return new ProcessSpec(command, env, ctx.layout().root(), ctx.marker(name()), false);
    }

    /** What the application's {@code /status} answers now; fails if it does not answer 200 within {@code timeout}. */
    public StreamStatus status(Context ctx, Duration timeout) throws Exception {
        return StreamStatus.parse(Http.expectOk(Http.send("GET", ctx.config().url(name(), "/status"), null, timeout), "/status"));
    }

    /**
     * {@code /status} answers, and lists every configured query: the application opens its port before it
     * starts the queries, so a shorter list means it is still starting them.
     */
    @Override
    public void ready(Context ctx) throws Exception {
        StreamStatus status = status(ctx, Duration.ofSeconds(2));
        int expected = appSetting(ctx, "queries").map(q -> (int) Arrays.stream(q.split(",")).filter(s -> !s.isBlank()).count()).orElse(1);
        if (status.queries().size() < Math.max(1, expected)) {
            throw new IllegalStateException(status.queries().size() + " of " + expected + " queries started");
        }
    }

    @Override
    public String health(Context ctx) throws Exception {
        StreamStatus.Verdict verdict = status(ctx, ctx.config().healthTimeout()).judge(trigger(ctx));
        if (!verdict.healthy()) {
            throw new IllegalStateException(verdict.text());
        }
        return verdict.text();
    }

    /** The longest trigger interval of the application's queries (bronze has its own). */
    private Duration trigger(Context ctx) {
        return Stream.of("trigger.seconds", "bronze.trigger.seconds").map(key -> seconds(ctx, key)).max(Duration::compareTo).orElseThrow();
    }

    private Duration seconds(Context ctx, String key) {
        try {
            return Duration.ofSeconds(appSetting(ctx, key).map(s -> Long.parseLong(s.strip())).orElse(0L));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    /**
     * A setting of the application as the process started by this launcher sees it: its GMALL_STREAMING_*
     * variable, else the default inside the installed jar; empty when neither can be read.
     */
    private Optional<String> appSetting(Context ctx, String key) {
        String override = System.getenv("GMALL_STREAMING_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
        if (override != null) {
            return Optional.of(override);
        }
        try (ZipFile jar = new ZipFile(dist(ctx).resolve(JAR).toFile())) {
            ZipEntry entry = jar.getEntry(APP_DEFAULTS);
            if (entry == null) {
                return Optional.empty();
            }
            Properties defaults = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                defaults.load(in);
            }
            return Optional.ofNullable(defaults.getProperty("gmall.streaming." + key));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

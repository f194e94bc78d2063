package io.gmall.local.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import io.gmall.local.SparkJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on loopback, from Spark's own jars (the streaming build's spark-jars): the
 * {@code spark-master} and one {@code spark-worker}. Started only when named (they prove that the
 * application jar runs with spark-submit on a cluster); the worker starts executors from
 * {@code SPARK_HOME/jars}, a copy of those jars in var/dist/spark.
 */
public final class SparkStandalone implements Component {

    public static final String MASTER = "spark-master";
    public static final String WORKER = "spark-worker";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;

    private SparkStandalone(String name) {
        this.name = name;
    }

    public static SparkStandalone master() {
        return new SparkStandalone(MASTER);
    }

    public static SparkStandalone worker() {
        return new SparkStandalone(WORKER);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean onDemand() {
        return true;
    }

    @Override
    public List<String> dependsOn() {
        return name.equals(WORKER) ? List.of(MASTER) : List.of();
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return name.equals(MASTER) ? List.of(config.port(MASTER), config.intValue("spark-master.ui.port"))
                : List.of(config.intValue("spark-worker.ui.port"));
    }

    /** SPARK_HOME of the local cluster: Spark's jars under {@code jars/}, where the worker looks for them. */
    public static Path sparkHome(Context ctx) {
        return ctx.layout().distDir("spark");
    }

    /** The master's URL, for spark-submit. */
    public static String masterUrl(LocalConfig config) {
        return "spark://" + config.bind() + ":" + config.port(MASTER);
    }

    @Override
    public void prepare(Context ctx) throws IOException {
        Path target = ctx.layout().root().resolve("streaming/target");
        Distributions.installBuilt("spark", target.resolve("gmall-streaming.jar"), target.resolve("spark-jars"), ctx);
        Path jars = sparkHome(ctx).resolve("jars");
        if (!Files.exists(jars)) {
            Files.createSymbolicLink(jars, Path.of("spark-jars"));
        }
        Files.createDirectories(ctx.layout().dataDir(name));
    }

    @Override
    public ProcessSpec process(Context ctx) {
        LocalConfig c = ctx.config();
        List<String> command = new ArrayList<>(ctx.jvm(c.get("spark.heap")));
        command.add(ctx.marker(name));
        try {
            command.addAll(SparkJvm.opens(ctx.layout().root().resolve("pom.xml")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        command.addAll(List.of("-Djava.io.tmpdir=" + ctx.layout().tmpDir(name), "-cp", sparkHome(ctx).resolve("jars") + "/*"));
        if (name.equals(MASTER)) {
            command.addAll(List.of("org.apache.spark.deploy.master.Master", "--host", c.bind(), "--port", Integer.toString(c.port(MASTER)),
                    "--webui-port", c.get("spark-master.ui.port")));
        } else {
            command.addAll(List.of("org.apache.spark.deploy.worker.Worker", "--host", c.bind(), "--webui-port", c.get("spark-worker.ui.port"),
                    "--cores", c.get("spark-worker.cores"), "--memory", c.get("spark-worker.memory"),
                    "--work-dir", ctx.layout().dataDir(name).toString(), masterUrl(c)));
        }
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome(ctx).toString(), "SPARK_LOCAL_IP", c.bind(), "SPARK_SCALA_VERSION", "2.12",
                "SPARK_LOG_DIR", ctx.layout().logDir(name).toString());
        return new ProcessSpec(command, env, ctx.layout().root(), ctx.marker(name), false);
    }

    private JsonNode masterState(Context ctx, Duration timeout) throws Exception {
        String url = "http://" + ctx.config().bind() + ":" + ctx.config().get("spark-master.ui.port") + "/json/";
        return JSON.readTree(Http.expectOk(Http.send("GET", url, null, timeout), "the master's /json"));
    }

    @Override
    public void ready(Context ctx) throws Exception {
        health(ctx);
    }

    /** The master's own view: ALIVE, and for the worker, registered with it and ALIVE. */
    @Override
    public String health(Context ctx) throws Exception {
        JsonNode state = masterState(ctx, ctx.config().healthTimeout());
        if (!"ALIVE".equals(state.path("status").asText())) {
            throw new IllegalStateException("the master reports " + state.path("status").asText("no status"));
        }
        if (name.equals(MASTER)) {
            return "ALIVE at " + masterUrl(ctx.config()) + ", " + state.path("aliveworkers").asInt() + " worker(s)";
        }
        for (JsonNode w : state.path("workers")) {
            if ("ALIVE".equals(w.path("state").asText())) {
                return "registered with the master: " + w.path("cores").asInt() + " core(s), " + w.path("memory").asInt() + " MB";
            }
        }
        throw new IllegalStateException("no ALIVE worker registered with the master");
    }
}

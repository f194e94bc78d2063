package io.gmall.local.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Apache Airflow 3 for the nightly DAG (orchestration/dags), one node: {@code airflow-api} (the api-server: UI and
 * REST API on loopback), {@code airflow-dag-processor} and {@code airflow} (the scheduler, LocalExecutor), with SQLite
 * as the metadata database (Airflow allows it for one node). Started only when named ({@code ./gmall up airflow}
 * starts all three); the virtualenv comes from orchestration/requirements-airflow.txt (./gmall installs it).
 */
public final class Airflow implements Component {

    public static final String API = "airflow-api";
    public static final String DAG_PROCESSOR = "airflow-dag-processor";
    public static final String SCHEDULER = "airflow";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String command;

    private Airflow(String name, String command) {
        this.name = name;
        this.command = command;
    }

    public static List<Component> all() {
        return List.of(new Airflow(API, "api-server"), new Airflow(DAG_PROCESSOR, "dag-processor"), new Airflow(SCHEDULER, "scheduler"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean onDemand() {
        return true;
    }

    /** The api-server first: the scheduler's task runners report to its execution API. */
    @Override
    public List<String> dependsOn() {
        return switch (name) {
            case API -> List.of();
            case DAG_PROCESSOR -> List.of(API);
            default -> List.of(API, DAG_PROCESSOR);
        };
    }

    /** The api-server's; the scheduler and the dag-processor listen on nothing (the scheduler's log server is off). */
    @Override
    public List<Integer> ports(LocalConfig config) {
        return name.equals(API) ? List.of(config.port(SCHEDULER)) : List.of();
    }

    public static Path venv(Context ctx) {
        return ctx.layout().var().resolve("venv/airflow");
    }

    public static String url(LocalConfig config) {
        return config.url(SCHEDULER, "");
    }

    /** The virtualenv must be there (./gmall installs it); the metadata database is migrated when new or after a reinstall. */
    @Override
    public void prepare(Context ctx) throws Exception {
        Path airflow = venv(ctx).resolve("bin/airflow");
        if (!Files.isExecutable(airflow)) {
            throw new IllegalStateException("Airflow is not installed in " + venv(ctx) + ": start it with ./gmall up airflow, which installs it");
        }
        Path migrated = home(ctx).resolve("migrated.stamp");
        Path installed = venv(ctx).resolve("installed.stamp");
        if (name.equals(API) && (!Files.exists(migrated) || Files.getLastModifiedTime(migrated).compareTo(Files.getLastModifiedTime(installed)) < 0)) {
            ProcessBuilder pb = new ProcessBuilder(airflow.toString(), "db", "migrate").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(ctx.layout()).toFile()));
            pb.environment().putAll(env(ctx));
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("airflow db migrate failed; see " + logFile(ctx.layout()));
            }
            Files.writeString(migrated, "");
        }
    }

    private static Path home(Context ctx) {
        return ctx.layout().dataDir(SCHEDULER);
    }

    /**
     * Airflow's settings, all as environment variables: loopback only, SQLite, LocalExecutor with a small pool, no
     * examples, the checkout's DAGs (read from nightly.json) noticed within 15 s, tokens without credentials
     * (a local stack), and one secret shared by the three processes, made once.
     */
    private Map<String, String> env(Context ctx) throws IOException {
        LocalConfig c = ctx.config();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AIRFLOW_HOME", home(ctx).toString());
        env.put("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "sqlite:///" + home(ctx).resolve("airflow.db").toAbsolutePath());
        env.put("AIRFLOW__CORE__EXECUTOR", "LocalExecutor");
        env.put("AIRFLOW__CORE__PARALLELISM", c.get("airflow.parallelism"));
        env.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
        env.put("AIRFLOW__CORE__DAGS_FOLDER", ctx.layout().root().resolve("orchestration/dags").toString());
        env.put("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True");
        env.put("AIRFLOW__API__HOST", c.bind());
        env.put("AIRFLOW__API__PORT", Integer.toString(c.port(SCHEDULER)));
        env.put("AIRFLOW__API__BASE_URL", url(c));
        // Without it the task runners call http://localhost:8080/execution/ (here: nginx), and the scheduler dies.
        env.put("AIRFLOW__CORE__EXECUTION_API_SERVER_URL", url(c) + "/execution/");
        String secret = secret(ctx);
        env.put("AIRFLOW__API_AUTH__JWT_SECRET", secret);
        env.put("AIRFLOW__API__SECRET_KEY", secret);
        env.put("AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL", "15");
        env.put("GMALL_ROOT", ctx.layout().root().toString());
        env.put("GMALL_NIGHTLY_START", nightlyStart(ctx));
        env.put("PYTHONWARNINGS", "ignore");
        return env;
    }

    /**
     * When this Airflow was first started: the nightly DAG's start here, so catch-up runs the nights it missed since,
     * not every night since the graph's start_date, days this lake never held (a week of Spark runs on a fresh stack).
     */
    private static String nightlyStart(Context ctx) throws IOException {
        Path file = home(ctx).resolve("nightly-start");
        if (!Files.exists(file)) {
            Files.writeString(file, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), StandardCharsets.US_ASCII);
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    private static String secret(Context ctx) throws IOException {
        Path file = ctx.layout().confDir(SCHEDULER).resolve("secret");
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.writeString(file, HexFormat.of().formatHex(bytes), StandardCharsets.US_ASCII);
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    @Override
    public ProcessSpec process(Context ctx) {
        List<String> cmd = new ArrayList<>(List.of(venv(ctx).resolve("bin/airflow").toString(), command));
        if (name.equals(SCHEDULER)) {
            // Its log server would listen on every interface; the api-server reads task logs from the files instead.
            cmd.add("--skip-serve-logs");
        }
        try {
            // Airflow retitles its processes ("airflow api_server -- host:..."): the marker is what both titles share.
            return new ProcessSpec(cmd, env(ctx), ctx.layout().root(), "airflow " + command.split("-")[0], false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode health(Context ctx, java.time.Duration timeout) throws Exception {
        return JSON.readTree(Http.expectOk(Http.send("GET", url(ctx.config()) + "/api/v2/monitor/health", null, timeout), "Airflow's health"));
    }

    @Override
    public void ready(Context ctx) throws Exception {
        health(ctx);
    }

    /** Airflow's own health report: the database for the api-server, each process's heartbeat for the others. */
    @Override
    public String health(Context ctx) throws Exception {
        JsonNode h = health(ctx, ctx.config().healthTimeout());
        String part = switch (name) {
            case API -> "metadatabase";
            case DAG_PROCESSOR -> "dag_processor";
            default -> "scheduler";
        };
        String status = h.path(part).path("status").asText("none");
        if (!"healthy".equals(status)) {
            throw new IllegalStateException("Airflow reports the " + part + " " + status);
        }
        return part + " healthy" + (name.equals(API) ? " at " + url(ctx.config()) : "");
    }
}

package io.gmall.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.Stack;
import io.gmall.local.component.Airflow;
import io.gmall.local.component.HBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The nightly graph end to end on the real stack: the stream restarted with a join TTL of one minute, then a mock run
 * over a past day of the test's own and, beside it, an order whose details are committed after that TTL, which the
 * stream must leave unjoined; then the realtime stores damaged on purpose (the day's DAU row deleted, a GMV hour
 * changed, sale-detail documents dropped, a false alert added) and the graph run by the real Airflow (triggered over
 * its REST API by {@code ./gmall reconcile --via-airflow}, scheduler and all). The run's audit must record exactly the
 * damage, the late order's documents, joined, and the alerts it changed as corrected, so any other cell or document
 * where the stream disagreed with the lake fails it; afterwards the day's alerts are exactly the ledger's and every
 * store figure equals the ledger. Then the graph's metric tasks and report by
 * {@code ./gmall orchestrate --tasks}, the local runner, which must find nothing to correct and publish the day's report;
 * meanwhile the notebooks run on the lake of that day, and their key figures are the ledger's.
 */
class NightlyReconcileIT {

    private static final ZoneId ZONE = ZoneId.of(System.getenv().getOrDefault("GMALL_BUSINESS_ZONE", "Asia/Shanghai"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] M = "m".getBytes(StandardCharsets.UTF_8);
    private static final String SALE_INDEX = "gmall_sale_detail";
    private static final String ALERT_INDEX = "gmall_coupon_alert";
    private static final String AUDIT_INDEX = "gmall_reconcile_audit";
    private static final Pattern NOTEBOOK_DONE = Pattern.compile("^\\S+\\.ipynb\\s+ok\\s");
    private static final Pattern FIGURE = Pattern.compile(" (\\w+)=(\\S+)");
    private static final Pattern RUN_ID = Pattern.compile("run (\\S+__\\d{4}-\\d{2}-\\d{2}__\\w+)");

    private final ByteArrayOutputStream launcherOut = new ByteArrayOutputStream();
    private final Layout layout = new Layout(Path.of(System.getProperty("gmall.root")));
    private final LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
    private final Endpoints endpoints = Endpoints.of(config);
    private final Context ctx = new Context(layout, config, new PrintStream(launcherOut, true, StandardCharsets.UTF_8), Context.runningAsRoot());
    private final Stack stack = new Stack(Launcher.components(), ctx);
    private final Pipeline pipeline = new Pipeline(ctx, stack);
    private final Path ledgers = layout.var().resolve("mock/nightly");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * What one round of damage did: the cells and documents a correct run must find wrong, per realtime table, and
     * the stream's own alerts of the day before it, by id. The stream drops a claim or a click that arrives behind
     * its watermark (the check excuses those windows), so its alerts may lack one, lack some of its users or be
     * false; the nightly run raises, amends or withdraws them: they are corrections too.
     */
    private record Damage(Map<String, Long> mismatched, Map<String, String> alertsBefore) {
        /** The damage, and {@code n} documents of {@code table} the stream never wrote. */
        Damage andMissing(String table, long n) {
            Map<String, Long> all = new HashMap<>(mismatched);
            all.merge(table, n, Long::sum);
            return new Damage(all, alertsBefore);
        }
    }

    /** The order the late-order tool placed, its details committed after the stream's join TTL; and its ledger. */
    private record LateOrder(String orderId, List<String> detailIds, JsonNode ledger) {
    }

    @Test
    void theNightlyGraphRestoresDamagedStoresThroughAirflowAndTheLocalRunner() throws Exception {
        assertThat(pipeline.awaitHealthy(Duration.ofMinutes(4))).as(launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        String day = PastDays.unused(layout.var().resolve("mock"), ledgers, ZONE);
        System.out.printf("NightlyReconcileIT: day %s%n", day);
        // The stream as an operator would restart it with a one-minute join TTL, so an order whose details come later
        // than that can be made in a test's time; restarted with its defaults at the end, for the tests after this one.
        // The run's own orders are settled within ten of its simulated minutes, seconds at its speed: well inside the TTL.
        restartStream(Map.of("GMALL_STREAMING_JOIN_TTL_MINUTES", "1"));
        // Airflow starts while the late order waits out the join TTL, a minute and a half with the cores mostly idle.
        CompletableFuture<Stack.UpResult> airflow = CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            Stack.UpResult up = stack.up(List.of(Airflow.SCHEDULER));
            System.out.printf("NightlyReconcileIT: Airflow up in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return up;
        });
        try {
            Path log = Files.createTempFile("nightly-mock", ".log");
            Process mock = pipeline.mock(ledgers, log, "--seconds", "45", "--rate", "100", "--clock", day + "T09:00:00", "--speed", "60",
                    "--device-prefix", "nightly_mid_", "--devices", "300", "--first-user", "30001", "--users", "200");
            LateOrder late = lateOrder(day);
            JsonNode run = pipeline.ledger(mock, log, Duration.ofMinutes(5));
            // The relay's few seconds from MariaDB to Kafka allowed for, so the damage below is done to the stream's final answers.
            pipeline.awaitStreamCaughtUp(Instant.now().plusSeconds(5), Duration.ofMinutes(3));
            assertThat(airflow.get(5, TimeUnit.MINUTES).ok()).as(launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
            reconcileAndCheck(day, run, late);
        } finally {
            airflow.handle((up, failed) -> stack.down(List.of(Airflow.SCHEDULER, Airflow.DAG_PROCESSOR, Airflow.API))).get(5, TimeUnit.MINUTES);
            restartStream(Map.of());
        }
    }

    private void reconcileAndCheck(String day, JsonNode run, LateOrder late) throws Exception {
        JsonNode truth = run.path("days").path(day);
        Set<String> ledgerAlerts = new TreeSet<>();
        run.path("alerts").forEach(a -> {
            if (a.path("dt").asText().equals(day)) {
                ledgerAlerts.add(a.path("mid").asText() + "|" + a.path("window_end_ms").asLong());
            }
        });
        Damage damage = damage(day).andMissing(SALE_INDEX, late.detailIds().size());
        String viaAirflow = run("reconcile", "--via-airflow", Airflow.url(config), "--date", day);
        assertThat(viaAirflow).contains("publish_report", ": success");
        assertCorrected(runId(viaAirflow), day, damage, ledgerAlerts);
        assertThat(saleDocuments(late.orderId())).as("documents of the late order after the nightly run").isEqualTo(late.detailIds().size());
        pipeline.storeCheck(ledgers, 120);
        stack.down(List.of(Airflow.SCHEDULER, Airflow.DAG_PROCESSOR, Airflow.API));

        // The notebooks on the lake of the reconciled day, while the local runner re-runs the graph's metric tasks on it
        // as an analyst's queries meet a nightly run: each reads a snapshot of a table, and the re-run rewrites the
        // day's gold with what it held.
        CompletableFuture<String> notebooks = CompletableFuture.supplyAsync(() -> {
            try {
                return run("notebooks", "run", "--day", day);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        // The graph's metric tasks and its report again, by the local runner as an operator re-runs them, on the stores
        // Airflow's run corrected: every metric task compares and finds nothing to correct, and the run's report is the
        // day's. (Waiting for bronze, compaction and vacuum were Airflow's to run; here they would only repeat it.)
        String reRun;
        try {
            reRun = run("orchestrate", "--date", day, "--tasks", "reconcile_dau,reconcile_gmv,reconcile_alerts,backfill_sale,publish_report");
        } finally {
            // Either way the notebooks finish before the test goes on: no kernel outlives it.
            notebooks.handle((out, failed) -> out).get(20, TimeUnit.MINUTES);
        }
        String local = runId(reRun);
        assertThat(auditOf(local)).as("the audit of a run after the corrections").containsOnlyKeys("dau_hourly", "gmv_hourly", SALE_INDEX, ALERT_INDEX)
                .allSatisfy((table, corrected) -> assertThat(corrected).isZero());
        assertThat(Files.readString(layout.var().resolve("lake/reports/reconcile/" + day + ".txt"))).contains("run " + local);

        // Every notebook ran top to bottom and rendered its charts, and their key figures are the ledger's (the alerts:
        // the day's, as the reconcile left them).
        Map<String, String> figures = new HashMap<>();
        for (String line : notebooks.get(20, TimeUnit.MINUTES).lines().filter(l -> NOTEBOOK_DONE.matcher(l).find()).toList()) {
            Matcher figure = FIGURE.matcher(line);
            while (figure.find()) {
                figures.put(figure.group(1), figure.group(2));
            }
        }
        assertThat(figures).as("figures of the notebooks").isNotEmpty();
        JsonNode lateDay = late.ledger().path("days").path(day);
        assertThat(figures).containsEntry("dau", truth.path("dau").asText()).containsEntry("new_mid", truth.path("new_mid").asText())
                .containsEntry("order_count", Long.toString(truth.path("order_count").asLong() + lateDay.path("order_count").asLong()))
                .containsEntry("alerts", Integer.toString(ledgerAlerts.size()));
        assertThat(new BigDecimal(figures.get("order_amount")))
                .isEqualByComparingTo(truth.path("order_amount").decimalValue().add(lateDay.path("order_amount").decimalValue()));
    }

    /**
     * {@code ./gmall mock late-order}: an order of the day whose details are committed 90 s after it, past the join
     * TTL of one minute. Returns once the stream has buffered the details and found the order's side gone (expired), and
     * asserts it wrote none of the order's documents: only the nightly backfill can join it now.
     */
    private LateOrder lateOrder(String day) throws Exception {
        Path log = Files.createTempFile("nightly-late-order", ".log");
        Process tool = pipeline.mock(ledgers, log, "late-order", "--at", day + "T21:30:00", "--user", "30201", "--details-after", "90");
        JsonNode lateLedger = pipeline.ledger(tool, log, Duration.ofMinutes(4));
        JsonNode order = lateLedger.path("orders").path(0);
        List<String> detailIds = new ArrayList<>();
        order.path("details").forEach(d -> detailIds.add(d.path("order_detail_id").asText()));
        assertThat(detailIds).as(lateLedger.toString()).isNotEmpty();
        String orderId = order.path("order_id").asText();
        // The stream's join state (SaleJoiner's keys): the details buffered, the order's side expired.
        try (JedisPooled redis = new JedisPooled(URI.create(endpoints.redisUrl()))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!redis.exists("gmall:sale:details:" + orderId) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(redis.exists("gmall:sale:details:" + orderId)).as("the stream buffered the late details of order " + orderId).isTrue();
            assertThat(redis.exists("gmall:sale:order:" + orderId)).as("the order's side, expired after the join TTL").isFalse();
        }
        assertThat(saleDocuments(orderId)).as("documents the stream wrote for the late order " + orderId).isZero();
        System.out.printf("NightlyReconcileIT: order %s with %d details past the join TTL, left to the nightly run%n", orderId, detailIds.size());
        return new LateOrder(orderId, detailIds, lateLedger);
    }

    private long saleDocuments(String orderId) throws Exception {
        es("POST", "/" + SALE_INDEX + "/_refresh", null);
        return JSON.readTree(es("POST", "/" + SALE_INDEX + "/_count", "{\"query\":{\"term\":{\"order_id\":" + JSON.writeValueAsString(orderId) + "}}}"))
                .path("count").asLong();
    }

    /** {@code ./gmall down stream}, then {@code ./gmall up stream} with {@code env} added to the launcher's environment. */
    private void restartStream(Map<String, String> env) throws Exception {
        run(Map.of(), "down", "stream");
        run(env, "up", "stream");
    }

    /**
     * The day's DAU row deleted, one GMV hour's count and amount changed, three sale-detail documents deleted and a
     * false alert (a device that never claimed a coupon) added.
     */
    private Damage damage(String day) throws Exception {
        Map<String, Long> mismatched = new HashMap<>();
        try (Connection hbase = ConnectionFactory.createConnection(HBase.clientConfiguration(endpoints.hbaseZookeeperQuorum(),
                endpoints.hbaseZookeeperPort(), 30000))) {
            byte[] row = day.getBytes(StandardCharsets.UTF_8);
            try (Table dau = hbase.getTable(TableName.valueOf("gmall", "dau_hourly"))) {
                NavigableMap<byte[], byte[]> cells = dau.get(new Get(row)).getFamilyMap(M);
                assertThat(cells).as("the stream's DAU row of " + day).isNotEmpty();
                mismatched.put("dau_hourly", cells.entrySet().stream().filter(c -> hourly(c.getKey(), "dau_", "new_")
                        && new BigDecimal(new String(c.getValue(), StandardCharsets.UTF_8)).signum() != 0).count());
                dau.delete(new Delete(row));
            }
            try (Table gmv = hbase.getTable(TableName.valueOf("gmall", "gmv_hourly"))) {
                NavigableMap<byte[], byte[]> cells = gmv.get(new Get(row)).getFamilyMap(M);
                String hour = cells.keySet().stream().map(k -> new String(k, StandardCharsets.UTF_8)).filter(k -> k.startsWith("count_"))
                        .findFirst().orElseThrow(() -> new AssertionError("no order hour in the stream's GMV row of " + day)).substring(6);
                long count = Long.parseLong(text(cells.get(bytes("count_" + hour))));
                BigDecimal amount = new BigDecimal(text(cells.get(bytes("amount_" + hour))));
                gmv.put(new Put(row).addColumn(M, bytes("count_" + hour), bytes(Long.toString(count + 3)))
                        .addColumn(M, bytes("amount_" + hour), bytes(amount.add(new BigDecimal("100.25")).toPlainString())));
                mismatched.put("gmv_hourly", 2L);
            }
        }
        List<JsonNode> sale = search(SALE_INDEX, day, 3);
        assertThat(sale).as("sale documents of " + day).hasSize(3);
        for (JsonNode doc : sale) {
            es("DELETE", "/" + SALE_INDEX + "/_doc/" + encode(doc.path("_id").asText()), null);
        }
        mismatched.put(SALE_INDEX, 3L);
        Map<String, String> alertsBefore = alerts(day);
        // A device that never claimed a coupon, in a window of the day: a well-formed alert that must not exist.
        long end = java.time.LocalDateTime.parse(day + "T12:00:00").atZone(ZONE).toInstant().toEpochMilli();
        String id = "nightly_false_mid|" + end;
        ObjectNode falseAlert = JSON.createObjectNode().put("alert_id", id).put("mid", "nightly_false_mid")
                .put("window_start", end - Duration.ofMinutes(5).toMillis()).put("window_end", end).put("alert_time", end).put("dt", day);
        falseAlert.putArray("uids").add("30001").add("30002").add("30003");
        falseAlert.putArray("item_ids").add("1");
        falseAlert.putArray("events").add("coupon");
        es("PUT", "/" + ALERT_INDEX + "/_doc/" + encode(id), falseAlert.toString());
        mismatched.put(ALERT_INDEX, 1L);
        for (String index : List.of(SALE_INDEX, ALERT_INDEX)) {
            es("POST", "/" + index + "/_refresh", null);
        }
        return new Damage(mismatched, alertsBefore);
    }

    /**
     * The run's audit says it found exactly the damage and the stream's alerts it changed, and corrected them; the
     * day's alerts are then exactly the ledger's (the false one gone).
     */
    private void assertCorrected(String runId, String day, Damage damage, Set<String> ledgerAlerts) throws Exception {
        Map<String, String> after = alerts(day);
        Set<String> ids = new TreeSet<>(after.keySet());
        ids.addAll(damage.alertsBefore().keySet());
        long changed = ids.stream().filter(id -> !Objects.equals(damage.alertsBefore().get(id), after.get(id))).count();
        System.out.printf("NightlyReconcileIT: run %s raised, amended or withdrew %d of the stream's %d alerts%n", runId, changed,
                damage.alertsBefore().size());
        Map<String, Long> expected = new HashMap<>(damage.mismatched());
        expected.merge(ALERT_INDEX, changed, Long::sum);
        assertThat(auditOf(runId)).as("cells or documents the run %s corrected, by table", runId).isEqualTo(expected);
        assertThat(after.keySet()).as("the day's alerts after the run: the ledger's").isEqualTo(ledgerAlerts);
    }

    /**
     * The day's alerts by id, each as the fields the nightly compares (device, window, users, items, events); none
     * while the index does not exist (a stream that raised no alert yet).
     */
    private Map<String, String> alerts(String day) throws Exception {
        Map<String, String> alerts = new TreeMap<>();
        if (send("POST", "/" + ALERT_INDEX + "/_refresh", null).statusCode() == 404) {
            return alerts;
        }
        for (JsonNode hit : search(ALERT_INDEX, day, 10_000)) {
            JsonNode a = hit.path("_source");
            List<String> fields = new ArrayList<>(List.of(a.path("mid").asText(), a.path("window_start").asText(), a.path("window_end").asText()));
            for (String array : List.of("uids", "item_ids", "events")) {
                TreeSet<String> values = new TreeSet<>();
                JsonNode v = a.path(array);
                if (v.isArray()) {
                    v.forEach(e -> values.add(e.asText()));
                } else if (!v.isMissingNode() && !v.isNull()) {
                    values.add(v.asText());
                }
                fields.add(values.toString());
            }
            alerts.put(hit.path("_id").asText(), String.join(" ", fields));
        }
        return alerts;
    }

    /** Cells or documents a run corrected, by table, from the audit in Elasticsearch. */
    private Map<String, Long> auditOf(String runId) throws Exception {
        es("POST", "/" + AUDIT_INDEX + "/_refresh", null);
        String query = "{\"size\":0,\"query\":{\"term\":{\"run_id\":" + JSON.writeValueAsString(runId) + "}},"
                + "\"aggs\":{\"tables\":{\"terms\":{\"field\":\"table\",\"size\":20},"
                + "\"aggs\":{\"corrected\":{\"filter\":{\"term\":{\"corrected\":true}},\"aggs\":{\"n\":{\"sum\":{\"field\":\"mismatched\"}}}}}}}}";
        JsonNode buckets = JSON.readTree(es("POST", "/" + AUDIT_INDEX + "/_search", query)).path("aggregations").path("tables").path("buckets");
        Map<String, Long> corrected = new HashMap<>();
        buckets.forEach(b -> corrected.put(b.path("key").asText(), b.path("corrected").path("n").path("value").asLong()));
        return corrected;
    }

    private List<JsonNode> search(String index, String day, int size) throws Exception {
        String query = "{\"size\":" + size + ",\"query\":{\"term\":{\"dt\":\"" + day + "\"}}}";
        List<JsonNode> hits = new ArrayList<>();
        JSON.readTree(es("POST", "/" + index + "/_search", query)).path("hits").path("hits").forEach(hits::add);
        return hits;
    }

    private String es(String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(endpoints.elasticsearchUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code ./gmall <args>}, as an operator runs it; its output after asserting it exited 0. */
    private String run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private String run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(layout.root().resolve("gmall").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(layout.root().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        long started = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.MINUTES)).isTrue();
        System.out.println(out);
        System.out.printf("NightlyReconcileIT: ./gmall %s took %.1f s%n", String.join(" ", args), (System.nanoTime() - started) / 1e9);
        assertThat(p.exitValue()).as("./gmall " + String.join(" ", args) + ":\n" + out).isZero();
        return out;
    }

    private static String runId(String out) {
        Matcher m = RUN_ID.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    private static boolean hourly(byte[] qualifier, String... prefixes) {
        String q = text(qualifier);
        for (String p : prefixes) {
            if (q.startsWith(p) && q.length() == p.length() + 2) {
                return true;
            }
        }
        return false;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package io.gmall.serving;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API on the stack's real HBase and Elasticsearch: rows and documents shaped as the stream writes them,
 * in an HBase namespace and indices of this run (removed afterwards), read back through HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class ServingIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String NAMESPACE = "it_" + RUN;
    private static final String SALE_INDEX = "gmall_sale_detail_it_" + RUN;
    private static final String ALERT_INDEX = "gmall_coupon_alert_it_" + RUN;
    private static final String AUDIT_INDEX = "gmall_reconcile_audit_it_" + RUN;
    private static final String DAY = "2026-11-24";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Connection hbase;

    @DynamicPropertySource
    static void stores(DynamicPropertyRegistry registry) {
        registry.add("gmall.serving.hbase.namespace", () -> NAMESPACE);
        registry.add("gmall.serving.es.sale-index", () -> SALE_INDEX);
        registry.add("gmall.serving.es.alert-index", () -> ALERT_INDEX);
        registry.add("gmall.serving.es.audit-index", () -> AUDIT_INDEX);
    }

    @LocalServerPort
    int port;

    @Autowired
    ElasticsearchClient es;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void hbaseRows() throws Exception {
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", System.getenv().getOrDefault("GMALL_HBASE_ZOOKEEPER_QUORUM", "127.0.0.1"));
        conf.set("hbase.zookeeper.property.clientPort", System.getenv().getOrDefault("GMALL_HBASE_ZOOKEEPER_PORT", "12181"));
        hbase = ConnectionFactory.createConnection(conf);
        try (Admin admin = hbase.getAdmin()) {
            admin.createNamespace(NamespaceDescriptor.create(NAMESPACE).build());
            for (String table : List.of("dau_hourly", "gmv_hourly")) {
                admin.createTable(TableDescriptorBuilder.newBuilder(TableName.valueOf(NAMESPACE, table))
                        .setColumnFamily(ColumnFamilyDescriptorBuilder.of("m")).build());
            }
        }
        put("dau_hourly", DAY, Map.of("dau_08", "3", "dau_21", "4", "dau", "7", "new_08", "1", "new_mid", "1"));
        put("dau_hourly", "2026-11-23", Map.of("dau_23", "9", "dau", "9", "new_mid", "0"));
        put("gmv_hourly", DAY, Map.of("amount_08", "100.10", "amount_21", "20.05", "count_08", "1", "count_21", "1",
                "order_amount", "120.15", "order_count", "2"));
    }

    private static void put(String table, String row, Map<String, String> cells) throws Exception {
        try (Table t = hbase.getTable(TableName.valueOf(NAMESPACE, table))) {
            Put put = new Put(Bytes.toBytes(row));
            cells.forEach((c, v) -> put.addColumn(Bytes.toBytes("m"), Bytes.toBytes(c), Bytes.toBytes(v)));
            t.put(put);
        }
    }

    @AfterAll
    static void removeRows() throws Exception {
        try (Admin admin = hbase.getAdmin()) {
            for (TableName t : admin.listTableNamesByNamespace(NAMESPACE)) {
                admin.disableTable(t);
                admin.deleteTable(t);
            }
            admin.deleteNamespace(NAMESPACE);
        }
        hbase.close();
        HttpClient http = HttpClient.newHttpClient();
        URI es = URI.create(System.getenv().getOrDefault("GMALL_ES_URL", "http://127.0.0.1:19200"));
        for (String index : List.of(SALE_INDEX, ALERT_INDEX, AUDIT_INDEX)) {
            http.send(HttpRequest.newBuilder(es.resolve("/" + index)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    private String text(String pathAndQuery, int expected) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(pathAndQuery + " " + r.body()).isEqualTo(expected);
        return r.body();
    }

    private JsonNode get(String pathAndQuery, int expected) throws Exception {
        return JSON.readTree(text(pathAndQuery, expected));
    }

    @Test
    void totalsAndHoursComeFromTheHourlyRowsAndAgree() throws Exception {
        JsonNode total = get("/realtime-total?date=" + DAY, 200);
        assertThat(total.get(0).get("value").asLong()).isEqualTo(7);
        assertThat(total.get(1).get("value").asLong()).isEqualTo(1);
        assertThat(total.get(2).get("value").decimalValue()).isEqualByComparingTo("120.15");
        for (JsonNode figure : total) {
            JsonNode hours = get("/realtime-hour?id=" + figure.get("id").asText() + "&date=" + DAY, 200);
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode v : hours.get("today")) {
                sum = sum.add(v.decimalValue());
            }
            assertThat(sum).as(figure.get("id").asText()).isEqualByComparingTo(figure.get("value").decimalValue());
            assertThat(hours.get("yesterday").size()).isEqualTo(24);
        }
        assertThat(get("/realtime-hour?id=dau&date=" + DAY, 200).get("yesterday").get("23").asLong()).isEqualTo(9);
    }

    private static Map<String, Object> sale(int i, String dt, String sku, String gender, Integer age) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("order_detail_id", "d" + i);
        d.put("order_id", "o" + i / 2);
        d.put("order_status", "1001");
        d.put("create_time", dt + "T" + String.format("%02d", i % 24) + ":00:00+08:00");
        d.put("user_id", Integer.toString(i % 7));
        d.put("user_gender", gender);
        d.put("user_age", age);
        d.put("user_level", "1");
        d.put("sku_id", Integer.toString(i % 5));
        d.put("sku_name", sku);
        d.put("sku_price", 10.5);
        d.put("sku_num", 1);
        d.put("area", "beijing");
        d.put("dt", dt);
        return d;
    }

    @Test
    void saleDetailPagesAreDisjointAndCompleteAndTheSharesComeFromTheSameSearch() throws Exception {
        String[] skus = {"Xiaomi 10 phone", "Xiaomi laptop", "Huawei phone"};
        String[] genders = {"M", "F", "F", null};
        Integer[] ages = {15, 25, 35, 44, null};
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(SALE_INDEX).refresh(co.elastic.clients.elasticsearch._types.Refresh.True);
        int xiaomiPhones = 0;
        Map<String, Integer> genderCounts = new LinkedHashMap<>();
        for (int i = 0; i < 25; i++) {
            Map<String, Object> doc = sale(i, DAY, skus[i % 3], genders[i % 4], ages[i % 5]);
            xiaomiPhones += i % 3 == 0 ? 1 : 0;
            genderCounts.merge(String.valueOf(genders[i % 4]), 1, Integer::sum);
            bulk.operations(o -> o.index(x -> x.id((String) doc.get("order_detail_id")).document(doc)));
        }
        Map<String, Object> otherDay = sale(99, "2026-11-23", "Xiaomi 10 phone", "M", 30);
        bulk.operations(o -> o.index(x -> x.id("d99").document(otherDay)));
        assertThat(es.bulk(bulk.build()).errors()).isFalse();

        Set<String> seen = new HashSet<>();
        for (int page = 1; page <= 3; page++) {
            JsonNode r = get("/sale_detail?date=" + DAY + "&startpage=" + page + "&size=10", 200);
            assertThat(r.get("total").asLong()).isEqualTo(25);
            for (JsonNode row : r.get("detail")) {
                assertThat(seen.add(row.get("order_detail_id").asText())).as("pages overlap").isTrue();
                assertThat(row.get("dt").asText()).isEqualTo(DAY);
            }
        }
        assertThat(seen).hasSize(25);

        JsonNode phones = get("/sale_detail?date=" + DAY + "&keyword=xiaomi%20phone&size=100", 200);
        assertThat(phones.get("total").asLong()).isEqualTo(xiaomiPhones);
        phones.get("detail").forEach(row -> assertThat(row.get("sku_name").asText()).isEqualTo("Xiaomi 10 phone"));

        JsonNode all = get("/sale_detail?date=" + DAY, 200);
        for (JsonNode stat : all.get("stat")) {
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode option : stat.get("options")) {
                sum = sum.add(option.get("value").decimalValue());
            }
            assertThat(sum).as(stat.toString()).isEqualByComparingTo("100.0");
        }
        Map<String, BigDecimal> gender = new LinkedHashMap<>();
        all.get("stat").get(0).get("options").forEach(o -> gender.put(o.get("name").asText(), o.get("value").decimalValue()));
        assertThat(gender.get("male").doubleValue()).isCloseTo(100.0 * genderCounts.get("M") / 25, org.assertj.core.data.Offset.offset(0.1));
        assertThat(gender.get("female").doubleValue()).isCloseTo(100.0 * genderCounts.get("F") / 25, org.assertj.core.data.Offset.offset(0.1));
        assertThat(gender).containsKey("unknown");
    }

    @Test
    void alertsOfTheDayNewestFirst() throws Exception {
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(ALERT_INDEX).refresh(co.elastic.clients.elasticsearch._types.Refresh.True);
        List<Long> ends = List.of(1_764_000_000_000L, 1_764_000_600_000L, 1_764_000_300_000L);
        for (long end : ends) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("alert_id", "mid_1|" + end);
            a.put("mid", "mid_1");
            a.put("uids", List.of("1", "2", "3"));
            a.put("window_start", end - 300_000);
            a.put("window_end", end);
            a.put("alert_time", end);
            a.put("dt", DAY);
            bulk.operations(o -> o.index(x -> x.id((String) a.get("alert_id")).document(a)));
        }
        assertThat(es.bulk(bulk.build()).errors()).isFalse();
        JsonNode page = get("/alerts?date=" + DAY + "&size=2", 200);
        assertThat(page.get("total").asLong()).isEqualTo(3);
        List<Long> times = new ArrayList<>();
        page.get("alerts").forEach(a -> times.add(a.get("alert_time").asLong()));
        assertThat(times).containsExactly(1_764_000_600_000L, 1_764_000_300_000L);
    }

    @Test
    void reconcileStatusSumsTheAuditOfEachRunNewestFirst() throws Exception {
        assertThat(get("/reconcile-status?date=" + DAY, 200).get("status").asText()).isEqualTo("no run");
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(AUDIT_INDEX).refresh(co.elastic.clients.elasticsearch._types.Refresh.True);
        // Documents as the reconcile indexes them: the first run corrected two hours of DAU, the second found nothing.
        for (String run : List.of("run-1", "run-2")) {
            for (int h = 0; h < 24; h++) {
                String hh = String.format("%02d", h);
                boolean wrong = run.equals("run-1") && (h == 7 || h == 9);
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("audit_id", run + "|dau_hourly|dau|" + hh);
                a.put("run_id", run);
                a.put("run_at_ms", run.equals("run-1") ? 1_764_100_000_000L : 1_764_200_000_000L);
                a.put("table", "dau_hourly");
                a.put("metric", "dau");
                a.put("hh", hh);
                a.put("realtime", wrong ? (h == 7 ? 0.0 : 2.0) : 1.0);
                a.put("recomputed", 1.0);
                a.put("difference", wrong ? (h == 7 ? 1.0 : -1.0) : 0.0);
                a.put("mismatched", wrong ? 1 : 0);
                a.put("corrected", wrong);
                a.put("dt", DAY);
                bulk.operations(o -> o.index(x -> x.id((String) a.get("audit_id")).document(a)));
            }
        }
        assertThat(es.bulk(bulk.build()).errors()).isFalse();
        JsonNode status = get("/reconcile-status?date=" + DAY, 200);
        assertThat(status.get("status").asText()).isEqualTo("in agreement");
        assertThat(status.at("/runs/0/run_id").asText()).isEqualTo("run-2");
        JsonNode first = status.at("/runs/1");
        assertThat(first.get("corrected").asLong()).isEqualTo(2);
        assertThat(first.at("/metrics/0/realtime").asDouble()).isEqualTo(24.0);
        assertThat(first.at("/metrics/0/recomputed").asDouble()).isEqualTo(24.0);
        assertThat(first.at("/metrics/0/mismatched").asLong()).isEqualTo(2);
    }

    @Test
    void overTomcatAnOversizedKeywordAndABrokenQueryStringAreProblemsNamingWhatIsWrong() throws Exception {
        assertThat(get("/sale_detail?date=" + DAY + "&keyword=" + "a".repeat(10_240), 400).get("parameter").asText()).isEqualTo("keyword");
        // Written by hand: java.net.URI refuses to build a broken escape, as a careful client would.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /sale_detail?date=" + DAY + "&keyword=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("\"parameter\":\"query\"");
        }
        JsonNode empty = get("/sale_detail?date=1999-01-01", 200);
        assertThat(empty.get("total").asLong()).isZero();
        assertThat(empty.get("stat")).as("the gender and the age-band shares").hasSize(2);
        for (JsonNode stat : empty.get("stat")) {
            assertThat(stat.get("options").size()).as("every slice listed, at 0").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void readinessReadsBothStoresAndTheApiIsDocumentedAndMeasured() throws Exception {
        JsonNode ready = get("/actuator/health/readiness", 200);
        assertThat(ready.get("status").asText()).isEqualTo("UP");
        assertThat(get("/v3/api-docs", 200).get("paths").has("/sale_detail")).isTrue();
        assertThat(text("/actuator/prometheus", 200)).contains("http_server_requests_seconds");
    }
}

package io.gmall.streaming.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.streaming.StreamingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The API's answers against the mock's ledgers (what {@code ./gmall demo} prints): DAU, new devices and GMV per
 * hour from {@code /realtime-hour}, the alerts from {@code /alerts}, the joined order details from
 * {@code /sale_detail}, in the same table as {@code ./gmall check}. Exits 1 on any difference.
 */
@Command(name = "api-check", mixinStandardHelpOptions = true, description = "Compare the serving API's answers with the mock's ledgers.")
public final class ApiCheck implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Rows per request, and the deepest row the API pages to. */
    private static final int PAGE = 100;
    private static final int WINDOW = 10_000;

    @Option(names = "--ledgers", defaultValue = "var/mock", description = "directory of the mock's ledgers (default ${DEFAULT-VALUE}, under the project root)")
    Path ledgers;
    @Option(names = "--wait", defaultValue = "120", converter = WaitSeconds.class, description = "seconds to wait for the stream to catch up (default ${DEFAULT-VALUE})")
    int waitSeconds;
    @Option(names = "--api", defaultValue = "http://127.0.0.1:8070", description = "the API's base URL (default ${DEFAULT-VALUE})")
    URI api;
    @Option(names = "--config", description = "a properties file overriding the streaming defaults (business zone, watermark, alert window)")
    Path configFile;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApiCheck()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StreamingConfig config = StreamingConfig.load(configFile, System.getenv(), System.getProperties());
        Truth truth = Truth.ofLedgers(ledgers, config).orElse(null);
        if (truth == null) {
            return 2;
        }
        return Comparison.await(truth, "api", waitSeconds, () -> Comparison.lines(truth, observed(truth), config.alertWindow), System.out) ? 0 : 1;
    }

    private Observed observed(Truth truth) {
        Set<String> days = new TreeSet<>(truth.dau.keySet());
        truth.alerts.values().forEach(a -> days.add(a.dt()));
        Map<String, String> alerts = new HashMap<>();
        Map<String, Observed.SaleDoc> sale = new HashMap<>();
        for (String dt : days) {
            pages("/alerts?date=" + dt, "alerts", a -> alerts.put(Truth.alertKey(a.path("mid").asText(), a.path("window_end").asLong()), a.path("dt").asText()));
        }
        for (String dt : new TreeSet<>(truth.sale.values().stream().map(Truth.SaleDetail::dt).toList())) {
            pages("/sale_detail?date=" + dt, "detail", d -> sale.put(d.path("order_detail_id").asText(), new Observed.SaleDoc(
                    text(d, "order_status"), text(d, "user_gender"), d.path("user_age").isNumber() ? d.path("user_age").asInt() : null,
                    text(d, "user_level"), d.path("sku_num").asInt(), d.path("sku_price").asDouble())));
        }
        Observed.Hours hours = (metric, dt) -> {
            if (metric.equals("order_count")) {
                return null;
            }
            Map<String, String> byHour = new HashMap<>();
            get("/realtime-hour?id=" + metric + "&date=" + dt).path("today").fields().forEachRemaining(h -> byHour.put(h.getKey(), h.getValue().asText()));
            return byHour;
        };
        return new Observed(hours, alerts, sale);
    }

    /** Every row of a paged answer, as deep as the API pages. */
    private void pages(String path, String rowsField, java.util.function.Consumer<JsonNode> each) {
        for (int page = 1; page * PAGE <= WINDOW; page++) {
            JsonNode answer = get(path + "&size=" + PAGE + "&startpage=" + page);
            answer.path(rowsField).forEach(each);
            if ((long) page * PAGE >= answer.path("total").asLong()) {
                return;
            }
        }
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the API answered " + r.statusCode() + " to " + pathAndQuery + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("the API at " + api + " does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

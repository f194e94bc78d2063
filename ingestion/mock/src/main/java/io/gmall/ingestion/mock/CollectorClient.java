package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gmall.ingestion.contract.LogJson;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Posts batches to the collector, gzipped, and resends the same bytes (same event_ids) with exponential
 * backoff on 502/503/504/429 and on time-outs or refused connections; a resend that was in fact
 * delivered the first time is a duplicate, which downstream removes.
 */
final class CollectorClient {

    private static final Set<Integer> RETRIABLE = Set.of(429, 502, 503, 504);

    /** The collector's verdict on each record of a batch, in order. */
    record Verdicts(List<Boolean> accepted, int attempts) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI collector;
    private final Retry retry;
    private final Ledger ledger;

    CollectorClient(URI collector, Ledger ledger) {
        this.collector = collector;
        this.ledger = ledger;
        this.retry = Retry.of("collector", RetryConfig.<HttpResponse<String>>custom()
                .maxAttempts(10)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(10)))
                .retryOnResult(response -> RETRIABLE.contains(response.statusCode()))
                .retryExceptions(IOException.class)
                .failAfterMaxAttempts(true)
                .build());
    }

    Verdicts send(ArrayNode batch) throws Exception {
        byte[] body = LogJson.gzip(LogJson.MAPPER.writeValueAsBytes(batch));
        HttpRequest request = HttpRequest.newBuilder(collector)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        int[] attempts = {0};
        HttpResponse<String> response;
        try {
            response = Retry.decorateCheckedSupplier(retry, () -> {
                attempts[0]++;
                ledger.count("requests", 1);
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            }).get();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
        ledger.count("resends", attempts[0] - 1L);
        if (response.statusCode() != 200 && response.statusCode() != 400) {
            throw new IOException("the collector answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode answer = LogJson.MAPPER.readTree(response.body());
        JsonNode results = answer.get("results");
        if (results == null || results.size() != batch.size()) {
            throw new IOException("the collector's answer does not cover the batch: " + response.body());
        }
        List<Boolean> verdicts = new java.util.ArrayList<>(batch.size());
        results.forEach(r -> verdicts.add("accepted".equals(r.get("status").asText())));
        return new Verdicts(verdicts, attempts[0]);
    }
}

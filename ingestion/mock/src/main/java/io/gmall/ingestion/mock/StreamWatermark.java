package io.gmall.ingestion.mock;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alerts query's event-time watermark as the stream exports it on /metrics, read when a run starts: the
 * run's events older than it will be dropped by the stream, so their alert windows cannot be judged.
 */
final class StreamWatermark {

    private static final Pattern ALERTS = Pattern.compile("^gmall_stream_event_time_watermark_ms\\{query=\"alerts\"} (\\d+)$", Pattern.MULTILINE);

    private StreamWatermark() {
    }

    /**
     * The watermark in epoch ms (0 when the query never ran a batch); empty when the stream cannot be asked or
     * its alerts query has not started, so the run is judged by the wall clock instead.
     */
    static Optional<Long> ofAlerts(String metricsUrl) {
        if (metricsUrl == null || metricsUrl.isBlank()) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metricsUrl))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            Matcher m = ALERTS.matcher(r.body());
            return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

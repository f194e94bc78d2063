package io.gmall.ingestion.logger;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the log server ({@code gmall.logger.*}); defaults in application.properties.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param startupTopic       topic of accepted startup logs
 * @param eventTopic         topic of accepted event logs
 * @param dlqTopic           topic of refused records and bodies
 * @param maxBodyBytes       largest request body as sent (compressed or not); larger is 413
 * @param maxDecompressedBytes largest gzip body once inflated; larger is 413
 * @param maxRecords         most records in one request; more is 413
 * @param sendTimeout        how long a request waits for Kafka to acknowledge its records before 503
 * @param retryAfter         the Retry-After a 503 carries, whole seconds from 1 s to 5 min
 * @param producer           extra Kafka producer settings (security, tuning) passed as they are
 */
@Validated
@ConfigurationProperties("gmall.logger")
public record LoggerProperties(
        @NotBlank String bootstrapServers,
        @NotBlank String startupTopic,
        @NotBlank String eventTopic,
        @NotBlank String dlqTopic,
        @Min(1024) @Max(64 * 1024 * 1024) int maxBodyBytes,
        @Min(1024) @Max(256 * 1024 * 1024) int maxDecompressedBytes,
        @Min(1) @Max(100_000) int maxRecords,
        Duration sendTimeout,
        Duration retryAfter,
        Map<String, String> producer) {

    public LoggerProperties {
        producer = producer == null ? Map.of() : Map.copyOf(producer);
        if (maxDecompressedBytes < maxBodyBytes) {
            throw new IllegalArgumentException("gmall.logger.max-decompressed-bytes (" + maxDecompressedBytes
                    + ") must be at least gmall.logger.max-body-bytes (" + maxBodyBytes + ")");
        }
        if (sendTimeout == null || sendTimeout.isNegative() || sendTimeout.isZero() || sendTimeout.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("gmall.logger.send-timeout must be between 1 ms and 2 min, not " + sendTimeout);
        }
        if (retryAfter == null || retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.compareTo(Duration.ofMinutes(5)) > 0
                || retryAfter.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("gmall.logger.retry-after must be whole seconds from 1 s to 5 min (Retry-After counts seconds), not "
                    + retryAfter);
        }
        for (String key : List.of("linger.ms", "request.timeout.ms", "delivery.timeout.ms", "max.block.ms")) {
            String value = producer.get(key);
            if (value != null && !value.trim().matches("\\d{1,10}")) {
                throw new IllegalArgumentException("gmall.logger.producer." + key + " must be a number of milliseconds, not " + value);
            }
        }
    }
}

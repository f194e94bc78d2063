package io.gmall.ingestion.logger;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
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
 * @param retryAfter         the Retry-After a 503 carries
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
        if (sendTimeout == null || sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("gmall.logger.send-timeout must be positive, not " + sendTimeout);
        }
    }
}

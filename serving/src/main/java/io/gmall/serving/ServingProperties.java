package io.gmall.serving;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The serving settings (application.properties documents each key); validated at start. */
@Validated
@ConfigurationProperties("gmall.serving")
public record ServingProperties(@NotNull Hbase hbase, @NotNull Es es, @NotNull ZoneId businessZone, @NotNull Duration realtimeCache,
                                @Min(1) @Max(1000) int maxPageSize, @Min(1) @Max(100_000) int maxResultWindow,
                                @Min(1) @Max(1000) int maxKeywordLength) {

    public record Hbase(@NotBlank String zookeeperQuorum, @Min(1) @Max(65535) int zookeeperPort, @NotBlank String namespace,
                        @NotNull Duration timeout) {
    }

    public record Es(@NotBlank String saleIndex, @NotBlank String alertIndex, @NotBlank String auditIndex) {
    }
}

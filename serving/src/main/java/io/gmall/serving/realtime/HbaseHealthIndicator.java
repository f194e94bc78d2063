package io.gmall.serving.realtime;

import java.util.List;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: a real read of the hourly table the API serves from. */
@Component("hbase")
public class HbaseHealthIndicator implements HealthIndicator {

    private final RowReader rows;

    public HbaseHealthIndicator(RowReader rows) {
        this.rows = rows;
    }

    @Override
    public Health health() {
        try {
            rows.rows(Metric.DAU.table, List.of("0000-00-00"));
            return Health.up().withDetail("read", Metric.DAU.table).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getMessage()).build();
        }
    }
}

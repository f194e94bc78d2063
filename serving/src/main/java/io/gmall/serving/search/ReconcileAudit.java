package io.gmall.serving.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The nightly reconcile's runs of one business day, from its audit. */
public interface ReconcileAudit {

    /**
     * One run: when, how many cells or documents it found wrong and how many it corrected, and per table and metric the
     * day's realtime and recomputed totals.
     */
    record Run(@JsonProperty("run_id") String runId, @JsonProperty("run_at_ms") long runAtMs, long mismatched, long corrected,
               List<Map<String, Object>> metrics) {
    }

    /** The day's runs, newest first. */
    List<Run> runs(LocalDate day);
}

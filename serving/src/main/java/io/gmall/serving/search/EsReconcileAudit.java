package io.gmall.serving.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.gmall.serving.ServingProperties;
import io.gmall.serving.StoreUnavailableException;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@link ReconcileAudit} on the {@code gmall_reconcile_audit} index: a day's audit documents (one per run, table,
 * metric and hour) summed per run and metric.
 */
@Component
public final class EsReconcileAudit implements ReconcileAudit {

    /**
     * Documents read per day, newest run first: Elasticsearch's result window, 69 whole runs of six metrics over 24 hours
     * (a night's run is one; the rest are re-runs by hand).
     */
    private static final int MAX_DOCUMENTS = 10_000;

    private final ElasticsearchClient es;
    private final String index;

    public EsReconcileAudit(ElasticsearchClient es, ServingProperties properties) {
        this.es = es;
        this.index = properties.es().auditIndex();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List<Run> runs(LocalDate day) {
        SearchResponse<Map> r;
        try {
            r = es.search(s -> s.index(index).ignoreUnavailable(true).allowNoIndices(true)
                    .query(q -> q.term(t -> t.field("dt").value(day.toString())))
                    .size(MAX_DOCUMENTS)
                    .sort(o -> o.field(f -> f.field("run_at_ms").order(SortOrder.Desc))), Map.class);
        } catch (IOException | ElasticsearchException e) {
            throw new StoreUnavailableException("Elasticsearch", "searching " + index, e);
        }
        Map<String, RunTotals> runs = new LinkedHashMap<>();
        for (Hit<Map> h : r.hits().hits()) {
            Map<String, Object> d = h.source();
            RunTotals run = runs.computeIfAbsent((String) d.get("run_id"), id -> new RunTotals(id, number(d.get("run_at_ms")).longValue()));
            Map<String, Object> metric = run.metrics.computeIfAbsent(d.get("table") + "/" + d.get("metric"), k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("table", d.get("table"));
                m.put("metric", d.get("metric"));
                m.put("realtime", 0.0);
                m.put("recomputed", 0.0);
                m.put("mismatched", 0L);
                m.put("corrected", 0L);
                return m;
            });
            long mismatched = number(d.get("mismatched")).longValue();
            long corrected = Boolean.TRUE.equals(d.get("corrected")) ? mismatched : 0;
            metric.merge("realtime", number(d.get("realtime")).doubleValue(), (a, b) -> (Double) a + (Double) b);
            metric.merge("recomputed", number(d.get("recomputed")).doubleValue(), (a, b) -> (Double) a + (Double) b);
            metric.merge("mismatched", mismatched, (a, b) -> (Long) a + (Long) b);
            metric.merge("corrected", corrected, (a, b) -> (Long) a + (Long) b);
            run.mismatched += mismatched;
            run.corrected += corrected;
        }
        return runs.values().stream().map(t -> new Run(t.runId, t.runAtMs, t.mismatched, t.corrected, List.copyOf(t.metrics.values())))
                .sorted(Comparator.comparingLong(Run::runAtMs).reversed().thenComparing(Run::runId)).toList();
    }

    /** A number the index holds; an unreadable realtime cell was audited as null, and counts as 0 here. */
    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }

    private static final class RunTotals {
        final String runId;
        final long runAtMs;
        final Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        long mismatched;
        long corrected;

        RunTotals(String runId, long runAtMs) {
            this.runId = runId;
            this.runAtMs = runAtMs;
        }
    }
}

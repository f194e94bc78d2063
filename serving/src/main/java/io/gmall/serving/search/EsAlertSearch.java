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
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** {@link AlertSearch} on the {@code gmall_coupon_alert} index: the day as a filter, newest alert first, then by device. */
@Component
public final class EsAlertSearch implements AlertSearch {

    private final ElasticsearchClient es;
    private final String index;

    public EsAlertSearch(ElasticsearchClient es, ServingProperties properties) {
        this.es = es;
        this.index = properties.es().alertIndex();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public AlertPage search(LocalDate day, int page, int size) {
        SearchResponse<Map> r;
        try {
            r = es.search(s -> s.index(index).ignoreUnavailable(true).allowNoIndices(true)
                    .query(q -> q.term(t -> t.field("dt").value(day.toString())))
                    .from((page - 1) * size).size(size)
                    .sort(o -> o.field(f -> f.field("alert_time").order(SortOrder.Desc)))
                    .sort(o -> o.field(f -> f.field("mid").order(SortOrder.Asc)))
                    .trackTotalHits(t -> t.enabled(true)), Map.class);
        } catch (IOException | ElasticsearchException e) {
            throw new StoreUnavailableException("Elasticsearch", "searching " + index, e);
        }
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Hit<Map> h : r.hits().hits()) {
            alerts.add(h.source());
        }
        return new AlertPage(r.hits().total() == null ? 0 : r.hits().total().value(), page, size, alerts);
    }
}

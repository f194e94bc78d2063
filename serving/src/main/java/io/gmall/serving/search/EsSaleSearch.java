package io.gmall.serving.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.RangeBucket;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.gmall.serving.ServingProperties;
import io.gmall.serving.StoreUnavailableException;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@link SaleSearch} on the {@code gmall_sale_detail} index with the typed client: the day as a filter, the
 * keyword as a match on {@code sku_name} with operator AND, newest orders first, and the shares as a terms and
 * a range aggregation of the same request. A day with no index yet is an empty answer, not an error.
 */
@Component
public final class EsSaleSearch implements SaleSearch {

    static final Map<String, String> GENDERS = Map.of("M", "male", "F", "female");
    private static final String UNKNOWN = "unknown";
    private static final List<String> AGE_BANDS = List.of("under 20", "20-29", "30 and over");

    private final ElasticsearchClient es;
    private final String index;

    public EsSaleSearch(ElasticsearchClient es, ServingProperties properties) {
        this.es = es;
        this.index = properties.es().saleIndex();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public SaleDetail search(LocalDate day, String keyword, int page, int size) {
        SearchResponse<Map> r;
        try {
            r = es.search(s -> s.index(index).ignoreUnavailable(true).allowNoIndices(true)
                    .query(q -> q.bool(b -> {
                        b.filter(f -> f.term(t -> t.field("dt").value(day.toString())));
                        if (keyword != null) {
                            b.must(m -> m.match(mm -> mm.field("sku_name").query(keyword).operator(Operator.And)));
                        }
                        return b;
                    }))
                    .from((page - 1) * size).size(size)
                    .sort(o -> o.field(f -> f.field("create_time").order(SortOrder.Desc)))
                    .sort(o -> o.field(f -> f.field("order_detail_id").order(SortOrder.Asc)))
                    .trackTotalHits(t -> t.enabled(true))
                    .aggregations("gender", a -> a.terms(t -> t.field("user_gender").missing(UNKNOWN).size(10)))
                    .aggregations("age", a -> a.range(g -> g.field("user_age")
                            .ranges(x -> x.key(AGE_BANDS.get(0)).to(20.0))
                            .ranges(x -> x.key(AGE_BANDS.get(1)).from(20.0).to(30.0))
                            .ranges(x -> x.key(AGE_BANDS.get(2)).from(30.0)))), Map.class);
        } catch (IOException | ElasticsearchException e) {
            throw new StoreUnavailableException("Elasticsearch", "searching " + index, e);
        }
        long total = r.hits().total() == null ? 0 : r.hits().total().value();
        Map<String, Long> genders = new LinkedHashMap<>();
        genders.put("male", 0L);
        genders.put("female", 0L);
        if (r.aggregations().containsKey("gender")) {
            for (StringTermsBucket b : r.aggregations().get("gender").sterms().buckets().array()) {
                genders.merge(GENDERS.getOrDefault(b.key().stringValue(), UNKNOWN), b.docCount(), Long::sum);
            }
        }
        Map<String, Long> ages = new LinkedHashMap<>();
        AGE_BANDS.forEach(band -> ages.put(band, 0L));
        long banded = 0;
        if (r.aggregations().containsKey("age")) {
            for (RangeBucket b : r.aggregations().get("age").range().buckets().array()) {
                ages.put(b.key(), b.docCount());
                banded += b.docCount();
            }
        }
        if (total > banded) {
            ages.put(UNKNOWN, total - banded);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Hit<Map> h : r.hits().hits()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> row = h.source();
            rows.add(row);
        }
        return new SaleDetail(total, List.of(stat("Gender", genders), stat("Age", ages)), rows);
    }

    private static SaleDetail.Stat stat(String title, Map<String, Long> counts) {
        List<SaleDetail.Option> options = new ArrayList<>();
        Shares.of(counts).forEach((name, share) -> options.add(new SaleDetail.Option(name, share)));
        return new SaleDetail.Stat(title, options);
    }
}

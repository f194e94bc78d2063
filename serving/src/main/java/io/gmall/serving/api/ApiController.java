package io.gmall.serving.api;

import io.gmall.serving.realtime.Metric;
import io.gmall.serving.realtime.RealtimeService;
import io.gmall.serving.search.AlertPage;
import io.gmall.serving.search.AlertSearch;
import io.gmall.serving.search.ReconcileAudit;
import io.gmall.serving.search.SaleDetail;
import io.gmall.serving.search.SaleSearch;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.gmall.serving.ServingProperties;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The seed's paths and shapes (DESIGN.md, Serving API), read-only; dates are business days. */
@RestController
public class ApiController {

    private static final String DATE = "business day, yyyy-MM-dd";

    private final RealtimeService realtime;
    private final SaleSearch sales;
    private final AlertSearch alerts;
    private final ReconcileAudit audit;
    private final RequestParams params;
    private final ZoneId zone;
    private final Clock clock;

    public ApiController(RealtimeService realtime, SaleSearch sales, AlertSearch alerts, ReconcileAudit audit, RequestParams params,
                         ServingProperties properties, Clock clock) {
        this.zone = properties.businessZone();
        this.clock = clock;
        this.realtime = realtime;
        this.sales = sales;
        this.alerts = alerts;
        this.audit = audit;
        this.params = params;
    }

    @Operation(summary = "The day's totals: active devices (dau), new devices (new_mid), GMV (order_amount), in that order")
    @GetMapping("/realtime-total")
    public List<RealtimeService.Figure> total(@Parameter(description = DATE) @RequestParam(required = false) String date) {
        return realtime.total(params.date("date", date));
    }

    @Operation(summary = "One figure per business hour 00-23 for the day and the day before")
    @GetMapping("/realtime-hour")
    public Map<String, Map<String, Number>> hour(
            @Parameter(description = "dau, new_mid or order_amount") @RequestParam(required = false) String id,
            @Parameter(description = DATE) @RequestParam(required = false) String date) {
        if (id == null || id.isBlank()) {
            throw new BadParameterException("id", "id is required: one of " + Metric.ids());
        }
        Metric metric = Metric.byId(id).orElseThrow(() -> new BadParameterException("id", "id must be one of " + Metric.ids()));
        return realtime.hours(metric, params.date("date", date));
    }

    @Operation(summary = "The day's order details whose sku name holds every word of the keyword, paged, with gender and age-band shares")
    @GetMapping("/sale_detail")
    public SaleDetail saleDetail(@Parameter(description = DATE) @RequestParam(required = false) String date,
                                 @Parameter(description = "page number from 1") @RequestParam(required = false) String startpage,
                                 @Parameter(description = "rows per page") @RequestParam(required = false) String size,
                                 @Parameter(description = "words all required in the sku name; empty: the whole day")
                                 @RequestParam(required = false) String keyword) {
        LocalDate day = params.date("date", date);
        int page = params.page("startpage", startpage);
        int rows = params.size("size", size, 20, page, "startpage");
        return sales.search(day, params.keyword("keyword", keyword), page, rows);
    }

    @Operation(summary = "The day's coupon-abuse alerts, newest first, paged")
    @GetMapping("/alerts")
    public AlertPage alerts(@Parameter(description = DATE) @RequestParam(required = false) String date,
                            @Parameter(description = "page number from 1") @RequestParam(required = false) String startpage,
                            @Parameter(description = "alerts per page") @RequestParam(required = false) String size) {
        LocalDate day = params.date("date", date);
        int page = params.page("startpage", startpage);
        return alerts.search(day, page, params.size("size", size, 20, page, "startpage"));
    }

    @Operation(summary = "Today's business day and the zone the API's dates are in (the dashboard's default date)")
    @GetMapping("/today")
    public Map<String, String> today() {
        return Map.of("date", LocalDate.now(clock.withZone(zone)).toString(), "zone", zone.getId());
    }

    @Operation(summary = "The nightly reconcile runs of the day and their corrections",
            description = "status: 'no run' until the day was reconciled; then, after its latest run, 'in agreement' when that run found "
                    + "nothing wrong, else 'corrected N' (cells and documents rewritten). runs: newest first, each with its totals per metric.")
    @GetMapping("/reconcile-status")
    public Map<String, Object> reconcileStatus(@Parameter(description = DATE) @RequestParam(required = false) String date) {
        LocalDate day = params.date("date", date);
        List<ReconcileAudit.Run> runs = audit.runs(day);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", day.toString());
        out.put("status", runs.isEmpty() ? "no run"
                : runs.get(0).mismatched() == 0 ? "in agreement" : "corrected " + runs.get(0).corrected());
        out.put("runs", runs);
        return out;
    }
}

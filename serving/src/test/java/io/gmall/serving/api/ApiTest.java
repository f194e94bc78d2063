package io.gmall.serving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.serving.StoreUnavailableException;
import io.gmall.serving.realtime.RowReader;
import io.gmall.serving.search.AlertPage;
import io.gmall.serving.search.AlertSearch;
import io.gmall.serving.search.ReconcileAudit;
import io.gmall.serving.search.SaleDetail;
import io.gmall.serving.search.SaleSearch;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** The API's contract and refusals, over stores held in memory (the real stores: ServingIT). */
@SpringBootTest(properties = "gmall.serving.realtime-cache=0s")
@AutoConfigureMockMvc
class ApiTest {

    /** HBase rows by table and row key, as the stream writes them; a failure to throw instead, when set. */
    static final Map<String, Map<String, Map<String, String>>> TABLES = new HashMap<>();
    static final AtomicReference<RuntimeException> DOWN = new AtomicReference<>();
    static final AtomicReference<Object[]> LAST_SEARCH = new AtomicReference<>();

    @TestConfiguration
    static class Stores {
        @Bean
        @Primary
        RowReader rowsInMemory() {
            return (table, keys) -> {
                if (DOWN.get() != null) {
                    throw DOWN.get();
                }
                Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
                keys.forEach(k -> out.put(k, TABLES.getOrDefault(table, Map.of()).getOrDefault(k, Map.of())));
                return out;
            };
        }

        @Bean
        @Primary
        SaleSearch salesInMemory() {
            return (day, keyword, page, size) -> {
                LAST_SEARCH.set(new Object[] {day, keyword, page, size});
                return new SaleDetail(0, List.of(), List.of());
            };
        }

        @Bean
        @Primary
        AlertSearch alertsInMemory() {
            return (day, page, size) -> new AlertPage(0, page, size, List.of());
        }

        /** 16:30 in UTC is half past midnight of the next day in Asia/Shanghai. */
        @Bean
        @Primary
        Clock fixedClock() {
            return Clock.fixed(Instant.parse("2026-11-24T16:30:00Z"), ZoneOffset.UTC);
        }

        @Bean
        @Primary
        ReconcileAudit auditInMemory() {
            return day -> RUNS.getOrDefault(day.toString(), List.of());
        }
    }

    static final Map<String, List<ReconcileAudit.Run>> RUNS = Map.of(
            "2026-11-22", List.of(new ReconcileAudit.Run("second", 2_000, 0, 0, List.of()), new ReconcileAudit.Run("first", 1_000, 3, 3, List.of())),
            "2026-11-23", List.of(new ReconcileAudit.Run("dry", 1_000, 4, 0, List.of())));

    @Autowired
    MockMvc mvc;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void reset() {
        TABLES.clear();
        DOWN.set(null);
        LAST_SEARCH.set(null);
    }

    private JsonNode body(MvcResult r) throws Exception {
        return json.readTree(r.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    @Test
    void totalsListTheThreeFiguresInTheSeedsOrderWithZeroesForADayWithoutData() throws Exception {
        TABLES.put("dau_hourly", Map.of("2026-11-24", Map.of("dau", "120", "new_mid", "7", "dau_09", "100", "dau_10", "20")));
        TABLES.put("gmv_hourly", Map.of("2026-11-24", Map.of("order_amount", "1234.50")));
        JsonNode total = body(mvc.perform(get("/realtime-total").param("date", "2026-11-24")).andExpect(status().isOk()).andReturn());
        assertThat(total.findValuesAsText("id")).containsExactly("dau", "new_mid", "order_amount");
        assertThat(total.get(0).get("value").asLong()).isEqualTo(120);
        assertThat(total.get(2).get("value").decimalValue()).isEqualByComparingTo("1234.50");
        JsonNode empty = body(mvc.perform(get("/realtime-total").param("date", "2001-01-01")).andExpect(status().isOk()).andReturn());
        assertThat(empty.findValuesAsText("id")).containsExactly("dau", "new_mid", "order_amount");
        for (JsonNode f : empty) {
            assertThat(f.get("value").isNumber()).as(f.toString()).isTrue();
            assertThat(f.get("value").asDouble()).isZero();
        }
    }

    @Test
    void hoursCoverEveryHourOfTodayAndYesterday() throws Exception {
        TABLES.put("dau_hourly", Map.of("2026-11-24", Map.of("dau_09", "100", "dau_10", "20"), "2026-11-23", Map.of("dau_23", "5")));
        JsonNode hours = body(mvc.perform(get("/realtime-hour").param("id", "dau").param("date", "2026-11-24"))
                .andExpect(status().isOk()).andReturn());
        for (String day : List.of("today", "yesterday")) {
            assertThat(hours.get(day).size()).isEqualTo(24);
            assertThat(hours.get(day).get("00").asLong()).isZero();
        }
        assertThat(hours.get("today").get("09").asLong()).isEqualTo(100);
        assertThat(hours.get("yesterday").get("23").asLong()).isEqualTo(5);
    }

    private void expectBadParameter(String parameter, MvcResult r) throws Exception {
        assertThat(r.getResponse().getStatus()).as(r.getRequest().getRequestURI() + " " + r.getRequest().getParameterMap().entrySet().stream()
                .map(e -> e.getKey() + "=" + String.join(",", e.getValue())).toList()).isEqualTo(400);
        assertThat(r.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = body(r);
        assertThat(problem.get("parameter").asText()).isEqualTo(parameter);
        assertThat(problem.get("detail").asText()).contains(parameter);
        assertThat(problem.toString()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void badDatesAreRefusedNamingTheParameter() throws Exception {
        for (String date : new String[] {"", " ", "2026-02-30", "2026-13-01", "20261125", "2026-1-5", "2026-11-25T00:00", "yesterday",
                "2026-11-25' OR '1'='1", "9999999-01-01", "-2026-11-25"}) {
            for (String path : List.of("/realtime-total", "/sale_detail", "/alerts", "/reconcile-status")) {
                expectBadParameter("date", mvc.perform(get(path).param("date", date)).andReturn());
            }
        }
        expectBadParameter("date", mvc.perform(get("/realtime-total")).andReturn());
    }

    @Test
    void anUnknownOrMissingIdIsA400NotAnEmptyAnswer() throws Exception {
        expectBadParameter("id", mvc.perform(get("/realtime-hour").param("id", "gmv").param("date", "2026-11-24")).andReturn());
        expectBadParameter("id", mvc.perform(get("/realtime-hour").param("date", "2026-11-24")).andReturn());
    }

    @Test
    void pagesAndSizesOutOfRangeAreRefused() throws Exception {
        for (String page : new String[] {"0", "-1", "abc", "1.5", "99999999999", "０１", "١"}) {
            expectBadParameter("startpage", mvc.perform(get("/sale_detail").param("date", "2026-11-24").param("startpage", page)).andReturn());
            expectBadParameter("startpage", mvc.perform(get("/alerts").param("date", "2026-11-24").param("startpage", page)).andReturn());
        }
        for (String size : new String[] {"0", "-5", "101", "10000", "ten"}) {
            expectBadParameter("size", mvc.perform(get("/sale_detail").param("date", "2026-11-24").param("size", size)).andReturn());
        }
        expectBadParameter("startpage", mvc.perform(get("/sale_detail").param("date", "2026-11-24").param("startpage", "101").param("size", "100")).andReturn());
    }

    @Test
    void keywordsThatAreTooLongOrHoldQuerySyntaxAreRefused() throws Exception {
        for (String keyword : new String[] {"x".repeat(10_240), "\"}},{\"match_all\":{}}", "*:*", "name:phone OR 1", "<script>alert(1)</script>",
                "phone\u0000", "a\\b", "sku_name:* AND dt:[* TO *]"}) {
            expectBadParameter("keyword", mvc.perform(get("/sale_detail").param("date", "2026-11-24").param("keyword", keyword)).andReturn());
        }
    }

    @Test
    void aGoodKeywordInAnyScriptReachesTheSearchTrimmedAndAnEmptyOneMeansTheWholeDay() throws Exception {
        mvc.perform(get("/sale_detail").param("date", "2026-11-24").param("keyword", " 小米 手机 ").param("startpage", "2").param("size", "5"))
                .andExpect(status().isOk());
        assertThat(LAST_SEARCH.get()).containsExactly(java.time.LocalDate.parse("2026-11-24"), "小米 手机", 2, 5);
        mvc.perform(get("/sale_detail").param("date", "2026-11-24").param("keyword", "")).andExpect(status().isOk());
        assertThat(LAST_SEARCH.get()[1]).isNull();
    }

    @Test
    void aRepeatedParameterIsAmbiguous() throws Exception {
        expectBadParameter("date", mvc.perform(get("/realtime-total?date=2026-11-24&date=2026-11-25")).andReturn());
    }

    @Test
    void otherMethodsAre405AndUnknownPaths404AsProblems() throws Exception {
        for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH)) {
            mvc.perform(request(method, "/realtime-total").param("date", "2026-11-24"))
                    .andExpect(status().isMethodNotAllowed())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        }
        mvc.perform(get("/no-such-path")).andExpect(status().isNotFound()).andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(get("/error")).andExpect(status().isNotFound()).andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        for (String accept : List.of("!!!", "text/csv")) {
            mvc.perform(get("/realtime-total").param("date", "2026-11-24").header("Accept", accept))
                    .andExpect(status().isNotAcceptable())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.status").value(406));
        }
    }

    @Test
    void aStoreThatIsDownIsA503NamingItWithoutAStackTrace() throws Exception {
        DOWN.set(new StoreUnavailableException("HBase", "reading gmall:dau_hourly", new java.io.IOException("Connection refused")));
        MvcResult r = mvc.perform(get("/realtime-total").param("date", "2026-11-24")).andExpect(status().isServiceUnavailable())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.store").value("HBase")).andReturn();
        assertThat(r.getResponse().getHeader("Retry-After")).isNotNull();
        assertThat(body(r).toString()).doesNotContain("at org.");
    }

    @Test
    void todayIsTheBusinessDayInTheConfiguredZone() throws Exception {
        JsonNode today = body(mvc.perform(get("/today")).andExpect(status().isOk()).andReturn());
        assertThat(today.get("zone").asText()).isEqualTo("Asia/Shanghai");
        assertThat(today.get("date").asText()).isEqualTo("2026-11-25");
    }

    @Test
    void theDashboardAndItsChartLibraryAreServedByTheAppItself() throws Exception {
        mvc.perform(get("/")).andExpect(status().isOk());
        String page = mvc.perform(get("/index.html")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("webjars/echarts/5.3.1/dist/echarts.min.js").doesNotContain("http://").doesNotContain("https://");
        mvc.perform(get("/webjars/echarts/5.3.1/dist/echarts.min.js")).andExpect(status().isOk());
        mvc.perform(get("/dashboard.js")).andExpect(status().isOk());
    }

    @Test
    void reconcileStatusSaysTruthfullyThatNoRunExists() throws Exception {
        mvc.perform(get("/reconcile-status").param("date", "2026-11-24")).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("no run")).andExpect(jsonPath("$.runs").isEmpty());
    }

    @Test
    void reconcileStatusIsTheLatestRunsOutcome() throws Exception {
        mvc.perform(get("/reconcile-status").param("date", "2026-11-22")).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("in agreement")).andExpect(jsonPath("$.runs[1].corrected").value(3));
        mvc.perform(get("/reconcile-status").param("date", "2026-11-23")).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("corrected 0"));
        mvc.perform(get("/reconcile-status").param("date", "2026-13-01")).andExpect(status().isBadRequest());
    }

    @Test
    void thousandsOfRandomQueriesNeverGetA5xxAndEveryRefusalIsAProblem() throws Exception {
        Random random = new Random(7);
        String[] names = {"date", "id", "startpage", "size", "keyword", "x"};
        String[] paths = {"/realtime-total", "/realtime-hour", "/sale_detail", "/alerts", "/reconcile-status"};
        for (int i = 0; i < 3000; i++) {
            StringBuilder query = new StringBuilder();
            for (int p = random.nextInt(4); p >= 0; p--) {
                byte[] raw = new byte[random.nextInt(24)];
                random.nextBytes(raw);
                String value = random.nextBoolean() ? new String(raw, StandardCharsets.ISO_8859_1) : "2026-11-" + random.nextInt(40);
                query.append(query.isEmpty() ? "" : "&").append(names[random.nextInt(names.length)]).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
            MvcResult r = mvc.perform(get(paths[random.nextInt(paths.length)] + "?" + query)).andReturn();
            int code = r.getResponse().getStatus();
            assertThat(code).as(query.toString()).isIn(200, 400);
            if (code == 400) {
                assertThat(r.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            }
        }
    }
}

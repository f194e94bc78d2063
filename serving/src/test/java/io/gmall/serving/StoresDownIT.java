package io.gmall.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API with both stores unreachable: it starts, stays live, is not ready, and answers 503 problems naming the store. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StoresDownIT {

    @DynamicPropertySource
    static void unreachable(DynamicPropertyRegistry registry) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        int port = closed;
        registry.add("spring.elasticsearch.uris", () -> "http://127.0.0.1:" + port);
        registry.add("gmall.serving.hbase.zookeeper-port", () -> port);
    }

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyReadIsA503ProblemNamingTheStore() throws Exception {
        for (String[] c : new String[][] {{"/realtime-total?date=2026-11-24", "HBase"}, {"/realtime-hour?id=dau&date=2026-11-24", "HBase"},
                {"/sale_detail?date=2026-11-24", "Elasticsearch"}, {"/alerts?date=2026-11-24", "Elasticsearch"}}) {
            HttpResponse<String> r = get(c[0]);
            assertThat(r.statusCode()).as(c[0] + " " + r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("\"store\":\"" + c[1] + "\"").doesNotContain("\tat ");
        }
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
        assertThat(get("/realtime-total?date=2026-02-30").statusCode()).as("bad input is still a 400").isEqualTo(400);
    }

    @Test
    void aRequestTomcatRefusesBeforeTheApiIsAProblemToo() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/realtime-total?date=2026-11-24"))
                .header("X-Padding", "x".repeat(70 * 1024)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.body()).contains("\"status\":400").doesNotContain("<html").doesNotContain("Apache Tomcat");
    }
}

package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import against an HTTP stub that records what Kibana would receive (Kibana itself cannot be installed here). */
class KibanaImportTest {

    private HttpServer kibana;
    private final List<String> requests = new ArrayList<>();
    private String answer;
    private int status;

    @BeforeEach
    void stub() throws Exception {
        kibana = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kibana.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\nxsrf=" + exchange.getRequestHeaders().getFirst("kbn-xsrf")
                    + "\nauth=" + exchange.getRequestHeaders().getFirst("Authorization")
                    + "\ntype=" + exchange.getRequestHeaders().getFirst("Content-Type") + "\n" + body);
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        kibana.start();
    }

    @AfterEach
    void stop() {
        kibana.stop(0);
    }

    private KibanaImport command(Path dir) {
        KibanaImport c = new KibanaImport();
        c.url = URI.create("http://127.0.0.1:" + kibana.getAddress().getPort() + "/");
        c.objectsDir = dir;
        return c;
    }

    @Test
    void postsEachFileAsAMultipartImportWithTheXsrfHeader(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gmall.ndjson"), "{\"id\":\"a\",\"type\":\"index-pattern\",\"attributes\":{}}\n");
        answer = "{\"success\":true,\"successCount\":1}";
        status = 200;
        KibanaImport c = command(dir);
        c.space = "ops";
        c.user = "elastic";
        c.password = "secret";

        assertThat(c.call()).isZero();
        assertThat(requests).hasSize(1);
        String request = requests.get(0);
        assertThat(request).startsWith("POST /s/ops/api/saved_objects/_import?overwrite=true")
                .contains("xsrf=gmall", "auth=Basic ZWxhc3RpYzpzZWNyZXQ=", "type=multipart/form-data; boundary=")
                .contains("filename=\"gmall.ndjson\"", "{\"id\":\"a\",\"type\":\"index-pattern\"");
    }

    @Test
    void aRefusedImportExitsNonZero(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gmall.ndjson"), "{}\n");
        answer = "{\"success\":false,\"errors\":[{\"id\":\"x\",\"type\":\"visualization\",\"error\":{\"type\":\"missing_references\"}}]}";
        status = 200;
        assertThat(command(dir).call()).isEqualTo(1);
        status = 401;
        answer = "{\"statusCode\":401}";
        assertThat(command(dir).call()).isEqualTo(1);
    }
}

package io.gmall.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Posts the saved objects of {@code infra/kibana/*.ndjson} (data views, visualizations, the dashboard) to a
 * Kibana 8's saved-objects import API, overwriting objects of the same ids, and prints Kibana's verdict.
 */
@Command(name = "kibana-import", description = "Imports infra/kibana/*.ndjson into a Kibana 8.x through its saved-objects API.")
public final class KibanaImport implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", required = true, description = "Kibana's base URL, e.g. http://127.0.0.1:5601")
    URI url;

    @Option(names = "--space", description = "a Kibana space other than the default one")
    String space;

    @Option(names = "--user", description = "basic-auth user; the password is read from GMALL_KIBANA_PASSWORD")
    String user;

    Path objectsDir = Launcher.layout().root().resolve("infra/kibana");
    String password = System.getenv("GMALL_KIBANA_PASSWORD");

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(objectsDir)) {
            files = listed.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no saved objects (*.ndjson) in " + objectsDir);
        }
        if (user != null && password == null) {
            throw new IllegalStateException("--user given: set GMALL_KIBANA_PASSWORD to its password");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        boolean ok = true;
        for (Path file : files) {
            String boundary = "gmall-" + UUID.randomUUID();
            HttpRequest.Builder request = HttpRequest.newBuilder(importUri())
                    .timeout(Duration.ofMinutes(2))
                    .header("kbn-xsrf", "gmall")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, file)));
            if (user != null) {
                String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                request.header("Authorization", "Basic " + credentials);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            ok &= report(file, response);
        }
        return ok ? 0 : 1;
    }

    private URI importUri() {
        String base = url.toString().replaceAll("/+$", "");
        return URI.create(base + (space == null ? "" : "/s/" + space) + "/api/saved_objects/_import?overwrite=true");
    }

    private static byte[] multipart(String boundary, Path file) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName()
                + "\"\r\nContent-Type: application/ndjson\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static boolean report(Path file, HttpResponse<String> response) {
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.statusCode() != 200 || !answer.path("success").asBoolean(false)) {
            System.out.println(file.getFileName() + ": NOT imported (HTTP " + response.statusCode() + "): " + clip(response.body()));
            for (JsonNode error : answer.path("errors")) {
                System.out.println("  " + error.path("type").asText() + "/" + error.path("id").asText() + ": " + error.path("error").path("type").asText());
            }
            return false;
        }
        System.out.println(file.getFileName() + ": imported " + answer.path("successCount").asInt() + " objects");
        return true;
    }

    private static String clip(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}

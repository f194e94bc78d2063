package io.gmall.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kibana saved objects of {@code infra/kibana}, checked without Kibana (which cannot be installed here):
 * every line parses, every reference resolves inside the set, and every field a data view or visualization
 * uses exists with a compatible type in the mappings Elasticsearch gives the indices (the index templates
 * applied to a probe index, and every real index the pattern matches).
 */
class KibanaObjectsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI ES = URI.create(System.getenv().getOrDefault("GMALL_ES_URL", "http://127.0.0.1:19200"));
    private static final Set<String> NUMERIC = Set.of("long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float");
    private static final Pattern DOC_FIELD = Pattern.compile("doc\\['([^']+)'\\]");

    private final HttpClient http = HttpClient.newHttpClient();

    private static List<JsonNode> objects() throws Exception {
        Path dir = Path.of(System.getProperty("gmall.root", "..")).resolve("infra/kibana");
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList()) {
                int n = 0;
                for (String line : Files.readAllLines(f)) {
                    n++;
                    if (!line.isBlank()) {
                        JsonNode o = JSON.readTree(line);
                        assertThat(o.hasNonNull("id") && o.hasNonNull("type") && o.has("attributes")).as(f + ":" + n).isTrue();
                        out.add(o);
                    }
                }
            }
        }
        return out;
    }

    private static String key(JsonNode o) {
        return o.get("type").asText() + "/" + o.get("id").asText();
    }

    @Test
    void everyReferenceResolvesInsideTheSet() throws Exception {
        List<JsonNode> objects = objects();
        Map<String, JsonNode> byKey = new HashMap<>();
        objects.forEach(o -> assertThat(byKey.put(key(o), o)).as("duplicate " + key(o)).isNull());
        assertThat(byKey.keySet()).anyMatch(k -> k.startsWith("dashboard/"));
        for (JsonNode o : objects) {
            for (JsonNode ref : o.get("references")) {
                assertThat(byKey).as(key(o) + " refers to " + ref).containsKey(ref.get("type").asText() + "/" + ref.get("id").asText());
            }
            if (o.get("type").asText().equals("dashboard")) {
                Set<String> names = new java.util.HashSet<>();
                o.get("references").forEach(r -> names.add(r.get("name").asText()));
                for (JsonNode panel : JSON.readTree(o.get("attributes").get("panelsJSON").asText())) {
                    assertThat(names).as(key(o) + " panel").contains(panel.get("panelRefName").asText());
                }
            }
        }
    }

    /** Field name → types it has across the indices of a pattern (a probe index made from the templates included). */
    private Map<String, Set<String>> mappedFields(String pattern) throws Exception {
        String probe = pattern.replace("*", "") + "_kibana_check_" + UUID.randomUUID().toString().substring(0, 8);
        send("PUT", "/" + probe);
        try {
            JsonNode indices = JSON.readTree(send("GET", "/" + pattern + "/_mapping").body());
            Map<String, Set<String>> fields = new LinkedHashMap<>();
            indices.fields().forEachRemaining(index -> collect("", index.getValue().path("mappings").path("properties"), fields));
            return fields;
        } finally {
            send("DELETE", "/" + probe);
        }
    }

    private static void collect(String prefix, JsonNode properties, Map<String, Set<String>> into) {
        Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> p = it.next();
            String name = prefix + p.getKey();
            into.computeIfAbsent(name, k -> new java.util.HashSet<>()).add(p.getValue().path("type").asText("object"));
            collect(name + ".", p.getValue().path("properties"), into);
            collect(name + ".", p.getValue().path("fields"), into);
        }
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(ES.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isLessThan(300);
        return r;
    }

    @Test
    void everyFieldUsedExistsInTheRealMappingsWithACompatibleType() throws Exception {
        List<JsonNode> objects = objects();
        Map<String, Map<String, Set<String>>> fieldsByView = new HashMap<>();
        for (JsonNode view : objects.stream().filter(o -> o.get("type").asText().equals("index-pattern")).toList()) {
            JsonNode a = view.get("attributes");
            Map<String, Set<String>> fields = mappedFields(a.get("title").asText());
            assertThat(fields.get(a.get("timeFieldName").asText())).as(key(view) + " time field").containsOnly("date");
            if (a.hasNonNull("runtimeFieldMap")) {
                JsonNode runtime = JSON.readTree(a.get("runtimeFieldMap").asText());
                runtime.fields().forEachRemaining(f -> {
                    Matcher m = DOC_FIELD.matcher(f.getValue().path("script").path("source").asText());
                    while (m.find()) {
                        assertThat(fields).as(key(view) + " runtime field " + f.getKey() + " reads " + m.group(1)).containsKey(m.group(1));
                    }
                    fields.put(f.getKey(), Set.of(f.getValue().get("type").asText()));
                });
            }
            fieldsByView.put(view.get("id").asText(), fields);
        }
        int checked = 0;
        for (JsonNode vis : objects.stream().filter(o -> o.get("type").asText().equals("visualization")).toList()) {
            String viewId = vis.get("references").get(0).get("id").asText();
            Map<String, Set<String>> fields = fieldsByView.get(viewId);
            for (JsonNode agg : JSON.readTree(vis.get("attributes").get("visState").asText()).get("aggs")) {
                String field = agg.path("params").path("field").asText(null);
                if (field == null) {
                    continue;
                }
                Set<String> types = fields.get(field);
                assertThat(types).as(key(vis) + " uses " + field).isNotNull();
                String type = agg.get("type").asText();
                for (String t : types) {
                    boolean compatible = switch (type) {
                        case "date_histogram" -> t.equals("date");
                        case "terms" -> t.equals("keyword") || NUMERIC.contains(t) || t.equals("boolean") || t.equals("ip");
                        case "range", "sum", "avg", "min", "max" -> NUMERIC.contains(t);
                        default -> false;
                    };
                    assertThat(compatible).as(key(vis) + ": " + type + " on " + field + " of type " + t).isTrue();
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(16);
    }
}

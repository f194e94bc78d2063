package io.gmall.streaming.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * {@link DocumentIndex} on Elasticsearch. Documents go through elasticsearch-spark's batch writer with
 * {@code es.mapping.id} (its streaming sink is broken on Spark 3.5), deletes through the bulk API.
 */
public final class EsDocumentIndex implements DocumentIndex {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public EsDocumentIndex(URI url) {
        this.url = url;
    }

    @Override
    public void index(String index, Dataset<Row> documents, String idColumn) {
        documents.write().format("es")
                .option("es.nodes", url.getHost())
                .option("es.port", Integer.toString(url.getPort()))
                .option("es.net.ssl", Boolean.toString("https".equals(url.getScheme())))
                .option("es.nodes.wan.only", "true")
                .option("es.mapping.id", idColumn)
                .option("es.write.operation", "index")
                .option("es.batch.write.retry.count", "0")
                .mode(SaveMode.Append)
                .save(index);
    }

    @Override
    public void delete(String index, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        StringBuilder body = new StringBuilder();
        try {
            for (String id : ids) {
                body.append(JSON.writeValueAsString(Map.of("delete", Map.of("_index", index, "_id", id)))).append('\n');
            }
            HttpRequest request = HttpRequest.newBuilder(url.resolve("/_bulk"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || hasRealErrors(response.body())) {
                throw new IllegalStateException("Elasticsearch bulk delete in " + index + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Elasticsearch bulk delete in " + index, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public Optional<Dataset<Row>> documents(SparkSession spark, String index, String... arrayFields) {
        try {
            int status = http.send(HttpRequest.newBuilder(url.resolve("/" + index)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 404) {
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Elasticsearch at " + url + " does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return Optional.of(spark.read().format("es")
                .option("es.nodes", url.getHost())
                .option("es.port", Integer.toString(url.getPort()))
                .option("es.net.ssl", Boolean.toString("https".equals(url.getScheme())))
                .option("es.nodes.wan.only", "true")
                .option("es.index.read.missing.as.empty", "true")
                .option("es.read.field.as.array.include", String.join(",", arrayFields))
                .load(index));
    }

    /** A delete of an absent document (404) is what a replay sees: not an error. */
    private static boolean hasRealErrors(String body) throws IOException {
        for (var item : JSON.readTree(body).path("items")) {
            int status = item.path("delete").path("status").asInt();
            if (status != 200 && status != 404) {
                return true;
            }
        }
        return false;
    }
}

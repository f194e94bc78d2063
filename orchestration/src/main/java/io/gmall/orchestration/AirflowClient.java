package io.gmall.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A client of Airflow's stable REST API: trigger a DAG run with conf, read its state and its task instances.
 * Airflow 3 serves {@code /api/v2} behind a JWT from {@code POST /auth/token}; Airflow 2 serves {@code /api/v1} with
 * basic authentication. Which one answers is found out once, from the version endpoint.
 */
public final class AirflowClient {

    /** A DAG run as Airflow reports it: {@code queued}, {@code running}, {@code success} or {@code failed}. */
    public record DagRun(String dagId, String runId, String state) {
        public boolean finished() {
            return "success".equals(state) || "failed".equals(state);
        }
    }

    /** A task instance of a run; {@code state} is null until the scheduler has looked at it. */
    public record TaskInstance(String taskId, String state, int tryNumber) {
    }

    /** An answer Airflow gave that is not the one asked for, with its status and body. */
    public static final class AirflowException extends IOException {
        public final int status;

        AirflowException(String what, int status, String body) {
            super(what + ": Airflow answered " + status + " " + body);
            this.status = status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    /** HTTP/1.1: Java's default h2c upgrade on a POST is refused by Airflow's uvicorn (400 Invalid HTTP request). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final String api;
    private final String authorization;

    private AirflowClient(URI base, String api, String authorization) {
        this.base = base;
        this.api = api;
        this.authorization = authorization;
    }

    /** Connects to Airflow at {@code url}: a JWT for Airflow 3, basic authentication for Airflow 2. */
    public static AirflowClient connect(String url, String user, String password) throws IOException, InterruptedException {
        URI base = URI.create(url.endsWith("/") ? url : url + "/");
        AirflowClient probe = new AirflowClient(base, "api/v2", null);
        HttpResponse<String> version = probe.send(HttpRequest.newBuilder(base.resolve("api/v2/version")).GET());
        if (version.statusCode() == 404) {
            String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return new AirflowClient(base, "api/v1", "Basic " + basic);
        }
        ObjectNode credentials = JSON.createObjectNode().put("username", user).put("password", password);
        HttpResponse<String> token = probe.send(HttpRequest.newBuilder(base.resolve("auth/token"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(credentials.toString())));
        JsonNode body = probe.expect(token, "a token from /auth/token", 200, 201);
        return new AirflowClient(base, "api/v2", "Bearer " + body.path("access_token").asText());
    }

    /** Unpauses a DAG: a paused DAG's runs stay queued. */
    public void unpause(String dagId) throws IOException, InterruptedException {
        expect(send(request("dags/" + encode(dagId)).method("PATCH", json(JSON.createObjectNode().put("is_paused", false)))),
                "unpausing " + dagId, 200);
    }

    /** Triggers a run of {@code dagId} with id {@code runId} and {@code conf}, for no particular logical date. */
    public DagRun trigger(String dagId, String runId, Map<String, ?> conf) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("dag_run_id", runId);
        body.putNull("logical_date");
        body.set("conf", JSON.valueToTree(conf));
        return dagRun(expect(send(request("dags/" + encode(dagId) + "/dagRuns").POST(json(body))), "triggering " + dagId, 200, 201));
    }

    public DagRun dagRun(String dagId, String runId) throws IOException, InterruptedException {
        return dagRun(expect(send(request("dags/" + encode(dagId) + "/dagRuns/" + encode(runId)).GET()), "reading run " + runId, 200));
    }

    public List<TaskInstance> taskInstances(String dagId, String runId) throws IOException, InterruptedException {
        JsonNode body = expect(send(request("dags/" + encode(dagId) + "/dagRuns/" + encode(runId) + "/taskInstances").GET()),
                "reading the tasks of run " + runId, 200);
        List<TaskInstance> tasks = new ArrayList<>();
        for (JsonNode t : body.path("task_instances")) {
            tasks.add(new TaskInstance(t.path("task_id").asText(), t.path("state").isNull() ? null : t.path("state").asText(),
                    t.path("try_number").asInt()));
        }
        return tasks;
    }

    private static DagRun dagRun(JsonNode run) {
        return new DagRun(run.path("dag_id").asText(), run.path("dag_run_id").asText(), run.path("state").asText());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(api + "/" + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        return HttpRequest.BodyPublishers.ofString(body.toString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode expect(HttpResponse<String> response, String what, int... statuses) throws IOException {
        for (int s : statuses) {
            if (response.statusCode() == s) {
                return JSON.readTree(response.body());
            }
        }
        throw new AirflowException(what, response.statusCode(), response.body());
    }

    /** Run ids hold ':' and '+' (Airflow's own ids): a path segment must be encoded. */
    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

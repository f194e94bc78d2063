package io.gmall.local.component;

import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import java.util.List;
import java.util.Map;

/** The REST API and dashboard (serving/); its readiness reads HBase and Elasticsearch through the API's own clients. */
public final class Serving extends SpringBootServer {

    public Serving() {
        super("serving", "serving/target/gmall-serving.jar", "serving.heap");
    }

    @Override
    public List<String> dependsOn() {
        return List.of("hbase", "elasticsearch");
    }

    /** Not for the server itself: the dashboard's test drives chromium through chromedriver, and wrk loads the API in its benchmark. */
    @Override
    public List<String> debianPackages() {
        return List.of("chromium", "chromium-driver", "wrk");
    }

    @Override
    Map<String, String> env(Context ctx) {
        return Endpoints.of(ctx.config()).asEnv();
    }

    /** java.nio opened for the HBase client, as HBase's own scripts do on JDK 17. */
    @Override
    List<String> jvmFlags() {
        return List.of("--add-opens=java.base/java.nio=ALL-UNNAMED");
    }

    @Override
    String readyMeans() {
        return "ready (HBase and Elasticsearch read)";
    }
}

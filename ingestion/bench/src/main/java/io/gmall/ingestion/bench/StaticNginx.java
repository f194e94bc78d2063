package io.gmall.ingestion.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A scratch nginx on a free loopback port that answers every request with a static 200, as many workers as the
 * stack's: the ceiling of HTTP alone on this machine, for the same requests the collector gets.
 */
final class StaticNginx implements AutoCloseable {

    private final Path dir;
    private final Process process;
    final URI url;

    StaticNginx(String binary, int workers) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("gmall-bench-nginx");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                root ? "user www-data;" : "",
                "worker_processes " + workers + ";",
                "daemon off;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log stderr warn;",
                "events { worker_connections 1024; }",
                "http {",
                "    access_log off;",
                "    client_body_temp_path " + dir.resolve("body") + ";",
                "    client_max_body_size 1m;",
                "    keepalive_timeout 30s;",
                "    keepalive_requests 1000000;",
                "    server {",
                "        listen 127.0.0.1:" + port + ";",
                "        location / { default_type application/json; return 200 '{\"accepted\":0}'; }",
                "    }",
                "}", ""));
        process = new ProcessBuilder(List.of(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        url = URI.create("http://127.0.0.1:" + port + "/api/v1/logs");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String out = Files.readString(dir.resolve("nginx.out"));
                close();
                throw new IOException("the scratch nginx did not start: " + out.strip());
            }
            Thread.sleep(50);
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

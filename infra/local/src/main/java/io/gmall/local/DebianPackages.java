package io.gmall.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Installs the Debian packages the stack runs from, with apt-get, when they are missing and we are root. */
final class DebianPackages {

    private DebianPackages() {
    }

    static void ensure(List<String> packages, Context ctx) {
        List<String> missing = packages.stream().filter(p -> !installed(p)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String names = String.join(" ", missing);
        if (!ctx.root()) {
            throw new IllegalStateException("missing Debian packages: " + names + "; install them with: sudo apt-get install -y " + names);
        }
        ctx.out().println("installing Debian packages: " + names);
        var log = ctx.layout().logFile("apt");
        List<String> install = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q"));
        install.addAll(missing);
        try {
            ProcessControl.run(install, ctx.layout().root(), log, Duration.ofMinutes(15));
        } catch (IOException first) {
            // A fresh machine may have no package lists yet.
            try {
                ProcessControl.run(List.of("apt-get", "update", "-q"), ctx.layout().root(), log, Duration.ofMinutes(10));
                ProcessControl.run(install, ctx.layout().root(), log, Duration.ofMinutes(15));
            } catch (IOException e) {
                throw new IllegalStateException("apt-get could not install " + names + ": " + e.getMessage(), e);
            }
        }
    }

    static boolean installed(String pkg) {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Status}", pkg).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("install ok installed");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

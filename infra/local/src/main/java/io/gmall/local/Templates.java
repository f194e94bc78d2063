package io.gmall.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders server config files from {@code infra/local/conf/*} with {@code ${key}} placeholders. */
public final class Templates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9_.-]+)}");

    private Templates() {
    }

    /** Replaces every {@code ${key}}; an unknown key is an error, never left in the output. */
    public static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("template placeholder ${" + m.group(1) + "} has no value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static void renderFile(Path template, Path target, Map<String, String> values) {
        try {
            String text = Files.readString(template, StandardCharsets.UTF_8);
            Files.createDirectories(target.getParent());
            Files.writeString(target, render(text, values), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render " + template + " to " + target, e);
        }
    }
}

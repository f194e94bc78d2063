package io.gmall.serving.api;

import io.gmall.serving.ServingProperties;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Reads the API's parameters from their text, so every refusal is this project's own clear message naming the
 * parameter, never a framework's conversion error.
 */
@Component
public final class RequestParams {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
    /** Also keeps out what uuuu accepts beyond it: signed and longer years. */
    private static final Pattern FOUR_DIGIT_YEAR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** ASCII digits only, as in dates: Integer.parseInt alone would also take full-width or Arabic-Indic digits. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");
    /** Letters and digits of any script, spaces and the punctuation of product names; no query syntax. */
    private static final Pattern KEYWORD = Pattern.compile("[\\p{L}\\p{N}\\p{M} .,'&+/()_-]*");

    private final ServingProperties properties;

    public RequestParams(ServingProperties properties) {
        this.properties = properties;
    }

    /** A business day {@code yyyy-MM-dd}: required, a real calendar date. */
    public LocalDate date(String name, String text) {
        if (text == null || text.isBlank()) {
            throw new BadParameterException(name, name + " is required, as yyyy-MM-dd");
        }
        try {
            if (!FOUR_DIGIT_YEAR.matcher(text).matches()) {
                throw new DateTimeParseException("not yyyy-MM-dd", text, 0);
            }
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw new BadParameterException(name, name + " must be a calendar date yyyy-MM-dd, not '" + clip(text) + "'");
        }
    }

    /** A 1-based page number; absent means 1. */
    public int page(String name, String text) {
        int page = integer(name, text, 1);
        if (page < 1) {
            throw new BadParameterException(name, name + " counts pages from 1, not " + page);
        }
        return page;
    }

    /** A page size from 1 to the configured maximum, with the page inside the result window. */
    public int size(String name, String text, int defaultSize, int page, String pageName) {
        int size = integer(name, text, defaultSize);
        if (size < 1 || size > properties.maxPageSize()) {
            throw new BadParameterException(name, name + " must be between 1 and " + properties.maxPageSize() + ", not " + size);
        }
        if ((long) page * size > properties.maxResultWindow()) {
            throw new BadParameterException(pageName, pageName + " × " + name + " may not exceed " + properties.maxResultWindow()
                    + " rows; narrow the search instead");
        }
        return size;
    }

    /** A search keyword; blank means none. */
    public String keyword(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > properties.maxKeywordLength()) {
            throw new BadParameterException(name, name + " may hold at most " + properties.maxKeywordLength() + " characters, not "
                    + text.length());
        }
        if (!KEYWORD.matcher(text).matches()) {
            throw new BadParameterException(name, name + " may hold letters, digits, spaces and . , ' & + / ( ) _ - only");
        }
        return text.strip();
    }

    private static int integer(String name, String text, int absent) {
        if (text == null || text.isBlank()) {
            return absent;
        }
        try {
            if (!WHOLE_NUMBER.matcher(text.strip()).matches()) {
                throw new NumberFormatException(text);
            }
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new BadParameterException(name, name + " must be a whole number, not '" + clip(text) + "'");
        }
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}

package io.gmall.ingestion.contract;

/**
 * Why a record (or a whole request body) was refused: a stable machine code, the field it concerns
 * ({@code "$"} for the whole record or body) and a sentence for people.
 */
public record Violation(String code, String field, String message) {

    public static final String MALFORMED_JSON = "malformed_json";
    public static final String TOO_DEEP = "too_deep";
    public static final String TOO_LARGE = "too_large";
    public static final String NOT_OBJECT = "not_object";
    public static final String MISSING = "missing";
    public static final String WRONG_TYPE = "wrong_type";
    public static final String NOT_ALLOWED = "not_allowed";
    public static final String TOO_LONG = "too_long";
    public static final String BAD_FORMAT = "bad_format";
    public static final String BAD_TEXT = "bad_text";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String IN_FUTURE = "in_future";
    public static final String TOO_OLD = "too_old";
    public static final String UNSUPPORTED_VERSION = "unsupported_version";

    @Override
    public String toString() {
        return code + " " + field + ": " + message;
    }
}

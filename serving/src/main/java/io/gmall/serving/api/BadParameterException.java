package io.gmall.serving.api;

/** A request parameter that is missing, malformed or out of range: a 400 naming it. */
public final class BadParameterException extends RuntimeException {

    private final String parameter;

    public BadParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}

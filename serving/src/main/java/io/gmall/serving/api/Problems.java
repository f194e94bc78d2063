package io.gmall.serving.api;

import io.gmall.serving.StoreUnavailableException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every refusal as application/problem+json: 400 naming the parameter, 503 naming the store, and for anything
 * unforeseen a 500 that says so without a stack trace (logged here instead). Spring's own refusals (404, 405)
 * come as problem+json through the base class.
 */
@RestControllerAdvice
public class Problems extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    @ExceptionHandler(BadParameterException.class)
    public ResponseEntity<ProblemDetail> badParameter(BadParameterException e) {
        return ResponseEntity.badRequest().body(badParameter(e.parameter(), e.getMessage()));
    }

    static ProblemDetail badParameter(String parameter, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        p.setType(URI.create("urn:gmall:problem:bad-parameter"));
        p.setTitle("Bad parameter: " + parameter);
        p.setProperty("parameter", parameter);
        return p;
    }

    @ExceptionHandler(StoreUnavailableException.class)
    public ResponseEntity<ProblemDetail> storeUnavailable(StoreUnavailableException e) {
        LOG.warn("{}", e.getMessage());
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setType(URI.create("urn:gmall:problem:store-unavailable"));
        p.setTitle(e.store() + " unavailable");
        p.setProperty("store", e.store());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(p);
    }

    /**
     * Spring answers an Accept it cannot meet (or cannot parse) with an empty 406; this API has one representation of
     * a refusal, so it is sent with its type set, which no negotiation overrules.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException e, HttpHeaders headers,
                                                                      HttpStatusCode status, WebRequest request) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_ACCEPTABLE,
                "this API answers application/json (refusals application/problem+json); the Accept header allows neither");
        p.setType(URI.create("urn:gmall:problem:not-acceptable"));
        return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    @ExceptionHandler(RuntimeException.class)
    public ResponseEntity<ProblemDetail> unforeseen(RuntimeException e) {
        LOG.error("unforeseen failure", e);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "an unforeseen failure; the server log has it");
        p.setType(URI.create("urn:gmall:problem:internal"));
        return ResponseEntity.internalServerError().body(p);
    }
}

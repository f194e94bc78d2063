package io.gmall.ingestion.logger;

import io.gmall.ingestion.contract.Violation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.codec.DecoderException;
import org.apache.commons.codec.net.URLCodec;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The collector protocol: {@code POST /api/v1/logs} (one record or an array, gzip allowed) and the
 * seed's {@code POST /log} (form field {@code log=<json>}, not URL-encoded, no {@code ts}).
 */
@RestController
class LogController {

    static final String API = "/api/v1/logs";
    static final String LEGACY = "/log";
    private static final byte[] LEGACY_FIELD = "log=".getBytes(StandardCharsets.US_ASCII);

    private final LogIngestion ingestion;
    private final LoggerProperties props;

    LogController(LogIngestion ingestion, LoggerProperties props) {
        this.ingestion = ingestion;
        this.props = props;
    }

    @PostMapping(API)
    ResponseEntity<?> logs(HttpServletRequest request) throws IOException {
        long receivedAt = System.currentTimeMillis();
        String contentType = request.getContentType();
        if (contentType != null && !isJsonLike(contentType)) {
            return problem(415, "unsupported_media_type", "send application/json (one record or an array), not " + contentType, null);
        }
        byte[] body;
        try {
            body = readBody(request);
        } catch (RequestBodies.BodyException e) {
            return problem(e.status, e.code, e.getMessage(), null);
        }
        return answer(body, API, receivedAt, false);
    }

    /** The seed's client posts {@code log=} followed by the raw JSON (not URL-encoded); a URL-encoded one is read too. */
    @PostMapping(LEGACY)
    ResponseEntity<?> legacy(HttpServletRequest request) throws IOException {
        long receivedAt = System.currentTimeMillis();
        byte[] body;
        try {
            body = readBody(request);
        } catch (RequestBodies.BodyException e) {
            return problem(e.status, e.code, e.getMessage(), null);
        }
        if (!startsWith(body, LEGACY_FIELD)) {
            return problem(400, "missing_log_field", "the seed's protocol posts a form whose body is log=<json>", null);
        }
        byte[] json = java.util.Arrays.copyOfRange(body, LEGACY_FIELD.length, body.length);
        if (json.length > 0 && json[0] == '%') {
            // Byte by byte: raw UTF-8 beside the escapes stays as it came, and an invalid escape is refused, not guessed at.
            try {
                json = URLCodec.decodeUrl(json);
            } catch (DecoderException e) {
                return problem(400, "bad_form_encoding", "the log field starts URL-encoded but is not: " + e.getMessage(), null);
            }
        }
        return answer(json, LEGACY, receivedAt, true);
    }

    private byte[] readBody(HttpServletRequest request) throws IOException, RequestBodies.BodyException {
        return RequestBodies.read(request.getInputStream(), request.getContentLengthLong(), request.getHeader(HttpHeaders.CONTENT_ENCODING),
                props.maxBodyBytes(), props.maxDecompressedBytes());
    }

    private ResponseEntity<?> answer(byte[] body, String endpoint, long receivedAt, boolean stampMissingTs) {
        LogIngestion.Outcome outcome;
        try {
            outcome = ingestion.ingest(body, endpoint, receivedAt, stampMissingTs);
        } catch (EventSink.SinkUnavailableException e) {
            ProblemDetail problem = problemDetail(503, "sink_unavailable",
                    "not every record of this request was acknowledged by Kafka, and some may already be in it: resend the whole "
                            + "request unchanged after Retry-After (records keep their event_id, so the copies are removed downstream): "
                            + e.getMessage(), null);
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(props.retryAfter().toSeconds()))
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        } catch (EventSink.SinkRefusedException e) {
            if (e.recordTooLarge()) {
                return problem(413, "record_too_large_for_kafka", e.getMessage() + "; send smaller records (records before it may be in Kafka)", null);
            }
            // The server's set-up, not the request, and not passing: no Retry-After, the operator has to act.
            return problem(500, "sink_refused", e.getMessage() + "; keep the records and resend them once the service is repaired", null);
        }
        if (outcome instanceof LogIngestion.Refused refused) {
            return problem(refused.status(), refused.violation().code(), refused.violation().message(), List.of(refused.violation()));
        }
        LogIngestion.Processed processed = (LogIngestion.Processed) outcome;
        // One object that was refused is a client error; an array is answered record by record.
        HttpStatus status = processed.singleRecord() && processed.accepted() == 0 ? HttpStatus.BAD_REQUEST : HttpStatus.OK;
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(new LogIngestion.Answer(processed.accepted(), processed.rejected(), processed.results()));
    }

    private static boolean isJsonLike(String contentType) {
        String type = contentType.toLowerCase();
        return type.startsWith("application/json") || type.startsWith("text/plain") || type.contains("+json");
    }

    private static boolean startsWith(byte[] body, byte[] prefix) {
        if (body.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static ResponseEntity<ProblemDetail> problem(int status, String code, String detail, List<Violation> violations) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problemDetail(status, code, detail, violations));
    }

    static ProblemDetail problemDetail(int status, String code, String detail, List<Violation> violations) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        problem.setType(URI.create("https://gmall.io/problems/" + code));
        problem.setProperty("code", code);
        if (violations != null) {
            problem.setProperty("violations", violations);
        }
        return problem;
    }
}

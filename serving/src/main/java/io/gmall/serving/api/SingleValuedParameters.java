package io.gmall.serving.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refusals before any parameter is read: a parameter given twice ({@code ?date=a&date=b}) is ambiguous, and a
 * query string Tomcat could not decode (bad percent-encoding) would otherwise lose parameters silently.
 */
@Component
public class SingleValuedParameters extends OncePerRequestFilter {

    /** Set by Tomcat when it could not parse the parameters (org.apache.catalina.Globals.PARAMETER_PARSE_FAILED_ATTR). */
    static final String PARSE_FAILED = "org.apache.catalina.parameter_parse_failed";

    private final ObjectMapper json;

    public SingleValuedParameters(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Map<String, String[]> parameters = request.getParameterMap();
        if (request.getAttribute(PARSE_FAILED) != null) {
            refuse(response, "query", "the query string is not valid percent-encoded UTF-8");
            return;
        }
        for (Map.Entry<String, String[]> p : parameters.entrySet()) {
            if (p.getValue().length > 1) {
                refuse(response, p.getKey(), p.getKey() + " was given " + p.getValue().length + " times; give it once");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, String parameter, String detail) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Problems.badParameter(parameter, detail));
    }
}

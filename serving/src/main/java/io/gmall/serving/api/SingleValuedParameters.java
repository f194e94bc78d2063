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

/** A parameter given twice ({@code ?date=a&date=b}) is ambiguous: 400 naming it, instead of silently taking one. */
@Component
public class SingleValuedParameters extends OncePerRequestFilter {

    private final ObjectMapper json;

    public SingleValuedParameters(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
            if (p.getValue().length > 1) {
                response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                json.writeValue(response.getOutputStream(),
                        Problems.badParameter(p.getKey(), p.getKey() + " was given " + p.getValue().length + " times; give it once"));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}

package io.gmall.serving.api;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Refusals Tomcat makes before a request reaches Spring (headers over the size limit, a request line it
 * cannot parse) as application/problem+json too, instead of Tomcat's HTML error page.
 */
@Component
class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> ((StandardHost) context.getParent()).setErrorReportValveClass(ProblemReportValve.class.getName()));
    }

    /** Tomcat's error report, written as a problem: status, title and no server details. */
    public static final class ProblemReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            String detail = status == 400 ? "the request could not be read (too large headers, or a malformed request line)"
                    : "the server refused the request before it reached the API";
            try {
                response.setContentType("application/problem+json");
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write("{\"type\":\"urn:gmall:problem:unreadable-request\",\"title\":\"Unreadable request\",\"status\":" + status
                            + ",\"detail\":\"" + detail + "\"}");
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The connection is already gone: nothing more can be told to the client.
            }
        }
    }
}

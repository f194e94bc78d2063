package io.gmall.ingestion.logger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The log server. Run: {@code java -jar gmall-logger.jar --server.port=8081}; every setting is a
 * {@code gmall.logger.*} property (application.properties), overridable by {@code GMALL_LOGGER_*}
 * environment variables; the Kafka address comes from {@code GMALL_KAFKA_BOOTSTRAP}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LoggerApplication {

    public static void main(String[] args) {
        SpringApplication.run(LoggerApplication.class, args);
    }
}

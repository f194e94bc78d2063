package io.gmall.serving;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** The read-only API and dashboard over the realtime stores. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ServingApplication {

    public static void main(String[] args) {
        SpringApplication.run(ServingApplication.class, args);
    }

    /** The wall clock "today" is read from; a test sets it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}

package dev.trainingplanner.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells the operator where to point a browser once the web server is listening. */
@Component
class StartupAnnouncement {

    private static final Logger log = LoggerFactory.getLogger(StartupAnnouncement.class);

    private final Environment environment;

    StartupAnnouncement(Environment environment) {
        this.environment = environment;
    }

    @EventListener
    void announce(WebServerInitializedEvent event) {
        String host = environment.getProperty("server.address", "localhost");
        String base = "http://" + host + ":" + event.getWebServer().getPort();
        log.info("Dashboard: {}/", base);
        log.info("API docs:  {}/swagger-ui.html (OpenAPI document at {}/v3/api-docs)", base, base);
    }
}

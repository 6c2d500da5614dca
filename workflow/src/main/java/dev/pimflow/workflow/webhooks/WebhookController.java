package dev.pimflow.workflow.webhooks;

import dev.pimflow.contracts.EventCodec;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.config.WebhookSettings;
import dev.pimflow.workflow.directory.People;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhooks/<system>} (DESIGN §9.2): a ticket system's own webhook, authenticated by its signature, not by
 * a login. The raw body is read (at most {@code pim.webhooks.max-body-size}), verified, mapped and published; the
 * answer is 200 only once Kafka acknowledged every event. A refusal answers 4xx (503 for what a retry may cure) with
 * the reason, and is logged with the system, the status, the reason and at most the ticket number: never the body,
 * a secret or a signature.
 */
@RestController
public class WebhookController {
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    private final Map<String, VendorWebhook> vendors;
    private final WebhookPublisher publisher;
    private final long maxBodyBytes;

    public WebhookController(
            PimProperties properties,
            KafkaTemplate<String, byte[]> kafka,
            EventCodec codec,
            People directory,
            Clock clock) {
        WebhookSettings settings = properties.webhooks();
        this.vendors = List.of(
                        new PagerDutyWebhook(settings.pagerduty(), settings.clockSkew(), directory, clock),
                        new JiraWebhook(settings.jira(), settings.clockSkew(), directory, clock),
                        new ServiceNowWebhook(settings.servicenow(), settings.clockSkew(), directory, clock))
                .stream()
                .collect(Collectors.toUnmodifiableMap(VendorWebhook::system, v -> v));
        this.publisher = new WebhookPublisher(kafka, codec, properties.topics().tickets(), settings.publishTimeout());
        this.maxBodyBytes = settings.maxBodySize().toBytes();
    }

    @PostMapping(value = "/webhooks/{system}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> receive(@PathVariable String system, HttpServletRequest request)
            throws IOException {
        VendorWebhook vendor = vendors.get(system);
        if (vendor == null || !vendor.enabled()) {
            return answer(404, "error", "no webhook is configured at /webhooks/" + (vendor == null ? "…" : system));
        }
        try {
            byte[] body = read(request);
            Function<String, String> header = request::getHeader;
            Translation translation = vendor.receive(header, body);
            if (translation.events().isEmpty()) {
                log.debug(
                        "Webhook {}: nothing to publish for ticket {} ({})",
                        system,
                        translation.ticketNumber(),
                        translation.ignored());
                return answer(202, "ignored", translation.ignored());
            }
            List<String> ids =
                    publisher.publish(system, vendor.ticketSystem(), translation.ticketNumber(), translation.events());
            log.info("Webhook {}: ticket {} published {}", system, translation.ticketNumber(), ids);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ticket", vendor.ticketSystem() + ":" + translation.ticketNumber());
            out.put("published", ids);
            return ResponseEntity.ok(out);
        } catch (WebhookRefusal refusal) {
            log.warn(
                    "Webhook {} refused ({}): {}{}",
                    system,
                    refusal.status(),
                    refusal.reason(),
                    refusal.ticketNumber() == null ? "" : " (ticket " + refusal.ticketNumber() + ")");
            return answer(refusal.status(), "error", refusal.reason());
        }
    }

    /** The raw body, as the signature was computed over it; more than the limit is refused (413) unread. */
    private byte[] read(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private WebhookRefusal tooLarge() {
        return new WebhookRefusal(413, "body: larger than " + maxBodyBytes + " bytes (pim.webhooks.max-body-size)");
    }

    private static ResponseEntity<Map<String, Object>> answer(int status, String key, String message) {
        return ResponseEntity.status(status).body(Map.of(key, message));
    }
}

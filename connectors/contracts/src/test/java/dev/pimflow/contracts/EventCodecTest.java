package dev.pimflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    final EventCodec codec = new EventCodec();

    ObjectNode request() {
        ObjectNode d = codec.mapper().createObjectNode();
        d.put("ticketSystem", "Contoso ICM");
        d.put("ticketNumber", "CONTOSO:Security-012345");
        d.put("principalId", TutorialTenant.ALINE_ID);
        d.put("roleDefinitionId", TutorialTenant.USER_ADMINISTRATOR_ROLE_ID);
        d.put("justification", "Need to invalidate all app refresh tokens for Contoso users.");
        d.put("duration", "PT5H");
        return d;
    }

    InboundEvent read(ObjectNode data) {
        return read(data, EventTypes.TICKET_ACTIVATION_REQUESTED);
    }

    InboundEvent read(ObjectNode data, String type) {
        byte[] bytes = codec.writeInbound("e-1", type, URI.create("urn:test"), data);
        return codec.read(bytes, new RecordHeaders(), EventTypes.TICKET_EVENTS);
    }

    @Test
    void readsTheTicketLifeEventsAndRefusesAssigneesThatAreNotObjectIds() {
        ObjectNode opened = codec.mapper().createObjectNode();
        opened.put("ticketSystem", "Contoso ICM");
        opened.put("ticketNumber", "CONTOSO:Security-012345");
        opened.put("title", "Invalidate all refresh tokens");
        opened.put("priority", "P1");
        opened.putArray("assignees").add(TutorialTenant.ALINE_ID);
        opened.put("openedAt", "2026-12-02T09:00:00Z");
        TicketOpened o = codec.data(read(opened, EventTypes.TICKET_OPENED), TicketOpened.class);
        assertThat(o.assignees()).containsExactly(TutorialTenant.ALINE_ID);
        assertThat(o.openedAt()).isEqualTo(java.time.Instant.parse("2026-12-02T09:00:00Z"));

        ObjectNode assigned = codec.mapper().createObjectNode();
        assigned.put("ticketSystem", "Contoso ICM");
        assigned.put("ticketNumber", "CONTOSO:Security-012345");
        assigned.putArray("assignees").add("aline@contoso.com");
        assigned.put("assignedAt", "2026-12-02T09:10:00Z");
        assertThatThrownBy(() -> read(assigned, EventTypes.TICKET_ASSIGNED)).hasMessageStartingWith("data.assignees");
        assigned.putArray("assignees");
        assertThat(codec.data(read(assigned, EventTypes.TICKET_ASSIGNED), TicketAssigned.class)
                        .assignees())
                .isEmpty();
        assigned.put("assignedAt", "yesterday");
        assertThatThrownBy(() -> read(assigned, EventTypes.TICKET_ASSIGNED)).hasMessageStartingWith("data.assignedAt");

        ObjectNode reopened = codec.mapper().createObjectNode();
        reopened.put("ticketSystem", "Contoso ICM");
        reopened.put("ticketNumber", "CONTOSO:Security-012345");
        reopened.put("reopenedAt", "2026-12-02T10:00:00+01:00");
        assertThat(codec.data(read(reopened, EventTypes.TICKET_REOPENED), TicketReopened.class)
                        .reopenedAt())
                .isEqualTo(java.time.Instant.parse("2026-12-02T09:00:00Z"));
    }

    @Test
    void readsAnExtensionRequestByActivationOrByPrincipalAndRole() {
        ObjectNode byActivation = codec.mapper().createObjectNode();
        byActivation.put("ticketSystem", "Contoso ICM");
        byActivation.put("ticketNumber", "CONTOSO:Security-012345");
        byActivation.put("activationId", "0d3f4c52-1111-4a51-9c3e-2f6d8e0a7b11");
        byActivation.put("duration", "PT1H");
        ExtensionRequested e =
                codec.data(read(byActivation, EventTypes.TICKET_EXTENSION_REQUESTED), ExtensionRequested.class);
        assertThat(e.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(e.directoryScopeId()).isEqualTo("/");

        ObjectNode byRole = byActivation.deepCopy();
        byRole.remove("activationId");
        assertThatThrownBy(() -> read(byRole, EventTypes.TICKET_EXTENSION_REQUESTED))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("data");
        byRole.put("principalId", TutorialTenant.ALINE_ID);
        byRole.put("roleDefinitionId", TutorialTenant.USER_ADMINISTRATOR_ROLE_ID);
        assertThat(codec.data(read(byRole, EventTypes.TICKET_EXTENSION_REQUESTED), ExtensionRequested.class)
                        .principalId())
                .isEqualTo(TutorialTenant.ALINE_ID);
        assertThatThrownBy(() -> read(byRole.put("duration", "PT0S"), EventTypes.TICKET_EXTENSION_REQUESTED))
                .hasMessage("data.duration: must be positive");
        assertThatThrownBy(() -> read(byRole.put("duration", "PT25H"), EventTypes.TICKET_EXTENSION_REQUESTED))
                .hasMessage("data.duration: longer than PT24H in one extension");
        assertThatThrownBy(() -> read(byActivation.put("activationId", "x"), EventTypes.TICKET_EXTENSION_REQUESTED))
                .hasMessage("data.activationId: has an invalid format");
    }

    @Test
    void readsTheSeedRequestAndDefaultsTheScope() {
        ActivationRequested r = codec.data(read(request()), ActivationRequested.class);
        assertThat(r.duration()).isEqualTo(Duration.ofHours(5));
        assertThat(r.directoryScopeId()).isEqualTo("/");
    }

    @Test
    void namesTheMissingField() {
        ObjectNode d = request();
        d.remove("principalId");
        assertThatThrownBy(() -> read(d))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("data.principalId: missing");
    }

    @Test
    void rejectsAWrongDurationFormat() {
        ObjectNode d = request().put("duration", "5 hours");
        assertThatThrownBy(() -> read(d)).hasMessage("data.duration: has an invalid format");
    }

    @Test
    void rejectsANegativeOrZeroDuration() {
        assertThatThrownBy(() -> read(request().put("duration", "PT0S"))).hasMessage("data.duration: must be positive");
        assertThatThrownBy(() -> read(request().put("duration", "-PT5H"))).hasMessageStartingWith("data.duration");
    }

    @Test
    void rejectsAnAbsurdDuration() {
        assertThatThrownBy(() -> read(request().put("duration", "P9999D")))
                .hasMessage("data.duration: longer than one year");
    }

    @Test
    void rejectsControlCharactersInText() {
        assertThatThrownBy(() -> read(request().put("ticketNumber", "A\u0000B")))
                .hasMessage("data.ticketNumber: has an invalid format");
    }

    @Test
    void rejectsInjectionStringsInTextFields() {
        assertThatThrownBy(() -> read(request().put("ticketSystem", "Contoso'; DROP TABLE activation; --")))
                .hasMessage("data.ticketSystem: has an invalid format");
        assertThatThrownBy(() -> read(request().put("ticketNumber", "<script>alert(1)</script>")))
                .hasMessage("data.ticketNumber: has an invalid format");
        assertThatThrownBy(() -> read(request().put("justification", "fine ${jndi:ldap://evil/x}")))
                .hasMessage("data.justification: has an invalid format");
        assertThatThrownBy(() -> read(request().put("justification", "#{runtimeService.deleteProcessInstance('x')}")))
                .hasMessage("data.justification: has an invalid format");
        assertThatThrownBy(() -> read(request().put("justification", "line\r\nX-Injected: 1")))
                .hasMessage("data.justification: has an invalid format");
        // ordinary prose with quotes and semicolons stays acceptable
        assertThat(read(request().put("justification", "Aline's task; see \"runbook\" step 3 (5 users).\nThanks"))
                        .id())
                .isEqualTo("e-1");
    }

    @Test
    void rejectsUnknownFieldsAndWrongTypes() {
        assertThatThrownBy(() -> read(request().put("extra", 1))).hasMessage("data.extra: not a known field");
        ObjectNode wrongType = request();
        wrongType.put("duration", 5);
        assertThatThrownBy(() -> read(wrongType)).hasMessageStartingWith("data.duration: has the wrong type");
    }

    @Test
    void rejectsUnknownTypesAndBrokenEnvelopes() {
        assertThatThrownBy(() -> read(request(), "ticket.renamed"))
                .hasMessageStartingWith("type: unknown event type 'ticket.renamed'");
        assertThatThrownBy(() -> codec.read(
                        "nope".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("payload: not JSON");
        assertThatThrownBy(() -> codec.read(
                        "{\"specversion\":\"1.0\",\"source\":\"x\",\"type\":\"ticket.closed\"}"
                                .getBytes(StandardCharsets.UTF_8),
                        new RecordHeaders(),
                        EventTypes.TICKET_EVENTS))
                .hasMessage("id: missing");
    }

    @Test
    void acceptsBinaryMode() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", "b-1".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "urn:test".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", EventTypes.TICKET_ACTIVATION_REQUESTED.getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        InboundEvent e =
                codec.read(request().toString().getBytes(StandardCharsets.UTF_8), headers, EventTypes.TICKET_EVENTS);
        assertThat(e.id()).isEqualTo("b-1");
    }

    // issue 17, finding 6: input edge cases

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String structured(String id, String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:test\",\"type\":\"" + type
                + "\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    private String requestJson() {
        return request().toString();
    }

    @Test
    void rejectsAFieldNamedTwiceInData() {
        // last one wins would make this a request for the admin: "principalId" twice
        String data = requestJson().replace("{", "{\"principalId\":\"e2330663-0000-4000-8000-000000000000\",");
        assertThatThrownBy(() -> codec.read(
                        bytes(structured("dup-1", EventTypes.TICKET_ACTIVATION_REQUESTED, data)),
                        new RecordHeaders(),
                        EventTypes.TICKET_EVENTS))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("data.principalId: duplicate key: a JSON object may name a field only once");
    }

    @Test
    void rejectsAnEnvelopeAttributeNamedTwice() {
        // two "type"s: a request whose last type says ticket.closed
        String event = structured("dup-2", EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson());
        event = event.substring(0, event.length() - 1) + ",\"type\":\"ticket.closed\"}";
        String twoTypes = event;
        assertThatThrownBy(() -> codec.read(bytes(twoTypes), new RecordHeaders(), EventTypes.TICKET_EVENTS))
                .hasMessage("type: duplicate key: a JSON object may name a field only once");
    }

    @Test
    void rejectsAFieldNamedTwiceInBinaryModeData() {
        RecordHeaders headers = binaryHeaders("application/json");
        String data = requestJson().replace("{", "{\"duration\":\"P365D\",");
        assertThatThrownBy(() -> codec.read(bytes(data), headers, EventTypes.TICKET_EVENTS))
                .hasMessage("data.duration: duplicate key: a JSON object may name a field only once");
    }

    @Test
    void theDefaultMapperRefusesDuplicateKeysToo() {
        assertThatThrownBy(() -> EventCodec.defaultMapper().readTree("{\"a\":1,\"a\":2}"))
                .hasMessageContaining("Duplicate field 'a'");
    }

    private static RecordHeaders binaryHeaders(String contentType) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("b-2"));
        headers.add("ce_source", bytes("urn:test"));
        headers.add("ce_type", bytes(EventTypes.TICKET_ACTIVATION_REQUESTED));
        if (contentType != null) {
            headers.add("content-type", bytes(contentType));
        }
        return headers;
    }

    @Test
    void binaryModeDataMustBeDeclaredJson() {
        byte[] data = bytes(requestJson());
        assertThatThrownBy(() -> codec.read(data, binaryHeaders("text/plain"), EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("content-type: 'text/plain' is not accepted");
        assertThatThrownBy(() -> codec.read(data, binaryHeaders("application/xml"), EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("content-type: 'application/xml' is not accepted");
        assertThatThrownBy(() -> codec.read(data, binaryHeaders(null), EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("content-type: missing");
        assertThat(codec.read(data, binaryHeaders("application/json; charset=utf-8"), EventTypes.TICKET_EVENTS)
                        .id())
                .isEqualTo("b-2");
    }

    @Test
    void structuredModeMustBeCloudEventsJson() {
        byte[] event =
                codec.writeInbound("s-1", EventTypes.TICKET_ACTIVATION_REQUESTED, URI.create("urn:test"), request());
        RecordHeaders structured = new RecordHeaders();
        structured.add("content-type", bytes("application/cloudevents+json; charset=UTF-8"));
        assertThat(codec.read(event, structured, EventTypes.TICKET_EVENTS).id()).isEqualTo("s-1");
        RecordHeaders plain = new RecordHeaders();
        plain.add("content-type", bytes("text/plain"));
        assertThatThrownBy(() -> codec.read(event, plain, EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("content-type: 'text/plain' is neither");
        String xml = new String(event, StandardCharsets.UTF_8)
                .replace("\"datacontenttype\":\"application/json\"", "\"datacontenttype\":\"application/xml\"");
        assertThat(xml).contains("application/xml");
        assertThatThrownBy(() -> codec.read(bytes(xml), new RecordHeaders(), EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("datacontenttype: 'application/xml' is not accepted");
    }

    @Test
    void rejectsACloudEventsHeaderGivenTwice() {
        RecordHeaders headers = binaryHeaders("application/json");
        headers.add("ce_type", bytes(EventTypes.TICKET_CLOSED));
        assertThatThrownBy(() -> codec.read(bytes(requestJson()), headers, EventTypes.TICKET_EVENTS))
                .hasMessage("headers: duplicate header 'ce_type': each CloudEvents header may be given once");
    }

    @Test
    void rejectsABlankOrOverlongSource() {
        String blank = structured("src-1", EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson())
                .replace("\"source\":\"urn:test\"", "\"source\":\"\"");
        assertThatThrownBy(() -> codec.read(bytes(blank), new RecordHeaders(), EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("source: ");
        String longSource = structured("src-2", EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson())
                .replace("\"source\":\"urn:test\"", "\"source\":\"urn:" + "x".repeat(300) + "\"");
        assertThatThrownBy(() -> codec.read(bytes(longSource), new RecordHeaders(), EventTypes.TICKET_EVENTS))
                .hasMessage("source: longer than 200 characters");
    }

    @Test
    void theContentHashIgnoresTimeAndKeyOrderButNotWhatTheEventSays() {
        InboundEvent first = read(request());
        ObjectNode reordered = codec.mapper().createObjectNode();
        java.util.List<String> names = new java.util.ArrayList<>();
        request().fieldNames().forEachRemaining(names::add);
        java.util.Collections.reverse(names);
        names.forEach(n -> reordered.set(n, request().get(n)));
        InboundEvent resent = read(reordered); // a resend: another time stamp, keys in another order
        assertThat(resent.time()).isNotNull();
        assertThat(resent.contentHash()).isEqualTo(first.contentHash());
        assertThat(read(request().put("principalId", TutorialTenant.BOB_ID)).contentHash())
                .isNotEqualTo(first.contentHash());
        InboundEvent otherSource =
                new InboundEvent(first.id(), first.type(), "urn:other", first.subject(), first.time(), first.data());
        assertThat(otherSource.contentHash()).isNotEqualTo(first.contentHash());
    }
}

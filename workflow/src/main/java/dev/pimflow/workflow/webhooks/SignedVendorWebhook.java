package dev.pimflow.workflow.webhooks;

import dev.pimflow.workflow.directory.People;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every vendor's webhook holds: its name, the {@code ticketSystem} its events carry, its secrets (as bytes, for
 * {@link Signatures}), its replay window and its way to people. A subclass verifies, parses and maps.
 */
abstract class SignedVendorWebhook implements VendorWebhook {
    private final String system;
    private final String ticketSystem;
    protected final List<byte[]> secrets;
    protected final ReplayWindow replay;
    protected final PersonResolver people;

    SignedVendorWebhook(
            String system,
            String ticketSystem,
            List<String> secrets,
            Duration replayWindow,
            Duration clockSkew,
            People directory,
            Map<String, String> peopleMap,
            Clock clock) {
        this.system = system;
        this.ticketSystem = ticketSystem;
        this.secrets =
                secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.replay = new ReplayWindow(clock, replayWindow, clockSkew);
        this.people = new PersonResolver(directory, peopleMap);
    }

    @Override
    public final String system() {
        return system;
    }

    @Override
    public final String ticketSystem() {
        return ticketSystem;
    }

    @Override
    public final boolean enabled() {
        return !secrets.isEmpty();
    }
}

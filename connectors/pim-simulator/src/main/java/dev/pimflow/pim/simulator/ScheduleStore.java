package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.IdFolding.fold;
import static dev.pimflow.pim.simulator.IdFolding.foldable;
import static dev.pimflow.pim.simulator.TenantState.key;

import dev.pimflow.pim.simulator.RoleSchedules.Schedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One kind's schedules, listed in insertion order (an update replaces in place), with indexes that agree
 * exactly with a scan of that listing:
 * <ul>
 *   <li>{@code byCover}: {@link CoverKey} to the slots it covers, in listing order (ids with surrogates: scan);
 *   <li>{@code byId}: schedule id (exact, like {@code cancel} compares it) to slots;
 *   <li>{@code byPrincipal}: folded principal, then {@link TenantState#key} of the role, to slots in listing
 *       order, for the directoryRole entries of transitiveMemberOf;
 *   <li>{@code byEnd}: slots with an end, soonest first, for the lazy expiry.
 * </ul>
 * The caller holds the tenant's lock.
 */
final class ScheduleStore {

    /** A schedule's place in its store. An update or extension swaps the schedule and keeps the place. */
    static final class Slot {
        static final Comparator<Slot> BY_SEQ = Comparator.comparingLong(s -> s.seq);
        static final Comparator<Slot> BY_END =
                Comparator.comparing((Slot s) -> s.end).thenComparingLong(s -> s.seq);

        final long seq; // listing order
        Schedule schedule;
        Instant end; // schedule.end as indexed in byEnd

        Slot(long seq) {
            this.seq = seq;
        }
    }

    private final Set<Slot> listed = new LinkedHashSet<>();
    private final Map<CoverKey, List<Slot>> byCover = new HashMap<>();
    private final Map<String, List<Slot>> byId = new HashMap<>();
    private final Map<String, Map<String, NavigableSet<Slot>>> byPrincipal = new HashMap<>();
    private final NavigableSet<Slot> byEnd = new TreeSet<>(Slot.BY_END);
    private long nextSeq;

    Stream<Schedule> all() {
        return listed.stream().map(slot -> slot.schedule);
    }

    void add(Schedule s) {
        Slot slot = new Slot(nextSeq++);
        listed.add(slot);
        index(slot, s);
    }

    void remove(Slot slot) {
        if (listed.remove(slot)) {
            unindex(slot);
        }
    }

    void replace(Slot slot, Schedule s) {
        unindex(slot);
        index(slot, s);
    }

    /** Removes the schedules whose end has passed: end <= now. */
    void purge(Instant now) {
        while (!byEnd.isEmpty() && !byEnd.first().end.isAfter(now)) {
            remove(byEnd.first());
        }
    }

    /** The slots covering (principal, role, scope), in listing order; a copy, so the caller may change the store. */
    List<Slot> covering(String principal, String role, String scope) {
        return List.copyOf(matching(principal, role, scope));
    }

    /** The first current schedule, in listing order, covering (principal, role, one of the scopes); or null. */
    Schedule firstCurrent(Instant now, String principal, String role, String... scopes) {
        Slot first = null;
        for (String scope : scopes) {
            for (Slot slot : matching(principal, role, scope)) {
                if (slot.schedule.current(now)) {
                    if (first == null || slot.seq < first.seq) {
                        first = slot;
                    }
                    break;
                }
            }
        }
        return first == null ? null : first.schedule;
    }

    /**
     * For each role the principal holds now, its first current schedule in listing order; in the order of those
     * schedules in the listing (so, as a scan of the listing meets the roles). Roles are told apart by
     * {@link TenantState#key}.
     */
    List<Schedule> firstCurrentPerRole(String principal, Instant now) {
        List<Slot> firsts = new ArrayList<>();
        if (!foldable(principal)) {
            Set<String> seen = new HashSet<>();
            for (Slot slot : listed) {
                Schedule s = slot.schedule;
                if (s.current(now) && s.principalId.equalsIgnoreCase(principal) && seen.add(key(s.roleDefinitionId))) {
                    firsts.add(slot);
                }
            }
        } else {
            for (NavigableSet<Slot> ofRole :
                    byPrincipal.getOrDefault(fold(principal), Map.of()).values()) {
                for (Slot slot : ofRole) { // after a purge only schedules that start later are skipped
                    if (slot.schedule.current(now)) {
                        firsts.add(slot);
                        break;
                    }
                }
            }
            firsts.sort(Slot.BY_SEQ);
        }
        return firsts.stream().map(slot -> slot.schedule).toList();
    }

    /** Removes every schedule of the principal (compared ignoring case). */
    void removePrincipal(String principal) {
        List<Slot> doomed = new ArrayList<>();
        if (!foldable(principal)) {
            listed.stream()
                    .filter(slot -> slot.schedule.principalId.equalsIgnoreCase(principal))
                    .forEach(doomed::add);
        } else {
            byPrincipal.getOrDefault(fold(principal), Map.of()).values().forEach(doomed::addAll);
        }
        doomed.forEach(this::remove);
    }

    /** Removes the schedules with this id (exact) that have not started at {@code now}. */
    void removeNotStarted(String id, Instant now) {
        if (id == null) {
            return;
        }
        for (Slot slot : List.copyOf(byId.getOrDefault(id, List.of()))) {
            if (slot.schedule.start.isAfter(now)) {
                remove(slot);
            }
        }
    }

    /** The live bucket (do not change the store while iterating it), or the result of a scan. */
    private List<Slot> matching(String principal, String role, String scope) {
        if (principal == null || role == null) {
            return List.of(); // covers(null, ...) is false for every schedule
        }
        if (!CoverKey.expresses(principal, role, scope)) {
            return listed.stream()
                    .filter(slot -> slot.schedule.covers(principal, role, scope))
                    .toList();
        }
        return byCover.getOrDefault(CoverKey.of(principal, role, scope), List.of());
    }

    private void index(Slot slot, Schedule s) {
        slot.schedule = s;
        slot.end = s.end;
        CoverKey cover = CoverKey.of(s.principalId, s.roleDefinitionId, s.directoryScopeId);
        insert(byCover.computeIfAbsent(cover, k -> new ArrayList<>(1)), slot);
        insert(byId.computeIfAbsent(s.id, k -> new ArrayList<>(1)), slot);
        byPrincipal
                .computeIfAbsent(fold(s.principalId), k -> new HashMap<>())
                .computeIfAbsent(key(s.roleDefinitionId), k -> new TreeSet<>(Slot.BY_SEQ))
                .add(slot);
        if (slot.end != null) {
            byEnd.add(slot);
        }
    }

    private void unindex(Slot slot) {
        Schedule s = slot.schedule;
        detach(byCover, CoverKey.of(s.principalId, s.roleDefinitionId, s.directoryScopeId), slot);
        detach(byId, s.id, slot);
        String principal = fold(s.principalId);
        Map<String, NavigableSet<Slot>> ofPrincipal = byPrincipal.get(principal);
        NavigableSet<Slot> ofRole = ofPrincipal.get(key(s.roleDefinitionId));
        ofRole.remove(slot);
        if (ofRole.isEmpty()) {
            ofPrincipal.remove(key(s.roleDefinitionId));
            if (ofPrincipal.isEmpty()) {
                byPrincipal.remove(principal);
            }
        }
        if (slot.end != null) {
            byEnd.remove(slot);
        }
    }

    /** Keeps a bucket in listing order (buckets are short: a few schedules per key or id at most). */
    private static void insert(List<Slot> bucket, Slot slot) {
        int i = bucket.size();
        while (i > 0 && bucket.get(i - 1).seq > slot.seq) {
            i--;
        }
        bucket.add(i, slot);
    }

    private static <K> void detach(Map<K, List<Slot>> index, K key, Slot slot) {
        List<Slot> bucket = index.get(key);
        bucket.remove(slot);
        if (bucket.isEmpty()) {
            index.remove(key);
        }
    }
}

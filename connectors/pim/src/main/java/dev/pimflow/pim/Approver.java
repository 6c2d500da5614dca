package dev.pimflow.pim;

import java.util.Locale;
import java.util.Objects;

/**
 * One of an approval stage's approvers as PIM's {@code Approval_EndUser_Assignment} rule names it: a subject set
 * {@code #microsoft.graph.singleUser} ({@code userId}) or {@code #microsoft.graph.groupMembers} ({@code groupId}).
 */
public record Approver(Kind kind, String id) {
    public enum Kind {
        USER,
        GROUP
    }

    public Approver {
        Objects.requireNonNull(kind, "kind");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("approver id is required");
        }
        id = id.toLowerCase(Locale.ROOT);
    }

    public static Approver user(String userId) {
        return new Approver(Kind.USER, userId);
    }

    public static Approver group(String groupId) {
        return new Approver(Kind.GROUP, groupId);
    }
}

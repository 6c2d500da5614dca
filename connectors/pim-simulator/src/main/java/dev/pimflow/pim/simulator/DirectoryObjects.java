package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** Users and groups, and their Graph JSON shapes. */
final class DirectoryObjects {

    private DirectoryObjects() {}

    record User(
            String id,
            String displayName,
            String givenName,
            String surname,
            String userPrincipalName,
            String mail,
            String jobTitle) {

        ObjectNode toJson() {
            ObjectNode u = Json.obj();
            u.putArray("businessPhones");
            u.put("displayName", displayName);
            u.put("givenName", givenName);
            u.put("jobTitle", jobTitle);
            u.put("mail", mail);
            u.putNull("mobilePhone");
            u.putNull("officeLocation");
            u.put("preferredLanguage", "en-US");
            u.put("surname", surname);
            u.put("userPrincipalName", userPrincipalName);
            u.put("id", id);
            return u;
        }
    }

    static final class Group {
        final String id;
        final String displayName;
        final String description;
        final boolean mailEnabled;
        final String mailNickname;
        final boolean securityEnabled;
        final boolean isAssignableToRole;
        final List<String> groupTypes;
        final String visibility;
        final Instant createdDateTime;
        final Set<String> owners = new LinkedHashSet<>();
        final Set<String> members = new LinkedHashSet<>();

        Group(
                String id,
                String displayName,
                String description,
                boolean mailEnabled,
                String mailNickname,
                boolean securityEnabled,
                boolean isAssignableToRole,
                List<String> groupTypes,
                String visibility,
                Instant createdDateTime) {
            this.id = id;
            this.displayName = displayName;
            this.description = description;
            this.mailEnabled = mailEnabled;
            this.mailNickname = mailNickname;
            this.securityEnabled = securityEnabled;
            this.isAssignableToRole = isAssignableToRole;
            this.groupTypes = List.copyOf(groupTypes);
            this.visibility = visibility;
            this.createdDateTime = createdDateTime;
        }

        ObjectNode toJson() {
            ObjectNode g = Json.obj();
            g.put("id", id);
            g.putNull("deletedDateTime");
            g.putNull("classification");
            g.put("createdDateTime", Json.time(createdDateTime));
            g.putArray("creationOptions");
            g.put("description", description);
            g.put("displayName", displayName);
            g.putNull("expirationDateTime");
            ArrayNode types = g.putArray("groupTypes");
            groupTypes.forEach(types::add);
            g.put("isAssignableToRole", isAssignableToRole);
            g.putNull("mail");
            g.put("mailEnabled", mailEnabled);
            g.put("mailNickname", mailNickname);
            g.putNull("membershipRule");
            g.putNull("membershipRuleProcessingState");
            g.putNull("onPremisesDomainName");
            g.putNull("onPremisesLastSyncDateTime");
            g.putNull("onPremisesSamAccountName");
            g.putNull("onPremisesSecurityIdentifier");
            g.putNull("onPremisesSyncEnabled");
            g.putNull("preferredDataLocation");
            g.putNull("preferredLanguage");
            g.putArray("proxyAddresses");
            g.put("renewedDateTime", Json.time(createdDateTime));
            g.putArray("resourceBehaviorOptions");
            g.putArray("resourceProvisioningOptions");
            g.put("securityEnabled", securityEnabled);
            g.put("securityIdentifier", securityIdentifier(id));
            g.putNull("theme");
            g.put("visibility", visibility);
            g.putArray("onPremisesProvisioningErrors");
            return g;
        }
    }

    /** The little-endian byte layout .NET (and so Entra) uses for a GUID. */
    static byte[] guidBytes(String id) {
        try {
            UUID u = UUID.fromString(id);
            ByteBuffer big =
                    ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            byte[] b = big.array();
            return new byte[] {
                b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
            };
        } catch (IllegalArgumentException e) {
            return id.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Entra's SID for cloud objects: {@code S-1-12-1-} followed by the GUID as four little-endian uint32. */
    static String securityIdentifier(String id) {
        ByteBuffer b = ByteBuffer.wrap(guidBytes(id)).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder("S-1-12-1");
        for (int i = 0; i < 4 && b.remaining() >= 4; i++) {
            sb.append('-').append(Integer.toUnsignedString(b.getInt()));
        }
        return sb.toString();
    }
}

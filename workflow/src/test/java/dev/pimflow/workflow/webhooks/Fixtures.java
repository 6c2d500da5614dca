package dev.pimflow.workflow.webhooks;

import dev.pimflow.workflow.directory.People;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The vendors' sample payloads (src/test/resources/webhooks/README.md names each one's source) and test doubles. */
final class Fixtures {
    static final String ALINE = "11111111-1111-1111-1111-111111111111";
    static final String BRYAN = "22222222-2222-2222-2222-222222222222";
    static final String DAVID = "33333333-3333-3333-3333-333333333333";
    static final String USER_ADMIN_ROLE = "fe930be7-5e62-47db-91af-98c3a49a38b1";

    /** A directory that knows three people, by user principal name or e-mail. */
    static final People PEOPLE = person -> Optional.ofNullable(Map.of(
                    "user123@contoso.example", ALINE,
                    "tenex@contoso.example", BRYAN,
                    "bryan@contoso.example", BRYAN,
                    "beth.anglin@example.com", ALINE,
                    "david.loo@example.com", DAVID)
            .get(person));

    private Fixtures() {}

    static byte[] read(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/webhooks/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HMAC-SHA256 for the mapping tests' own signatures (the signature tests use published or openssl vectors). */
    static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static Function<String, String> headers(Map<String, String> headers) {
        return name -> headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}

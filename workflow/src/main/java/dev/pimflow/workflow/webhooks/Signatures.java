package dev.pimflow.workflow.webhooks;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 of a webhook's raw body with each configured secret, compared in constant time. */
final class Signatures {
    private Signatures() {}

    static byte[] hmacSha256(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Whether any of {@code given} (decoded signatures, null for one that did not decode) equals the HMAC of
     * {@code body} under any of {@code secrets}. Every pair is compared, each in constant time
     * ({@link MessageDigest#isEqual}), so the time taken does not tell which one matched.
     */
    static boolean anyMatches(List<byte[]> secrets, byte[] body, List<byte[]> given) {
        boolean matched = false;
        for (byte[] secret : secrets) {
            byte[] expected = hmacSha256(secret, body);
            for (byte[] signature : given) {
                if (signature != null && MessageDigest.isEqual(expected, signature)) {
                    matched = true;
                }
            }
        }
        return matched;
    }
}

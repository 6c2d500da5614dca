package dev.pimflow.pim.simulator;

import dev.pimflow.pim.simulator.RoleSchedules.Schedule;

/** Case folding of ids, so that the indexes can compare with plain equality what the listings compare ignoring case. */
final class IdFolding {

    private IdFolding() {}

    /**
     * The form of an id under which {@link String#equalsIgnoreCase} (so {@link Schedule#covers} and
     * {@link RoleSchedules#scopesEqual}) becomes plain equality: per char, the lower case of the upper case, which
     * is what equalsIgnoreCase compares for chars outside the surrogate range (checked over all such pairs). Unlike
     * {@link TenantState#key} (toLowerCase) it folds a Greek capital sigma like every other sigma, and a dotted capital I to "i",
     * as equalsIgnoreCase matches them. {@code s} itself when nothing changes.
     */
    static String fold(String s) {
        if (s == null) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (foldChar(c) != c) {
                char[] out = s.toCharArray();
                for (int j = i; j < out.length; j++) {
                    out[j] = foldChar(out[j]);
                }
                return new String(out);
            }
        }
        return s;
    }

    private static char foldChar(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /**
     * Whether {@link #fold} expresses equalsIgnoreCase for s: not when it holds surrogates (equalsIgnoreCase compares
     * supplementary characters by code point), where lookups scan instead. A fold keeps surrogates and never makes
     * one, so a foldable id can never match a stored id with surrogates, either way.
     */
    static boolean foldable(String s) {
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return false;
                }
            }
        }
        return true;
    }
}

package dev.pimflow.contracts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A value of one of the contract's vocabularies (DESIGN §4, §7): an enum constant and the exact string that stands for
 * it on the wire, in the database, on Kafka and in the REST API. The string is the contract; the constant's name is not.
 */
public interface WireValue {
    /** The exact string of the contract, e.g. {@code ticket-closed}. */
    @JsonValue
    String wire();

    /** Whether {@code wire} is this value's string (null is no value's). */
    default boolean is(String wire) {
        return wire().equals(wire);
    }

    /** The constant of {@code type} whose string is {@code wire}; empty for null or an unknown string. */
    static <E extends Enum<E> & WireValue> Optional<E> lookup(Class<E> type, String wire) {
        for (E value : type.getEnumConstants()) {
            if (value.is(wire)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The strings of {@code values}, in that order. */
    static List<String> wires(WireValue... values) {
        return Arrays.stream(values).map(WireValue::wire).toList();
    }
}

package dev.pimflow.pim.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.pim.contract.JsonShape.Keys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparator the contract suite relies on finds what it claims to find. */
class JsonShapeTest {

    private static JsonNode json(String s) {
        try {
            return ContractHttp.MAPPER.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static List<String> diff(String expected, String actual, Keys keys) {
        return JsonShape.differences(json(expected), json(actual), keys);
    }

    @Test
    void valuesMayDifferButNotNamesOrTypes() {
        assertThat(diff(
                        "{'id':'a','n':1,'ok':true,'o':{'x':'y'}}",
                        "{'id':'b','n':2.5,'ok':false,'o':{'x':'z'}}",
                        Keys.EXACT))
                .isEmpty();
        assertThat(diff("{'id':'a'}", "{'id':1}", Keys.EXACT)).containsExactly("/id: expected string but was number 1");
        assertThat(diff("{'o':{'x':'y'}}", "{'o':{'x':'y','extra':1}}", Keys.EXACT))
                .containsExactly("/o: unexpected property 'extra'");
        assertThat(diff("{'o':{'x':'y','gone':1}}", "{'o':{'x':'y'}}", Keys.EXACT))
                .containsExactly("/o: missing property 'gone'");
    }

    @Test
    void atLeastAllowsMorePropertiesButNotFewer() {
        assertThat(diff("{'a':1}", "{'a':2,'b':3}", Keys.AT_LEAST)).isEmpty();
        assertThat(diff("{'a':1,'c':[]}", "{'a':2}", Keys.AT_LEAST)).containsExactly("/: missing property 'c'");
    }

    @Test
    void nullMatchesAnyTypeOnEitherSide() {
        assertThat(diff("{'a':null,'b':{'x':1}}", "{'a':{'y':2},'b':null}", Keys.EXACT))
                .isEmpty();
    }

    @Test
    void arrayElementsAreComparedWithTheFixtureElementOfTheirODataType() {
        String fixture = "{'rules':[{'@odata.type':'#A','a':1},{'@odata.type':'#B','b':true}]}";
        assertThat(diff(fixture, "{'rules':[{'@odata.type':'#B','b':false},{'@odata.type':'#A','a':7}]}", Keys.EXACT))
                .isEmpty();
        assertThat(diff(fixture, "{'rules':[{'@odata.type':'#B','a':1}]}", Keys.EXACT))
                .containsExactly("/rules/0: missing property 'b'", "/rules/0: unexpected property 'a'");
        assertThat(diff(fixture, "{'rules':[{'@odata.type':'#C'}]}", Keys.EXACT))
                .hasSize(1)
                .first()
                .asString()
                .contains("#C");
        assertThat(diff("{'v':[{'id':'x','n':1}]}", "{'v':[{'id':'y','n':2},{'id':'z'}]}", Keys.EXACT))
                .containsExactly("/v/1: missing property 'n'");
        assertThat(diff("{'v':[]}", "{'v':[{'anything':1}]}", Keys.EXACT)).isEmpty();
    }
}

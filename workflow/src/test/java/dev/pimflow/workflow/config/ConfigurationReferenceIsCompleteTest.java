package dev.pimflow.workflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration reference is checked against the {@code @ConfigurationProperties} records: every setting is documented. */
class ConfigurationReferenceIsCompleteTest {

    @Test
    void everyPimSettingAppearsInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> settings = new ArrayList<>();
        collect("pim", PimProperties.class, settings);
        assertThat(settings).hasSizeGreaterThan(30);
        List<String> missing =
                settings.stream().filter(s -> !documented(readme, s)).toList();
        assertThat(missing)
                .as("settings missing from the README's configuration tables")
                .isEmpty();
    }

    /** Documented either spelled out or as a "parent.a / b" pair in one table row. */
    private static boolean documented(String readme, String setting) {
        if (readme.contains("`" + setting + "`")) {
            return true;
        }
        String parent = setting.substring(0, setting.lastIndexOf('.'));
        String leaf = setting.substring(setting.lastIndexOf('.') + 1);
        return readme.lines()
                .filter(l -> l.startsWith("|") && l.contains("`" + parent + "."))
                .anyMatch(l -> l.contains(" " + leaf + "`")
                        || l.contains("`" + leaf + "`")
                        || l.contains(", " + leaf)
                        || l.contains("/ `" + leaf));
    }

    private static void collect(String prefix, Class<?> type, List<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String name = prefix + "." + kebab(c.getName());
            if (c.getType().isRecord()) {
                collect(name, c.getType(), out);
            } else {
                out.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}

package dev.pimflow.workflow.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.history.AbstractHistoryLevel;
import org.camunda.bpm.engine.impl.history.HistoryLevel;
import org.camunda.bpm.engine.impl.history.event.HistoryEventType;
import org.camunda.bpm.engine.impl.history.event.HistoryEventTypes;
import org.springframework.stereotype.Component;

/**
 * The history level {@code lean} ({@code camunda.bpm.history-level: lean}, the default): Camunda keeps each process
 * instance (start, end, state, business key), incidents (created, resolved, deleted) and what operators did through
 * Cockpit or the engine REST API (the user operation log), and nothing per activity or per variable.
 * <p>
 * Each step of an activation, with its details, is already in pimflow's hash-chained audit trail. Activity history
 * repeated it in {@code ACT_HI_ACTINST}: an insert and an update for each of the ~16 activities a lifecycle passes, a
 * quarter of all the rows an activation wrote (bench/README.md, session 4). The operator's own actions on a
 * privileged-access tool, which level {@code activity} does not keep, are worth keeping.
 * <p>
 * Camunda stores the level's id when it creates its tables and refuses to start when the configuration names another
 * one, so a database created at {@code activity} keeps running with {@code CAMUNDA_BPM_HISTORY_LEVEL=activity}.
 */
@Component
public class LeanHistory extends AbstractProcessEnginePlugin {
    public static final HistoryLevel LEVEL = new Level();

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        List<HistoryLevel> custom = configuration.getCustomHistoryLevels() == null
                ? new ArrayList<>()
                : new ArrayList<>(configuration.getCustomHistoryLevels());
        custom.add(LEVEL);
        configuration.setCustomHistoryLevels(custom);
    }

    static final class Level extends AbstractHistoryLevel {
        /** Camunda's own levels are 0 to 3; a custom level needs an id of its own, stored in ACT_GE_PROPERTY. */
        static final int ID = 10;

        static final String NAME = "lean";
        private static final Set<HistoryEventType> PRODUCED = Set.of(
                HistoryEventTypes.PROCESS_INSTANCE_START,
                HistoryEventTypes.PROCESS_INSTANCE_UPDATE,
                HistoryEventTypes.PROCESS_INSTANCE_MIGRATE,
                HistoryEventTypes.PROCESS_INSTANCE_END,
                HistoryEventTypes.INCIDENT_CREATE,
                HistoryEventTypes.INCIDENT_MIGRATE,
                HistoryEventTypes.INCIDENT_DELETE,
                HistoryEventTypes.INCIDENT_RESOLVE,
                HistoryEventTypes.INCIDENT_UPDATE,
                HistoryEventTypes.USER_OPERATION_LOG);

        @Override
        public int getId() {
            return ID;
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean isHistoryEventProduced(HistoryEventType eventType, Object entity) {
            return PRODUCED.contains(eventType);
        }
    }
}

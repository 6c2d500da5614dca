package dev.pimflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.workflow.config.PimDefaults;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.impl.BpmnModelConstants;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The engine floor runs the orchestrator's process itself, with the floor's delegates and none of the orchestrator's. */
class FloorProcessTest {

    @Test
    void theFloorHasTheOrchestratorsFlowElementsAndNoneOfItsDelegates() throws Exception {
        BpmnModelInstance source = FloorProcess.source();
        BpmnModelInstance floor = FloorProcess.derive();

        Map<String, String> sourceElements = flowElements(source);
        assertThat(sourceElements)
                .containsEntry("Task_ValidateRequest", "serviceTask")
                .containsEntry("CatchTimer_MfaTimeout", "intermediateCatchEvent")
                .containsEntry("BoundaryEvent_TicketClosedWhilePending", "boundaryEvent");
        assertThat(flowElements(floor)).isEqualTo(sourceElements);

        List<ServiceTask> tasks = List.copyOf(floor.getModelElementsByType(ServiceTask.class));
        assertThat(tasks)
                .hasSize(source.getModelElementsByType(ServiceTask.class).size());
        for (ServiceTask task : tasks) {
            assertThat(task.getCamundaDelegateExpression()).as(task.getId()).isNull();
            assertThat(task.getCamundaExpression()).as(task.getId()).isNull();
            assertThat(task.getCamundaClass()).as(task.getId()).startsWith(EngineFloor.class.getName() + "$");
        }
        assertThat(tasks.stream().collect(Collectors.toMap(ServiceTask::getId, ServiceTask::getCamundaClass)))
                .containsEntry("Task_ValidateRequest", EngineFloor.Validate.class.getName())
                .containsEntry("Task_IssueMfaChallenge", EngineFloor.IssueChallenge.class.getName())
                .containsEntry("Task_ActivateRole", EngineFloor.Activate.class.getName())
                .containsEntry("Task_RevokeRole", EngineFloor.Revoke.class.getName())
                .containsEntry("Task_CancelPending", EngineFloor.NoOp.class.getName())
                .containsEntry("Task_RecordDenied", EngineFloor.NoOp.class.getName());
        assertThat(Bpmn.convertToString(floor)).doesNotContain("delegateExpression");

        // all the rest is the orchestrator's, attribute for attribute: messages, timers, conditions, boundary events,
        // async points, retry cycles, listeners; only the process's id and name and the delegates differ
        Element sourceProcess = process(Bpmn.convertToString(source));
        Element floorProcess = process(Bpmn.convertToString(floor));
        assertThat(floorProcess.getAttribute("id")).isEqualTo(FloorProcess.PROCESS_ID);
        assertThat(floorProcess.isEqualNode(sourceProcess)).isFalse();
        assertThat(withoutDelegates(floorProcess).isEqualNode(withoutDelegates(sourceProcess)))
                .isTrue();
    }

    @Test
    void theEngineDeploysTheFloorsProcess() {
        ProcessEngine engine = ProcessEngineConfiguration.createStandaloneInMemProcessEngineConfiguration()
                .setJdbcUrl("jdbc:h2:mem:floor-process-test;DB_CLOSE_DELAY=-1")
                .setProcessEngineName("floor-process-test")
                .setJobExecutorActivate(false)
                .buildProcessEngine();
        try {
            engine.getRepositoryService()
                    .createDeployment()
                    .addModelInstance(FloorProcess.RESOURCE_NAME, FloorProcess.derive())
                    .deploy();
            assertThat(engine.getRepositoryService()
                            .createProcessDefinitionQuery()
                            .processDefinitionKey(FloorProcess.PROCESS_ID)
                            .count())
                    .isEqualTo(1);
        } finally {
            engine.close();
        }
    }

    /** Each flow element's id and the name of its type. */
    private static Map<String, String> flowElements(BpmnModelInstance model) {
        return model.getModelElementsByType(FlowElement.class).stream()
                .collect(Collectors.toMap(
                        FlowElement::getId, e -> e.getElementType().getTypeName()));
    }

    private static Element process(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc =
                factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        NodeList processes = doc.getElementsByTagNameNS(BpmnModelConstants.BPMN20_NS, "process");
        assertThat(processes.getLength()).isEqualTo(1);
        return (Element) processes.item(0);
    }

    /**
     * A copy without the process's id and name, the service tasks' and task listeners' implementations and whitespace
     * between elements.
     */
    private static Element withoutDelegates(Element process) {
        Element copy = (Element) process.cloneNode(true);
        copy.removeAttribute("id");
        copy.removeAttribute("name");
        NodeList tasks = copy.getElementsByTagNameNS(BpmnModelConstants.BPMN20_NS, "serviceTask");
        for (int i = 0; i < tasks.getLength(); i++) {
            for (String attribute : List.of("class", "delegateExpression", "expression")) {
                ((Element) tasks.item(i)).removeAttributeNS(BpmnModelConstants.CAMUNDA_NS, attribute);
            }
        }
        NodeList listeners = copy.getElementsByTagNameNS(BpmnModelConstants.CAMUNDA_NS, "taskListener");
        for (int i = 0; i < listeners.getLength(); i++) {
            for (String attribute : List.of("class", "delegateExpression", "expression")) {
                ((Element) listeners.item(i)).removeAttribute(attribute);
                ((Element) listeners.item(i)).removeAttributeNS(BpmnModelConstants.CAMUNDA_NS, attribute);
            }
        }
        dropWhitespace(copy);
        return copy;
    }

    private static void dropWhitespace(Node node) {
        for (Node child = node.getFirstChild(); child != null; ) {
            Node next = child.getNextSibling();
            if (child.getNodeType() == Node.TEXT_NODE && child.getNodeValue().isBlank()) {
                node.removeChild(child);
            } else {
                dropWhitespace(child);
            }
            child = next;
        }
    }

    @Test
    void theFloorConfiguresTheProcessAsTheOrchestratorDoesByDefault() {
        Map<String, Object> defaults = PimDefaults.defaults();
        assertThat(EngineFloor.CONFIGURATION)
                .isEqualTo(Map.of(
                        "retryCycles",
                        Map.of(
                                "validate", defaults.get("pim.retry.validate"),
                                "activate", defaults.get("pim.retry.activate"),
                                "revoke", defaults.get("pim.retry.revoke")),
                        "issueMfaChallenge",
                        Map.of("timeout", defaults.get("pim.mfa.challenge-timeout"))));
    }
}

package dev.pimflow.workflow;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.process.JobAcquisitionByDueDate;
import dev.pimflow.workflow.security.AdminUserReport;
import dev.pimflow.workflow.security.SecurityConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.camunda.bpm.engine.CaseService;
import org.camunda.bpm.engine.DecisionService;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.FormService;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineServices;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, checked on the compiled main code of the orchestrator and the connectors (docs: README, layout).
 * A rule that no longer holds fails the build.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = importPimflow();

    /**
     * What drives the process: the engine's services (a {@code ProcessEngine} is the way to all of them) and what they
     * hand out (process instances, executions, message correlations, tasks). The delegate API
     * ({@code DelegateExecution}, {@code BpmnError}) and the identity and authorization services (users, groups, the
     * permissions in {@code security/}) are not part of it.
     */
    private static final DescribedPredicate<JavaClass> ENGINE_RUNTIME_API = resideInAnyPackage(
                    "org.camunda.bpm.engine.runtime..", "org.camunda.bpm.engine.task..")
            .or(assignableTo(ProcessEngine.class))
            .or(assignableTo(ProcessEngineServices.class))
            .or(assignableTo(RuntimeService.class))
            .or(assignableTo(TaskService.class))
            .or(assignableTo(ManagementService.class))
            .or(assignableTo(HistoryService.class))
            .or(assignableTo(RepositoryService.class))
            .or(assignableTo(FormService.class))
            .or(assignableTo(ExternalTaskService.class))
            .or(assignableTo(CaseService.class))
            .or(assignableTo(DecisionService.class))
            .or(assignableTo(FilterService.class))
            .as("belong to the engine's runtime API (ProcessEngine and its services, runtime and task objects)");

    /** The process to everyone else, and the delegates it runs. */
    private static final DescribedPredicate<JavaClass> THE_PROCESS = belongToAnyOf(ActivationProcess.class)
            .or(resideInAnyPackage("dev.pimflow.workflow.process..").and(assignableTo(JavaDelegate.class)))
            .as("ActivationProcess or a delegate");

    /**
     * Engine plumbing that needs the {@code ProcessEngine} itself, not to drive the process:
     * <ul>
     *   <li>{@link JobAcquisitionByDueDate}: an engine plugin, handed the built engine to read its data source and
     *       table prefix (it indexes and dates {@code ACT_RU_JOB});</li>
     *   <li>{@link AdminUserReport}: reads the engine's configuration to compare the admin password with its hash,
     *       because {@code IdentityService.checkPassword} would count a mismatch as a failed login;</li>
     *   <li>{@link SecurityConfiguration}: gives the engine to Camunda's own HTTP Basic provider, which checks the
     *       credentials on {@code /engine-rest/engine}.</li>
     * </ul>
     */
    private static final DescribedPredicate<JavaClass> ENGINE_PLUMBING = belongToAnyOf(
                    JobAcquisitionByDueDate.class, AdminUserReport.class, SecurityConfiguration.class)
            .as("the engine plumbing named in ArchitectureTest");

    /** The main classes under {@code dev.pimflow}, read only from the class path roots that have that package. */
    private static JavaClasses importPimflow() {
        try {
            List<URL> roots =
                    Collections.list(ArchitectureTest.class.getClassLoader().getResources("dev/pimflow"));
            return new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importUrls(roots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void connectorsKnowNeitherTheEngineNorTheOrchestrator() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.pimflow.contracts..", "dev.pimflow.pim..", "dev.pimflow.mfa..", "dev.pimflow.audit..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.camunda..", "dev.pimflow.workflow..")
                .because("the connectors are plain libraries; the workflow module wires them to the engine")
                .check(CLASSES);
    }

    @Test
    void onlyTheProcessClassAndTheDelegatesDriveTheEngine() {
        noClasses()
                .that()
                .resideInAPackage("dev.pimflow.workflow..")
                .and(not(THE_PROCESS))
                .and(not(ENGINE_PLUMBING))
                .should()
                .dependOnClassesThat(ENGINE_RUNTIME_API)
                .because("ActivationProcess is the process to everyone else: use cases call it, not the engine")
                .check(CLASSES);
    }

    @Test
    void workflowPackagesHaveNoCycle() {
        slices().matching("dev.pimflow.workflow.(*)..")
                .should()
                .beFreeOfCycles()
                .check(CLASSES);
    }
}

package dev.pimflow.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.BrowserCondition;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.TicketSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The operator's view (README, walkthrough step 4): in a real browser, an admin logs in to Cockpit, finds the running
 * activation of a ticket by its business key (the ticket number) in the process's instance list and sees its token
 * waiting at <em>Active until</em> on the rendered BPMN diagram. Leaves a screenshot in
 * {@code target/cockpit/waiting-activation.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code scripts/install-browser.sh}). Without them the
 * class is skipped before the orchestrator starts ({@link BrowserCondition}), unless {@code -Dpimflow.browser.required=true}
 * (CI), which makes it fail instead.
 */
@ExtendWith(BrowserCondition.class)
class CockpitShowsAWaitingActivationTest extends EndToEndTestBase {
    private static final String PASSWORD = "test-admin-password";
    private static final Path CHROMIUM = BrowserCondition.CHROMIUM;
    private static final Path CHROMEDRIVER = BrowserCondition.CHROMEDRIVER;
    private static final String PROCESS_NAME = "Ticket-linked role activation";
    /** The event-based gateway the token waits at once the role is active: "Active until". */
    private static final String WAITING_ACTIVITY_ID = "Gateway_AwaitEnd";

    private static final String WAITING_ACTIVITY_NAME = "Active until";
    /** Chromium starts slowly on a busy 2-core machine; Cockpit's bundles are large. */
    private static final Duration BROWSER_WAIT = Duration.ofSeconds(60);

    private static final Path OUTPUT = Path.of("target", "cockpit");
    /**
     * Selenium warns that it has no DevTools binding for this Chromium version; the test uses WebDriver only, no CDP.
     * Held here: java.util.logging keeps loggers weakly.
     */
    private static final List<java.util.logging.Logger> CDP_VERSION_WARNINGS = Stream.of(
                    "org.openqa.selenium.devtools.CdpVersionFinder", "org.openqa.selenium.chromium.ChromiumDriver")
            .map(java.util.logging.Logger::getLogger)
            .toList();

    @LocalServerPort
    int port;

    @Test
    void anOperatorFindsTheActivationByItsTicketAndSeesItWaitingUntilTheEnd() throws Exception {
        requireBrowser();

        // an activation that is active and waits at "Active until" (five hours: it stays there for the whole test)
        String ticket = "CONTOSO:Cockpit-" + System.currentTimeMillis();
        String activationId = requestAndApprove(ticket, "PT5H");
        awaitStatus(activationId, Status.ACTIVE);
        assertThat(activeRoles(TicketSystem.ALINE)).contains(TicketSystem.USER_ADMINISTRATOR);

        Files.createDirectories(OUTPUT);
        for (String stale : List.of("waiting-activation.png", "failure.png", "failure.html")) {
            Files.deleteIfExists(OUTPUT.resolve(stale));
        }
        // set once Spring's logging is up (it resets java.util.logging levels when it starts)
        CDP_VERSION_WARNINGS.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
        Path profile = Files.createTempDirectory("pimflow-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver driver = null;
        try {
            driver = new ChromeDriver(service, chromeOptions(profile));
            driver.manage().timeouts().pageLoadTimeout(BROWSER_WAIT).scriptTimeout(BROWSER_WAIT);
            WebDriverWait wait = new WebDriverWait(driver, BROWSER_WAIT, Duration.ofMillis(250));
            try {
                logIn(driver, wait);
                String instanceId = findInstanceByBusinessKey(driver, wait, ticket);
                assertWaitingAtActiveUntil(driver, wait, ticket, instanceId);
                screenshot(driver, OUTPUT.resolve("waiting-activation.png"));
            } catch (Throwable t) {
                saveFailureEvidence(driver);
                throw t;
            }
        } finally {
            try {
                if (driver != null) {
                    driver.quit();
                }
            } finally {
                service.stop();
                deleteQuietly(profile);
            }
        }
    }

    /** {@link BrowserCondition} lets the class run although the browser is missing: CI requires it, so this fails. */
    private static void requireBrowser() {
        String missing = BrowserCondition.missing();
        if (missing != null) {
            fail(missing + " (" + BrowserCondition.REQUIRED_PROPERTY + "=true: not skipping)");
        }
    }

    private static ChromeOptions chromeOptions(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // without the background-networking flags, Chromium's connections are refused by this machine's closed network
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1600,1000",
                "--user-data-dir=" + profile.toAbsolutePath());
        return options;
    }

    /** Cockpit's login page: the form posts the credentials with the session's CSRF token, as a person's browser does. */
    private void logIn(WebDriver driver, WebDriverWait wait) {
        driver.get("http://localhost:" + port + "/camunda/app/cockpit/default/");
        WebElement user =
                wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("input[ng-model='username']")));
        user.clear();
        user.sendKeys("admin");
        WebElement password = driver.findElement(By.cssSelector("input[ng-model='password']"));
        password.clear();
        password.sendKeys(PASSWORD);
        driver.findElement(By.cssSelector("form button[type='submit']")).click();
        // logged in: the login form is gone and the header shows the user's menu
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("input[ng-model='password']")));
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
    }

    /**
     * Processes → the process → its process instances, filtered by business key in the list's search box; opens the
     * instance whose row shows the ticket. Returns the instance id, read from the link the operator follows.
     */
    private String findInstanceByBusinessKey(WebDriver driver, WebDriverWait wait, String ticket) {
        driver.get("http://localhost:" + port + "/camunda/app/cockpit/default/#/processes");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText(PROCESS_NAME)))
                .click();
        wait.until(ExpectedConditions.urlContains("#/process-definition/"));

        // the instance list has loaded (its search box is re-rendered while the tab loads)
        By instanceLinks = By.xpath("//tr[.//a[contains(@href, '/process-instance/')]]");
        wait.until(ExpectedConditions.visibilityOfElementLocated(instanceLinks));
        // the instance list's search: its default criterion is "Business Key" (typing a value and Enter adds the pill);
        // Angular may still replace the box: then the typing is retried on the new one
        By searchBox = By.cssSelector("[cam-widget-search] input.main-field");
        By pill = By.xpath("//*[@cam-widget-search-pill][contains(normalize-space(.), '" + ticket + "')]");
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            if (!d.findElements(pill).isEmpty()) {
                return true;
            }
            WebElement search = d.findElement(searchBox);
            search.click();
            search.clear();
            search.sendKeys(ticket);
            search.sendKeys(Keys.ENTER);
            return !d.findElements(pill).isEmpty();
        });

        // the filter applied: the list shows one instance, the ticket's (its Business Key column)
        String href = wait.ignoring(StaleElementReferenceException.class).until(d -> {
            List<WebElement> rows = d.findElements(instanceLinks);
            if (rows.size() != 1 || !rows.get(0).getText().contains(ticket)) {
                return null;
            }
            return rows.get(0)
                    .findElement(By.xpath(".//a[contains(@href, '/process-instance/')]"))
                    .getDomProperty("href");
        });
        String instanceId = href.replaceAll(".*/process-instance/([^/?#]+).*", "$1");
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(By.xpath("//tr//a[contains(@href, '/process-instance/" + instanceId + "')]"))
                    .click();
            return true;
        });
        wait.until(ExpectedConditions.urlContains("#/process-instance/" + instanceId));
        return instanceId;
    }

    /** The instance page: diagram rendered, the running-instance badge on "Active until", the business key shown. */
    private void assertWaitingAtActiveUntil(WebDriver driver, WebDriverWait wait, String ticket, String instanceId) {
        // the diagram: bpmn-js has drawn the waiting gateway
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".djs-container g.djs-element[data-element-id='" + WAITING_ACTIVITY_ID + "']")));
        // the token: Cockpit's "Running Activity Instances" badge in the gateway's overlay, counting one, and no badge
        // anywhere else (Cockpit redraws its overlays while the page loads: checked in one go, until it holds)
        awaitTokensExactlyOnTheWaitingActivity(wait);

        // the gateway's label in the diagram (Cockpit may redraw the diagram as its data arrives: read until it holds)
        awaitEqual(
                wait,
                "the label of " + WAITING_ACTIVITY_ID,
                d -> d.findElement(By.cssSelector("g.djs-element[data-element-id='" + WAITING_ACTIVITY_ID + "_label']"))
                        .getDomProperty("textContent"),
                WAITING_ACTIVITY_NAME);
        assertThat(driver.getCurrentUrl()).contains(instanceId);

        // the activity instance tree (sidebar, "Filter"): the one running activity instance under the process is
        // "Active until"
        clickSidebarTab(wait, "Filter");
        By running = By.cssSelector(".instance-tree .tree-node-group.state-running .tree-node-label");
        awaitEqual(
                wait,
                "the running activity instances",
                d -> d.findElements(running).stream()
                        .map(e -> e.getText().trim())
                        .toList(),
                List.of(PROCESS_NAME, WAITING_ACTIVITY_NAME));

        // the instance's information (sidebar, "Information"): the business key is the ticket; left open for the
        // screenshot
        clickSidebarTab(wait, "Information");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("dd.business-key"), ticket));
        // the token is still drawn (the screenshot must show it); let the last paint settle (fonts, overlay positions)
        // before the screenshot: bpmn-js lays out in an animation frame
        awaitTokensExactlyOnTheWaitingActivity(wait);
        ((JavascriptExecutor) driver)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(done));");
    }

    /** Waits until the visible running-instance badges are exactly one, on "Active until", counting 1. */
    private static void awaitTokensExactlyOnTheWaitingActivity(WebDriverWait wait) {
        awaitEqual(
                wait,
                "the running-instance badges (activity=count)",
                d -> d.findElements(By.cssSelector(".djs-overlays .badge.instance-count")).stream()
                        .filter(WebElement::isDisplayed)
                        .map(b -> b.findElement(By.xpath("ancestor::*[contains(@class, 'djs-overlays')]"))
                                        .getDomAttribute("data-container-id")
                                + "=" + b.getText().trim())
                        .toList(),
                List.of(WAITING_ACTIVITY_ID + "=1"));
    }

    /** Waits until what the page shows equals the expected (Angular re-renders: elements may go stale meanwhile). */
    private static <T> void awaitEqual(WebDriverWait wait, String what, Function<WebDriver, T> shown, T expected) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            wait.ignoring(StaleElementReferenceException.class).until(d -> {
                last.set(shown.apply(d));
                return expected.equals(last.get());
            });
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": expected " + expected + " but the page shows " + last.get(), e);
        }
    }

    private static void clickSidebarTab(WebDriverWait wait, String name) {
        By tab = By.xpath("//ul[contains(@class, 'nav-tabs')]//a[normalize-space(.)='" + name + "']");
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement clickable = ExpectedConditions.elementToBeClickable(tab).apply(d);
            if (clickable == null) {
                return false;
            }
            clickable.click();
            return true;
        });
    }

    private static void screenshot(WebDriver driver, Path target) throws IOException {
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** On failure: what the browser showed, and its page source, next to the screenshot. */
    private static void saveFailureEvidence(WebDriver driver) {
        if (driver == null) {
            return;
        }
        try {
            screenshot(driver, OUTPUT.resolve("failure.png"));
            Files.writeString(OUTPUT.resolve("failure.html"), driver.getCurrentUrl() + "\n" + driver.getPageSource());
        } catch (Exception ignored) {
            // the original failure matters more
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}

package dev.pimflow.workflow.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Camunda Tasklist in a {@link HeadlessChromium}, driven the way a person does it: the login form, a filter in the
 * filter column, a task picked from the list by what its name says, Claim, the task's generated form, Complete. The
 * selectors are Tasklist 7.24's own templates ({@code camunda-webapp-webjar}); each step waits until the page shows its
 * result, so a failure names the step that did not happen.
 */
public final class TasklistPage {
    /** The page's Angular re-renders lists while their data arrives: elements found may be replaced under the test. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long the first page may show Tasklist's splash screen before it is reloaded. */
    private static final Duration SPLASH_WAIT = Duration.ofSeconds(30);

    private static final By USERNAME = By.cssSelector("input[ng-model='username']");
    private static final By PASSWORD = By.cssSelector("input[ng-model='password']");
    private static final By FILTERS = By.cssSelector(".task-filter h4.name a");
    private static final By TASKS = By.cssSelector("ol.tasks-list li.task h4.task a");
    private static final By CLAIM = By.cssSelector("button.claim");
    private static final By COMPLETE = By.cssSelector("button[ng-click='complete()']");
    private static final By TASK_TITLE = By.cssSelector(".names h2.task");
    /** Tasklist's error notifications (a status such as COMPLETE_ERROR's text, then the server's message). */
    private static final By ERRORS = By.cssSelector(".notifications .alert-danger, .notifications .alert-error");

    private final WebDriver driver;
    private final WebDriverWait wait;
    private final String url;

    public TasklistPage(WebDriver driver, int port, Duration patience) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, patience, POLL);
        this.url = "http://localhost:" + port + "/camunda/app/tasklist/default/";
        // tall enough for the whole approval form above Tasklist's footer (which otherwise covers Complete), and for
        // the screenshot to show it
        driver.manage().window().setSize(new Dimension(1600, 1300));
    }

    /**
     * The login form (its CSRF token is the page's, as in a person's browser); returns once Tasklist is shown. On a busy
     * machine Tasklist's first load in a fresh orchestrator has been seen to stay on its splash screen (the Angular
     * app never starts): then the page is reloaded, as a person would, at most twice; what the page had loaded is
     * printed.
     */
    public void logIn(String user, String password) {
        driver.get(url);
        WebDriverWait splash = new WebDriverWait(driver, SPLASH_WAIT, POLL);
        for (int attempt = 1; ; attempt++) {
            try {
                splash.until(ExpectedConditions.elementToBeClickable(USERNAME));
                break;
            } catch (TimeoutException e) {
                if (attempt == 3) {
                    throw new AssertionError("Tasklist: no login form after " + attempt + " loads of " + url, e);
                }
                System.out.println("[browser] Tasklist still on its splash after " + SPLASH_WAIT.toSeconds()
                        + " s, reloading; resources loaded: " + resources());
                driver.navigate().refresh();
            }
        }
        WebElement name = driver.findElement(USERNAME);
        name.clear();
        name.sendKeys(user);
        WebElement secret = driver.findElement(PASSWORD);
        secret.clear();
        secret.sendKeys(password);
        driver.findElement(By.cssSelector("form button[type='submit']")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(PASSWORD));
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
        // Tasklist's three columns: the filters are listed once the user's session is known
        step(
                "the filter column after logging in as " + user,
                d -> !d.findElements(FILTERS).isEmpty());
    }

    /** The page's resources as the browser timed them (name and milliseconds), for a diagnosis. */
    private Object resources() {
        try {
            return ((JavascriptExecutor) driver)
                    .executeScript("return performance.getEntriesByType('resource')"
                            + ".map(r => r.name.replace(location.origin, '') + ' ' + Math.round(r.duration) + 'ms')");
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /** Ends the session: the browser forgets its cookies, the next page is the login form. */
    public void logOut() {
        driver.manage().deleteAllCookies();
        driver.get(url);
        step("the login form after logging out", d -> !d.findElements(USERNAME).isEmpty());
    }

    /** Reloads Tasklist (its list does not show tasks created after it loaded) and selects the named filter. */
    public void openFilter(String name) {
        driver.get(url);
        driver.navigate().refresh();
        // the reload may stay on the splash screen as the first load can (see logIn): reloaded again, at most twice
        WebDriverWait splash = new WebDriverWait(driver, SPLASH_WAIT, POLL);
        for (int attempt = 1; attempt < 3; attempt++) {
            try {
                splash.until(d -> !d.findElements(FILTERS).isEmpty());
                break;
            } catch (TimeoutException e) {
                System.out.println("[browser] Tasklist still on its splash after " + SPLASH_WAIT.toSeconds()
                        + " s, reloading; resources loaded: " + resources());
                driver.navigate().refresh();
            }
        }
        step("the filter \"" + name + "\" selected", d -> {
            for (WebElement filter : d.findElements(FILTERS)) {
                if (filter.getText().trim().startsWith(name)) {
                    WebElement item = filter.findElement(By.xpath("ancestor::div[contains(@class, 'task-filter')]"));
                    if (item.getDomAttribute("class").contains("active")) {
                        return true;
                    }
                    filter.click();
                    return false;
                }
            }
            return false;
        });
    }

    /** The names of the tasks the selected filter lists. */
    public List<String> taskNames() {
        return driver.findElements(TASKS).stream().map(e -> e.getText().trim()).toList();
    }

    /**
     * Opens the one task in the list whose name contains the text (Tasklist's names are how a person tells tasks
     * apart); returns its name.
     */
    public String openTaskNamedWith(String text) {
        String[] opened = new String[1];
        step("a task whose name contains \"" + text + "\" in the list (the list shows: %s)", d -> {
            List<WebElement> matching = d.findElements(TASKS).stream()
                    .filter(e -> e.getText().contains(text))
                    .toList();
            if (matching.size() != 1) {
                return false;
            }
            opened[0] = matching.get(0).getText().trim();
            matching.get(0).click();
            return true;
        });
        step(
                "the task \"" + opened[0] + "\" opened",
                d -> d.findElements(TASK_TITLE).stream()
                        .anyMatch(e -> e.getText().contains(text)));
        return opened[0];
    }

    /** Claims the open task: Tasklist keeps a task's form read-only for anyone but its assignee. */
    public void claim() {
        step("Claim clicked", d -> {
            WebElement claim = ExpectedConditions.elementToBeClickable(CLAIM).apply(d);
            if (claim == null) {
                return false;
            }
            claim.click();
            return true;
        });
        step(
                "the task claimed (no Claim button, the form editable)",
                d -> d.findElements(CLAIM).isEmpty()
                        && d.findElements(field("approved")).stream().anyMatch(WebElement::isEnabled));
    }

    /**
     * Waits until the generated form shows the value in the field (Tasklist fills the fields once the task's form
     * variables have arrived); fails naming what it showed instead.
     */
    public void awaitShown(String variable, String expected) {
        String[] last = new String[1];
        try {
            wait.ignoring(StaleElementReferenceException.class).until(d -> {
                List<WebElement> f = d.findElements(field(variable));
                last[0] = f.isEmpty() ? null : f.get(0).getDomProperty("value");
                return expected.equals(last[0]);
            });
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "Tasklist: the form's field " + variable + " should show \"" + expected + "\" but shows "
                            + (last[0] == null ? "no such field" : "\"" + last[0] + "\""),
                    e);
        }
    }

    /** Ticks (or unticks) the form's checkbox and types into its text field, as a person fills the form. */
    public void fill(String checkbox, boolean ticked, String textField, String text) {
        WebElement box = wait.until(ExpectedConditions.elementToBeClickable(field(checkbox)));
        if (box.isSelected() != ticked) {
            box.click();
        }
        WebElement input = wait.until(ExpectedConditions.elementToBeClickable(field(textField)));
        input.clear();
        input.sendKeys(text);
        step(
                "the form filled in",
                d -> d.findElement(field(checkbox)).isSelected() == ticked
                        && text.equals(d.findElement(field(textField)).getDomProperty("value")));
    }

    /**
     * Clicks Complete; returns once Tasklist has answered: the task closed (completed: Tasklist drops it from the view
     * without a notification) or an error notification, which is returned.
     */
    public Optional<Notification> complete() {
        int before = driver.findElements(ERRORS).size();
        WebElement complete = wait.until(ExpectedConditions.elementToBeClickable(COMPLETE));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", complete);
        complete.click();
        step(
                "Tasklist's answer to Complete",
                d -> d.findElements(ERRORS).size() > before
                        || !d.getCurrentUrl().contains("task="));
        List<WebElement> errors = driver.findElements(ERRORS);
        if (errors.size() == before) {
            return Optional.empty();
        }
        WebElement last = errors.get(errors.size() - 1);
        return Optional.of(new Notification(last.getText().replace('\n', ' ').trim()));
    }

    /** Whether the open task's form is still shown (Tasklist closes it once the task is completed). */
    public boolean formShown() {
        return driver.findElements(COMPLETE).stream().anyMatch(WebElement::isDisplayed);
    }

    public void screenshot(Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** What the browser showed, and the page's source: evidence when a step did not happen. */
    public void saveEvidence(Path dir, String name) {
        try {
            screenshot(dir.resolve(name + ".png"));
            Files.writeString(
                    dir.resolve(name + ".html"),
                    driver.getCurrentUrl() + "\n<!-- resources: " + resources() + " -->\n" + driver.getPageSource());
        } catch (Exception ignored) {
            // the original failure matters more
        }
    }

    /** One of Tasklist's error notifications: what it says. */
    public record Notification(String text) {}

    private static By field(String variable) {
        return By.cssSelector("[cam-variable-name='" + variable + "']");
    }

    /** Waits for a step's result; the description may hold one %s, filled with the task list shown. */
    private void step(String what, java.util.function.Function<WebDriver, Boolean> done) {
        try {
            wait.ignoring(StaleElementReferenceException.class).until(done::apply);
        } catch (TimeoutException e) {
            String shown =
                    Optional.ofNullable(safeTaskNames()).map(String::valueOf).orElse("?");
            throw new AssertionError("Tasklist: " + what.replace("%s", shown) + " did not happen", e);
        }
    }

    private List<String> safeTaskNames() {
        try {
            return taskNames();
        } catch (RuntimeException e) {
            return null;
        }
    }
}

package dev.pimflow.workflow.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its chromedriver ({@link BrowserCondition#CHROMIUM},
 * {@link BrowserCondition#CHROMEDRIVER}), with a throw-away profile; the same set-up as the Cockpit browser test. Closing
 * quits the browser, stops the driver and deletes the profile.
 */
public final class HeadlessChromium implements AutoCloseable {
    /** Chromium starts slowly on a busy 2-core machine. */
    public static final Duration BROWSER_WAIT = Duration.ofSeconds(60);

    /**
     * Selenium warns that it has no DevTools binding for this Chromium version; WebDriver only is used, no CDP. Held
     * here: java.util.logging keeps loggers weakly.
     */
    private static final List<Logger> CDP_VERSION_WARNINGS = Stream.of(
                    "org.openqa.selenium.devtools.CdpVersionFinder", "org.openqa.selenium.chromium.ChromiumDriver")
            .map(Logger::getLogger)
            .toList();

    private final ChromeDriverService service;
    private final Path profile;
    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriverService service, Path profile, ChromeDriver driver) {
        this.service = service;
        this.profile = profile;
        this.driver = driver;
    }

    public static HeadlessChromium start() throws IOException {
        // set here, not statically: Spring's logging resets java.util.logging levels when it starts
        CDP_VERSION_WARNINGS.forEach(l -> l.setLevel(Level.SEVERE));
        Path profile = Files.createTempDirectory("pimflow-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(BrowserCondition.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options(profile));
            driver.manage().timeouts().pageLoadTimeout(BROWSER_WAIT).scriptTimeout(BROWSER_WAIT);
            return new HeadlessChromium(service, profile, driver);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    private static ChromeOptions options(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserCondition.CHROMIUM.toFile());
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

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
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

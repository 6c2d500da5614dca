package dev.pimflow.workflow.support;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * mock-oauth2-server's sign-in page ({@code templates/login.ftl}) as a person uses it: a {@code username} field (it
 * becomes {@code sub}), a {@code claims} text area taking a JSON object (its fields go into the ID token over the
 * mock's own), and a <em>Sign-in</em> button that posts the form back to the authorization request.
 */
public final class OidcLoginPage {
    private static final By USERNAME = By.name("username");
    private static final By CLAIMS = By.name("claims");
    private static final By SIGN_IN = By.cssSelector("form input[type=submit][value='Sign-in']");

    private final WebDriver driver;
    private final WebDriverWait wait;

    public OidcLoginPage(WebDriver driver) {
        this(driver, HeadlessChromium.BROWSER_WAIT);
    }

    public OidcLoginPage(WebDriver driver, Duration timeout) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, timeout, Duration.ofMillis(250));
    }

    /** Waits until the browser shows the sign-in form, e.g. after the client redirected it to the provider. */
    public OidcLoginPage awaitShown() {
        wait.withMessage("mock-oauth2-server's sign-in form (username field) at " + driver.getCurrentUrl())
                .until(ExpectedConditions.visibilityOfElementLocated(USERNAME));
        return this;
    }

    public void signIn(OidcProvider.Claims claims) {
        signIn(claims.subject(), claims.json());
    }

    /** Fills in the form and submits it; the provider then redirects the browser to the client's redirect URI. */
    public void signIn(String username, String claimsJson) {
        awaitShown();
        WebElement user = driver.findElement(USERNAME);
        user.clear();
        user.sendKeys(username);
        WebElement claims = driver.findElement(CLAIMS);
        // set, not typed: sendKeys of a long JSON is slow, and the value is what the form posts either way
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", claims, claimsJson);
        WebElement submit = wait.until(ExpectedConditions.elementToBeClickable(SIGN_IN));
        submit.click();
        wait.withMessage("the browser to leave the sign-in page").until(ExpectedConditions.stalenessOf(submit));
    }
}

package dev.trainingplanner.api.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's Debian chromium driven through its chromedriver (no browser downloads), pointed at the running service.
 * Setup as in platform-notes §5.2; screenshots go to {@code target/screenshots/} as test artifacts.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final String baseUrl;

    private Browser(ChromeDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts headless chromium. Without the Debian packages the test fails in CI ({@code CI=true}) with the install
     * command, and is skipped with that reason elsewhere.
     */
    static Browser start(int port) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String reason = "Browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason);
            }
            Assumptions.abort(reason);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,900");
        // An explicit driver executable makes Selenium skip Selenium Manager, which would try to download one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), "http://localhost:" + port);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens a dashboard route (for example {@code #/clusters}) and waits until its view has rendered. */
    void open(String hashRoute, String viewName) {
        driver.get(baseUrl + "/" + hashRoute);
        awaitView(viewName);
    }

    /** Navigates inside the already loaded page, as a click on a link would. */
    void go(String hashRoute, String viewName) {
        script("window.location.hash = arguments[0];", hashRoute);
        awaitView(viewName);
    }

    void awaitView(String viewName) {
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .withMessage(() -> "view '" + viewName + "' did not render; problem box: " + problemText())
                .until(ExpectedConditions.attributeToBe(By.id("view"), "data-view-ready", viewName));
    }

    /** Milliseconds from the route change until the view (data, tables and charts) was drawn, as the page measured. */
    long renderMillis() {
        return Long.parseLong(driver.findElement(By.id("view")).getAttribute("data-render-ms"));
    }

    /** Milliseconds from the API's answer until the view was drawn: the page's own share of {@link #renderMillis}. */
    long drawMillis() {
        return Long.parseLong(driver.findElement(By.id("view")).getAttribute("data-draw-ms"));
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    WebElement await(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(20))
                .withMessage(() -> "no " + by + "; problem box: " + problemText())
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    WebElement awaitPresent(By by, Duration timeout) {
        return new WebDriverWait(driver, timeout)
                .withMessage(() -> "no " + by + "; problem box: " + problemText())
                .until(ExpectedConditions.presenceOfElementLocated(by));
    }

    void awaitText(By by, String fragment, Duration timeout) {
        new WebDriverWait(driver, timeout)
                .withMessage(() -> "no '" + fragment + "' in " + by + "; problem box: " + problemText())
                .until(ExpectedConditions.textToBePresentInElementLocated(by, fragment));
    }

    String problemText() {
        List<WebElement> box = driver.findElements(By.id("problem"));
        return box.isEmpty() || !box.get(0).isDisplayed()
                ? "(none)"
                : box.get(0).getText();
    }

    Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javascript, args);
    }

    /** Saves the whole page, below the fold included (Chrome DevTools' captureBeyondViewport). */
    Path screenshot(String name) {
        Number width = (Number) script("return document.documentElement.scrollWidth;");
        Number height = (Number) script("return document.documentElement.scrollHeight;");
        Map<String, Object> clip = Map.of(
                "x", 0, "y", 0, "width", width.intValue(), "height", Math.min(16_000, height.intValue()), "scale", 1);
        Map<String, Object> shot = driver.executeCdpCommand(
                "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.write(target, Base64.getDecoder().decode((String) shot.get("data")));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}

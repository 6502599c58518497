package dev.baton.agent.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver by Selenium, for the dashboard's browser tests. Both
 * are given by path, so Selenium Manager never looks for (or downloads) a driver; the browser's background
 * networking is off, so it talks to loopback only. A missing package fails the test with its name.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final WebDriver browser;

    private HeadlessChromium(ChromeDriverService service, WebDriver browser) {
        this.service = service;
        this.browser = browser;
    }

    /** Fails (never skips) with the Debian package to install when the browser or its driver is missing. */
    public static void requireInstalled() {
        assertThat(Files.isExecutable(CHROMIUM)).as(CHROMIUM + " is missing: install the Debian package chromium"
                + " (.ci/run does)").isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER)).as(CHROMEDRIVER + " is missing: install the Debian package"
                + " chromium-driver (.ci/run does)").isTrue();
    }

    /** Starts a browser with a fresh profile in {@code profile}; its driver logs to {@code target/<log>}. */
    public static HeadlessChromium start(Path profile, String log) throws IOException {
        requireInstalled();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(Files.createDirectories(Path.of("target")).resolve(log).toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1500,1000", "--user-data-dir=" + Files.createDirectories(profile),
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-domain-reliability",
                "--disable-default-apps", "--metrics-recording-only", "--no-pings", "--lang=en-GB");
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    public WebDriver browser() {
        return browser;
    }

    /** Saves what the browser shows as {@code target/dashboard-<name>.png}, a test artifact. */
    public void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(Files.createDirectories(Path.of("target")).resolve("dashboard-" + name + ".png"), png);
    }

    /** Quits the browser (and its processes), then stops the driver. */
    @Override
    public void close() {
        try {
            browser.quit();
        } finally {
            service.stop();
        }
    }
}

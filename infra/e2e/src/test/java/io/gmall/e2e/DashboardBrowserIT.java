package io.gmall.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in Debian's headless chromium, served by the stack's API over what the pipeline made of the shared
 * read-only day ({@link ReadOnlyDay}): no console errors, the figures shown are the API's and the ledger's, search and
 * paging work, and a screenshot is kept in {@code target/dashboard.png}.
 */
class DashboardBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    private WebDriver browser;
    private ReadOnlyDay shared;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(shared.config().url("serving", pathAndQuery))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(pathAndQuery + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1100");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private void awaitLoads(int atLeast) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> {
            String loaded = b.findElement(By.tagName("body")).getDomAttribute("data-loaded");
            return loaded != null && Integer.parseInt(loaded) >= atLeast;
        });
    }

    /** The rows' ids in one script call: the page re-renders its tables every 5 s while the day is today. */
    @SuppressWarnings("unchecked")
    private List<String> rowIds(String table) {
        return (List<String>) ((ChromeDriver) browser).executeScript(
                "return Array.from(document.querySelectorAll('#" + table + " tbody tr')).map(r => r.dataset.id)");
    }

    private static List<String> ids(JsonNode rows, String field) {
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.get(field).asText()));
        return ids;
    }

    @Test
    void theDashboardShowsTheApisFiguresSearchesAndPagesWithoutConsoleErrors() throws Exception {
        shared = ReadOnlyDay.get();
        String day = shared.day();
        browser = chromium();
        browser.get(shared.config().url("serving", "/?date=" + day));
        awaitLoads(1);

        JsonNode truth = shared.ledger().path("days").path(day);
        JsonNode figures = api("/realtime-total?date=" + day);
        assertThat(figures.findValuesAsText("id")).as("the API's figures").containsExactly("dau", "new_mid", "order_amount");
        for (JsonNode figure : figures) {
            String id = figure.get("id").asText();
            WebElement card = browser.findElement(By.cssSelector(".card[data-id='" + id + "']"));
            assertThat(new java.math.BigDecimal(card.getDomAttribute("data-value"))).as(id).isEqualByComparingTo(figure.get("value").decimalValue());
        }
        // New devices are the stack's first sight of a device, which a rerun without ./gmall clean has had on an earlier
        // day; the day's active devices and amount are this run's alone.
        assertThat(figures.get(0).get("value").asLong()).as("dau: the ledger's").isEqualTo(truth.path("dau").asLong()).isPositive();
        assertThat(figures.get(2).get("value").decimalValue()).as("order_amount: the ledger's").isEqualByComparingTo(truth.path("order_amount").decimalValue());

        Object hourLabels = ((ChromeDriver) browser).executeScript(
                "return echarts.getInstanceByDom(document.getElementById('chart-dau')).getOption().xAxis[0].data");
        assertThat(hourLabels).as("hours in order").isEqualTo(java.util.stream.IntStream.range(0, 24).mapToObj(h -> String.format("%02d", h)).toList());
        JsonNode dauHours = api("/realtime-hour?id=dau&date=" + day);
        Object shown = ((ChromeDriver) browser).executeScript(
                "return echarts.getInstanceByDom(document.getElementById('chart-dau')).getOption().series[0].data");
        List<Long> expected = new ArrayList<>();
        dauHours.get("today").forEach(v -> expected.add(v.asLong()));
        assertThat(shown).as("today's line is the API's hours").isEqualTo(expected);

        JsonNode page1 = api("/sale_detail?date=" + day + "&startpage=1&size=10");
        assertThat(page1.get("detail")).as("the day's order details").isNotEmpty();
        assertThat(browser.findElement(By.id("sale-total")).getDomAttribute("data-total")).isEqualTo(page1.get("total").asText());
        assertThat(rowIds("sale-table")).isEqualTo(ids(page1.get("detail"), "order_detail_id"));
        if (page1.get("total").asLong() > 10) {
            browser.findElement(By.id("sale-next")).click();
            JsonNode page2 = api("/sale_detail?date=" + day + "&startpage=2&size=10");
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> rowIds("sale-table").equals(ids(page2.get("detail"), "order_detail_id")));
            assertThat(rowIds("sale-table")).doesNotContainAnyElementsOf(ids(page1.get("detail"), "order_detail_id"));
        } else {
            assertThat(browser.findElement(By.id("sale-next")).isEnabled()).as("one page of rows: no next page").isFalse();
        }

        String word = page1.get("detail").get(0).get("sku_name").asText().split(" ")[0];
        JsonNode found = api("/sale_detail?date=" + day + "&startpage=1&size=10&keyword=" + URLEncoder.encode(word, StandardCharsets.UTF_8));
        WebElement keyword = browser.findElement(By.id("keyword"));
        keyword.clear();
        keyword.sendKeys(word);
        browser.findElement(By.cssSelector("#search button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> rowIds("sale-table").equals(ids(found.get("detail"), "order_detail_id")));
        assertThat(browser.findElement(By.id("sale-total")).getDomAttribute("data-total")).isEqualTo(found.get("total").asText());

        JsonNode alerts = api("/alerts?date=" + day + "&startpage=1&size=10");
        assertThat(rowIds("alert-table")).isEqualTo(ids(alerts.get("alerts"), "alert_id"));
        assertThat(browser.findElement(By.id("error")).getText()).isEmpty();

        List<String> severe = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(e.getMessage());
            }
        }
        assertThat(severe).as("console errors").isEmpty();

        ((ChromeDriver) browser).executeScript("window.scrollTo(0, 0)");
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("dashboard screenshot: " + SCREENSHOT.toAbsolutePath());
    }
}

package io.gmall.serving;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard in Debian's headless chromium, over what the pipeline wrote to the stack's HBase and
 * Elasticsearch (the business day with the most joined order details): no console errors, the figures shown
 * are the API's, search and paging work, and a screenshot is kept in {@code target/dashboard.png}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @LocalServerPort
    int port;

    @Autowired
    ElasticsearchClient es;

    @Autowired
    ServingProperties properties;

    private WebDriver browser;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(pathAndQuery + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The day with the most joined order details the pipeline wrote. */
    private String busiestDay() throws Exception {
        var r = es.search(s -> s.index(properties.es().saleIndex()).ignoreUnavailable(true).allowNoIndices(true).size(0)
                .aggregations("days", a -> a.terms(t -> t.field("dt").size(1))), Void.class);
        List<StringTermsBucket> days = r.aggregations().get("days").sterms().buckets().array();
        assertThat(days).as("no order details in " + properties.es().saleIndex() + ": run the pipeline first (./gmall up && ./gmall mock)").isNotEmpty();
        return days.get(0).key().stringValue();
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
        String day = busiestDay();
        browser = chromium();
        browser.get("http://127.0.0.1:" + port + "/?date=" + day);
        awaitLoads(1);

        for (JsonNode figure : api("/realtime-total?date=" + day)) {
            WebElement card = browser.findElement(By.cssSelector(".card[data-id='" + figure.get("id").asText() + "']"));
            assertThat(new java.math.BigDecimal(card.getDomAttribute("data-value"))).as(figure.get("id").asText())
                    .isEqualByComparingTo(figure.get("value").decimalValue());
        }

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

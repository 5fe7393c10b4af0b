package dev.trainingplanner.api.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.security.Role;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.engine.plan.SearchOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Planning through the dashboard in real headless chromium against the running service: request a plan on a cluster
 * with a degraded link, watch it finish, check that the plan page shows the API's numbers (iteration time, every rank's
 * memory against its capacity, the pipeline timeline's compute, the placement), download an artifact, cancel a solve,
 * and re-plan a job.
 */
@PlannerIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanPagesBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double GIB = 1024.0 * 1024 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokens;

    Browser browser;
    ServiceClient scheduler;
    String schedulerToken;
    String cluster;
    String bigCluster;

    @BeforeAll
    void setUp() {
        String adminToken =
                tokens.issue("dashboard plan test admin", Role.ADMIN, null).secret();
        schedulerToken = tokens.issue("dashboard plan test scheduler", Role.SCHEDULER, null)
                .secret();
        scheduler = new ServiceClient(port, schedulerToken);
        cluster = "plan-ui-" + UUID.randomUUID().toString().substring(0, 8);
        ServiceClient admin = new ServiceClient(port, adminToken);
        admin.ok("POST", "/clusters", "{\"name\":\"" + cluster + "\"}");
        String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        admin.uploadProfile(cluster, Profiles.cluster(cluster, 4, 8, at, (a, b) -> a == 1 && b == 2 ? 100.0 : 400.0));
        bigCluster = "plan-ui-big-" + UUID.randomUUID().toString().substring(0, 8);
        admin.ok("POST", "/clusters", "{\"name\":\"" + bigCluster + "\"}");
        admin.uploadProfile(
                bigCluster, Profiles.cluster(bigCluster, 128, 8, at, (a, b) -> a == 5 && b == 77 ? 150.0 : 395.0));
        browser = Browser.start(port);
        browser.open("#/token", "token");
        WebElement input = browser.find(By.id("token-input"));
        input.sendKeys(schedulerToken);
        input.submit();
        browser.await(By.xpath("//p[@id='token-status' and contains(., 'accepted by the service')]"));
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    private JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** Fills the New plan form and submits it; returns the plan id from the page the form opens. */
    private String requestPlanInTheBrowser(
            String onCluster, String model, int globalBatch, int gpus, int timeLimitSeconds) {
        browser.go("#/plans/new", "new-plan");
        new Select(browser.find(By.id("plan-cluster"))).selectByValue(onCluster);
        new Select(browser.find(By.id("plan-model"))).selectByValue(model);
        replace(By.id("plan-global-batch"), String.valueOf(globalBatch));
        replace(By.id("plan-gpus"), String.valueOf(gpus));
        replace(By.id("plan-time-limit"), String.valueOf(timeLimitSeconds));
        browser.screenshot("new-plan");
        browser.find(By.id("plan-submit")).click();
        browser.awaitView("plan-detail");
        String hash = (String) browser.script("return window.location.hash;");
        assertThat(hash).startsWith("#/plans/");
        return hash.substring("#/plans/".length());
    }

    private void replace(By field, String value) {
        WebElement input = browser.find(field);
        input.clear();
        input.sendKeys(value);
    }

    private void awaitStatus(String id, String status, Duration timeout) {
        try {
            browser.awaitPresent(
                    By.xpath("//*[@data-testid='plan-status' and normalize-space(.)='" + status + "']"), timeout);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "the page never showed '" + status + "'; the API says "
                            + scheduler.get("/plans/" + id).body(),
                    e);
        }
        browser.awaitView("plan-detail");
    }

    private static String gib(double bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / GIB);
    }

    @Test
    void aPlanRequestedInTheBrowserFinishesAndItsPageShowsTheApiNumbers() {
        String id = requestPlanInTheBrowser(cluster, "gpt3-1.3b", 64, 32, 5);
        browser.screenshot("plan-progress");
        awaitStatus(id, "completed", Duration.ofSeconds(180));

        JsonNode plan = json(scheduler.ok("GET", "/plans/" + id, null).body());
        JsonNode result = plan.get("result").get("plan");
        assertThat(result.get("status").asText()).as("plan result %s", result).isEqualTo("FEASIBLE");
        JsonNode layout = result.get("layout");
        JsonNode estimate = result.get("estimate");
        int tp = layout.get("tp").asInt();
        int pp = layout.get("pp").asInt();
        int dp = layout.get("dp").asInt();

        assertThat(browser.find(By.cssSelector("[data-testid='layout-line']")).getText())
                .startsWith("TP " + tp)
                .contains("PP " + pp, "DP " + dp);
        assertThat(browser.find(By.cssSelector("[data-testid='iteration-time']"))
                        .getText())
                .isEqualTo(String.format(
                        Locale.ROOT,
                        "%.3f s",
                        estimate.get("iterationTimeSeconds").asDouble()));
        assertThat(browser.find(By.cssSelector("[data-testid='mfu']")).getText())
                .isEqualTo(String.format(
                        Locale.ROOT, "%.1f %%", estimate.get("mfu").asDouble() * 100));

        // Every rank's memory bar: the table behind the chart holds the API's totals and capacities.
        assertThat(browser.findAll(By.cssSelector("#memory-chart canvas"))).isNotEmpty();
        browser.find(By.xpath("//summary[starts-with(., 'Memory of all')]")).click();
        List<String> headers = browser.findAll(By.cssSelector("table[data-testid='memory-table'] thead th")).stream()
                .map(WebElement::getText)
                .toList();
        int total = headers.indexOf("Total (GiB)");
        int capacity = headers.indexOf("Capacity (GiB)");
        List<WebElement> memoryRows = browser.findAll(By.cssSelector("table[data-testid='memory-table'] tbody tr"));
        JsonNode rankMemory = estimate.get("rankMemory");
        assertThat(memoryRows).hasSize(rankMemory.size()).hasSize(32);
        for (int r = 0; r < rankMemory.size(); r++) {
            List<WebElement> cells = memoryRows.get(r).findElements(By.tagName("td"));
            assertThat(cells.get(0).getText())
                    .isEqualTo(rankMemory.get(r).get("rank").asText());
            assertThat(cells.get(total).getText())
                    .isEqualTo(gib(rankMemory.get(r).get("totalBytes").asDouble()));
            assertThat(cells.get(capacity).getText())
                    .isEqualTo(gib(rankMemory.get(r).get("capacityBytes").asDouble()));
        }

        // The timeline: one row per pipeline stage, global batch / (dp x micro-batch) micro-batches, and its
        // forward + backward work per stage equal to the estimate's compute + recompute time.
        WebElement timeline = browser.find(By.cssSelector("[data-testid='timeline-summary']"));
        int microBatches = 64 / (dp * layout.get("microBatchSequences").asInt());
        assertThat(timeline.getAttribute("data-stages")).isEqualTo(String.valueOf(pp));
        assertThat(timeline.getAttribute("data-micro-batches")).isEqualTo(String.valueOf(microBatches));
        double perMicroBatch = Double.parseDouble(timeline.getAttribute("data-forward-seconds"))
                + Double.parseDouble(timeline.getAttribute("data-backward-seconds"));
        JsonNode breakdown = estimate.get("breakdown");
        double computeAndRecompute = breakdown.get("computeSeconds").asDouble()
                + breakdown.get("recomputeSeconds").asDouble();
        assertThat(perMicroBatch * microBatches).isCloseTo(computeAndRecompute, within(computeAndRecompute * 1e-9));
        // The simulated schedule's bubble is the textbook (p - 1)(t_f + t_b) / v (SC'21 §2.2).
        int chunks = Integer.parseInt(timeline.getAttribute("data-virtual-stages"));
        assertThat(chunks)
                .isEqualTo(
                        pp > 1 && microBatches % pp == 0
                                ? layout.get("virtualStages").asInt()
                                : 1);
        assertThat(Double.parseDouble(timeline.getAttribute("data-bubble-seconds")))
                .isCloseTo((pp - 1) * perMicroBatch / chunks, within(perMicroBatch * 1e-9));
        assertThat(browser.findAll(By.cssSelector("table[data-testid='timeline-table'] tbody tr")))
                .hasSize(pp);
        assertThat(timeline.getText())
                .contains(String.format(
                        Locale.ROOT,
                        "%.1f ms",
                        breakdown.get("pipelineBubbleSeconds").asDouble() * 1000));
        assertThat(browser.findAll(By.cssSelector("#timeline-chart canvas"))).isNotEmpty();

        // Placement grid and its table: every rank on the node and GPU the API placed it on.
        browser.find(By.xpath("//summary[starts-with(., 'Placement of all')]")).click();
        List<WebElement> placementRows =
                browser.findAll(By.cssSelector("table[data-testid='placement-table'] tbody tr"));
        JsonNode placement = result.get("placement");
        assertThat(placementRows).hasSize(placement.size());
        for (int r = 0; r < placement.size(); r += 7) {
            JsonNode rank = placement.get(r);
            assertThat(placementRows.get(r).getText())
                    .startsWith(rank.get("rank").asText() + " "
                            + rank.get("node").asText() + " " + rank.get("gpu").asText());
        }
        assertThat(browser.find(By.cssSelector("[data-testid='explanation']")).getText())
                .contains(result.get("explanation").get("summary").asText());
        // The default objective compares no GPU counts.
        assertThat(result.get("gpuCountSearch").isNull()).isTrue();
        assertThat(browser.findAll(By.cssSelector("table[data-testid='gpu-count-table']")))
                .isEmpty();

        // The hostfile as the page offers it for download is the API's artifact, byte for byte.
        String hostfile = scheduler
                .ok("GET", "/plans/" + id + "/artifacts/hostfile", null)
                .body();
        WebElement download = browser.await(By.cssSelector("a.artifact-download[data-kind='hostfile']"));
        assertThat(download.getAttribute("download")).isEqualTo("plan-" + id + "-hostfile");
        Object downloaded = browser.driver()
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));",
                        download.getAttribute("href"));
        assertThat(downloaded).isEqualTo(hostfile);
        assertThat(browser.find(By.id("artifact-deepspeed-config")).getText()).contains("zero_optimization");
        browser.screenshot("plan-detail");

        browser.go("#/plans", "plans");
        assertThat(browser.find(By.cssSelector("table[data-testid='plans-table']"))
                        .getText())
                .contains(id);
        browser.screenshot("plans");
    }

    /** A number as the page prints it ("1,234.5", "0.01707"). */
    private static double shown(String text) {
        return Double.parseDouble(text.replace(",", ""));
    }

    @Test
    void aCostPerTokenPlanShowsTheGpuCountsItCompared() {
        browser.go("#/plans/new", "new-plan");
        new Select(browser.find(By.id("plan-cluster"))).selectByValue(cluster);
        new Select(browser.find(By.id("plan-model"))).selectByValue("gpt3-1.3b");
        replace(By.id("plan-global-batch"), "64");
        // The bound and the price belong to the cost-per-token objective only.
        assertThat(browser.find(By.id("plan-gpu-hour-price")).isDisplayed()).isFalse();
        assertThat(browser.find(By.id("plan-max-iteration-seconds")).isDisplayed())
                .isFalse();
        new Select(browser.find(By.id("plan-objective"))).selectByValue("cost-per-token");
        assertThat(browser.find(By.cssSelector("label[for='plan-gpus']")).getText())
                .contains("maximum");
        assertThat(browser.find(By.id("plan-max-iteration-seconds")).isDisplayed())
                .isTrue();
        replace(By.id("plan-gpus"), "32");
        replace(By.id("plan-gpu-hour-price"), "2.5");
        replace(By.id("plan-time-limit"), "6");
        browser.screenshot("new-plan-cost-per-token");
        browser.find(By.id("plan-submit")).click();
        browser.awaitView("plan-detail");
        String id = ((String) browser.script("return window.location.hash;")).substring("#/plans/".length());

        JsonNode goal = json(scheduler.ok("GET", "/plans/" + id, null).body())
                .get("request")
                .get("goal");
        assertThat(goal.get("objective").asText()).isEqualTo("cost-per-token");
        assertThat(goal.get("gpus").asInt()).isEqualTo(32);
        assertThat(goal.get("gpuHourPrice").asDouble()).isEqualTo(2.5);
        assertThat(goal.path("maxIterationSeconds").isNull()
                        || goal.path("maxIterationSeconds").isMissingNode())
                .as("goal %s", goal)
                .isTrue();
        awaitStatus(id, "completed", Duration.ofSeconds(180));

        JsonNode search = json(scheduler.ok("GET", "/plans/" + id, null).body()).at("/result/plan/gpuCountSearch");
        assertThat(search.isObject()).as("gpuCountSearch %s", search).isTrue();
        int chosenGpus = search.get("chosenGpus").asInt();
        assertThat(chosenGpus).isBetween(1, 32);
        JsonNode candidates = search.get("candidates");

        WebElement gpuTable = browser.find(By.cssSelector("table[data-testid='gpu-count-table']"));
        List<String> headers = gpuTable.findElements(By.cssSelector("thead th")).stream()
                .map(WebElement::getText)
                .toList();
        int gpusColumn = headers.indexOf("GPUs");
        int costColumn = headers.indexOf("Cost per million tokens");
        int gpuHoursColumn = headers.indexOf("GPU-h per million tokens");
        assertThat(gpusColumn).as("headers %s", headers).isNotNegative();
        assertThat(costColumn).as("headers %s", headers).isNotNegative();
        assertThat(gpuHoursColumn).as("headers %s", headers).isNotNegative();

        List<WebElement> rows = gpuTable.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).hasSize(candidates.size());
        for (int r = 0; r < rows.size(); r++) {
            JsonNode candidate = candidates.get(r);
            List<WebElement> cells = rows.get(r).findElements(By.tagName("td"));
            assertThat(shown(cells.get(gpusColumn).getText()))
                    .isEqualTo(candidate.get("gpus").asDouble());
            JsonNode cost = candidate.get("costPerMillionTokens");
            if (cost.isNumber()) {
                assertThat(shown(cells.get(costColumn).getText()))
                        .isCloseTo(cost.asDouble(), within(cost.asDouble() * 1e-3));
                assertThat(cost.asDouble())
                        .isCloseTo(
                                candidate.get("gpuHoursPerMillionTokens").asDouble() * 2.5,
                                within(cost.asDouble() * 1e-9));
            } else {
                assertThat(cells.get(costColumn).getText()).isEqualTo("–");
            }
        }
        List<WebElement> chosenRows = gpuTable.findElements(By.cssSelector("tbody tr.chosen"));
        assertThat(chosenRows).hasSize(1);
        List<WebElement> chosenCells = chosenRows.get(0).findElements(By.tagName("td"));
        assertThat(chosenCells.get(0).getText()).isEqualTo("chosen");
        assertThat(shown(chosenCells.get(gpusColumn).getText())).isEqualTo(chosenGpus);
        assertThat(chosenCells.get(costColumn).getText()).isNotEqualTo("–");
        assertThat(browser.find(By.cssSelector("[data-testid='gpu-count-summary']"))
                        .getText())
                .startsWith(chosenGpus + " of at most 32 GPUs");
        // The rest of the page is the chosen count's plan.
        assertThat(browser.findAll(By.cssSelector("table[data-testid='placement-table'] tbody tr")))
                .hasSize(chosenGpus);
        browser.screenshot("plan-detail-cost-per-token");
    }

    @Test
    void aSolveCanBeCancelledFromItsPage() {
        // A 1,024-GPU solve with a long time limit: still running when the button is pressed.
        String id = requestPlanInTheBrowser(bigCluster, "gpt3-1.3b", 1024, 1024, 600);
        // While it runs, the page shows the search's best plan so far: its predicted time and layout.
        browser.awaitText(By.cssSelector("[data-testid='progress-status']"), "(TP ", Duration.ofSeconds(90));
        assertThat(browser.find(By.cssSelector("[data-testid='progress-status']"))
                        .getText())
                .containsPattern("best iteration time so far: [0-9.,]+ s \\(TP ");
        browser.screenshot("plan-progress-best-so-far");
        browser.await(By.cssSelector("[data-testid='cancel-plan']")).click();
        awaitStatus(id, "cancelled", Duration.ofSeconds(60));
        assertThat(json(scheduler.ok("GET", "/plans/" + id, null).body())
                        .get("status")
                        .asText())
                .isEqualTo("CANCELLED");
    }

    @Test
    void aJobReplannedFromTheDashboardShowsItsRevision() {
        String job = json(scheduler
                        .ok(
                                "POST",
                                "/jobs",
                                "{\"name\":\"nightly-ui\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                        + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":32},"
                                        + "\"options\":{\"timeLimitSeconds\":5}}")
                        .body())
                .get("id")
                .asText();
        browser.go("#/jobs", "jobs");
        browser.find(By.linkText("nightly-ui")).click();
        browser.awaitView("job-detail");
        assertThat(browser.findAll(By.cssSelector("#view .empty")).stream()
                        .map(WebElement::getText)
                        .toList())
                .satisfiesExactly(
                        measured -> assertThat(measured).contains("No measured steps yet"),
                        corrections -> assertThat(corrections).contains("No correction applies"),
                        nightly -> assertThat(nightly).contains("No re-planning has run"));
        browser.find(By.id("replan-now")).click();
        browser.awaitView("plan-detail");
        String replanned = ((String) browser.script("return window.location.hash;")).substring("#/plans/".length());
        awaitStatus(replanned, "completed", Duration.ofSeconds(180));

        browser.go("#/jobs/" + job, "job-detail");
        List<WebElement> revisions = browser.findAll(By.cssSelector("table[data-testid='revisions-table'] tbody tr"));
        JsonNode apiRevisions =
                json(scheduler.ok("GET", "/jobs/" + job + "/revisions", null).body());
        assertThat(revisions).hasSize(apiRevisions.size()).isNotEmpty();
        assertThat(revisions.get(0).getText())
                .contains(String.format(
                        Locale.ROOT,
                        "%.3f s",
                        apiRevisions.get(0).get("predictedAfterSeconds").asDouble()));
        browser.screenshot("job-detail");
        browser.go("#/jobs", "jobs");
        browser.screenshot("jobs");
    }

    @Test
    void aThousandGpuPlanPageRenders() throws IOException, InterruptedException {
        String big = bigCluster;
        String id = json(scheduler
                        .ok(
                                "POST",
                                "/plans",
                                "{\"cluster\":\"" + big
                                        + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":1024,"
                                        + "\"gpus\":1024},\"options\":{\"timeLimitSeconds\":15}}")
                        .body())
                .get("id")
                .asText();
        awaitCompletedOverTheApi(id);

        browser.go("#/plans/" + id, "plan-detail");
        long firstMillis = browser.renderMillis();
        long firstDrawMillis = browser.drawMillis();
        browser.go("#/plans", "plans");
        browser.go("#/plans/" + id, "plan-detail");
        long secondMillis = browser.renderMillis();
        long secondDrawMillis = browser.drawMillis();
        browser.find(By.xpath("//summary[starts-with(., 'Memory of all')]")).click();
        assertThat(browser.findAll(By.cssSelector("table[data-testid='memory-table'] tbody tr")))
                .hasSize(1024);
        browser.screenshot("plan-detail-1024-gpus");
        Files.createDirectories(Browser.SCREENSHOTS.getParent());
        Files.writeString(
                Browser.SCREENSHOTS.getParent().resolve("ui-render-times.txt"),
                Instant.now() + " plan-detail 1,024 ranks on 128 nodes: total (API answer + drawing) first "
                        + firstMillis + " ms, second " + secondMillis + " ms; drawing only first " + firstDrawMillis
                        + " ms, second " + secondDrawMillis + " ms\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        assertThat(secondDrawMillis)
                .as("drawing time of the 1,024-GPU plan page")
                .isLessThan(5_000);
    }

    @Test
    void anotherSequenceLengthTravelsInTheGoal() {
        browser.go("#/plans/new", "new-plan");
        new Select(browser.find(By.id("plan-cluster"))).selectByValue(cluster);
        new Select(browser.find(By.id("plan-model"))).selectByValue("gpt3-1.3b");
        assertThat(browser.find(By.id("plan-seq-len")).getAttribute("value")).isEqualTo("2048");
        replace(By.id("plan-seq-len"), "1024");
        replace(By.id("plan-global-batch"), "64");
        replace(By.id("plan-gpus"), "32");
        replace(By.id("plan-time-limit"), "5");
        browser.find(By.id("plan-submit")).click();
        browser.awaitView("plan-detail");
        String id = ((String) browser.script("return window.location.hash;")).substring("#/plans/".length());

        JsonNode plan = json(scheduler.ok("GET", "/plans/" + id, null).body());
        assertThat(plan.get("request").get("model").asText()).isEqualTo("gpt3-1.3b");
        assertThat(plan.get("request").get("goal").get("sequenceLength").asInt())
                .isEqualTo(1024);
        assertThat(scheduler.get("/models/gpt3-1.3b-seq1024").status())
                .as("no model variant is registered for another length")
                .isEqualTo(404);
        awaitStatus(id, "completed", Duration.ofSeconds(180));
        assertThat(json(scheduler.ok("GET", "/plans/" + id, null).body())
                        .at("/result/plan/problem/sequenceLength")
                        .asInt())
                .isEqualTo(1024);
    }

    @Test
    void theListSummarisesPlansAndHundredsOfMicroBatchesAreDrawnAsSpans() throws InterruptedException {
        // Micro-batch 1 on at most 8 data-parallel replicas: at least 64 micro-batches per iteration.
        String id = json(scheduler
                        .ok(
                                "POST",
                                "/plans",
                                "{\"cluster\":\"" + cluster
                                        + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":512,"
                                        + "\"gpus\":8},\"options\":{\"minMicroBatch\":1,\"maxMicroBatch\":1,"
                                        + "\"timeLimitSeconds\":5}}")
                        .body())
                .get("id")
                .asText();
        awaitCompletedOverTheApi(id);
        JsonNode plan = json(scheduler.ok("GET", "/plans/" + id, null).body());
        JsonNode layout = plan.at("/result/plan/layout");

        browser.go("#/plans", "plans");
        WebElement row = browser.find(By.xpath("//table[@data-testid='plans-table']//tr[td/a[text()='" + id + "']]"));
        String text = row.getText();
        assertThat(text)
                .contains(
                        "completed",
                        "gpt3-1.3b",
                        "TP " + layout.get("tp").asInt(),
                        "DP " + layout.get("dp").asInt())
                .contains(String.format(
                        Locale.ROOT,
                        "%.3f s",
                        plan.at("/result/plan/estimate/iterationTimeSeconds").asDouble()))
                .doesNotContain("–");

        browser.go("#/plans/" + id, "plan-detail");
        WebElement timeline = browser.find(By.id("timeline-chart"));
        int microBatches = Integer.parseInt(
                browser.find(By.cssSelector("[data-testid='timeline-summary']")).getAttribute("data-micro-batches"));
        assertThat(microBatches).isGreaterThanOrEqualTo(64);
        assertThat(timeline.getAttribute("data-aggregated")).isEqualTo("true");
        assertThat(Integer.parseInt(timeline.getAttribute("data-bars")))
                .as("spans of work, not one bar per pass")
                .isLessThan(microBatches);
        assertThat(browser.find(By.cssSelector("[data-testid='timeline-aggregated']"))
                        .getText())
                .contains(microBatches + " micro-batches");
        assertThat(browser.find(By.cssSelector("[data-testid='placement-caption']"))
                        .getText())
                .contains("rank (r)", "pipeline stage (s)")
                .doesNotContain("(tp, pp, dp) coordinates");
        assertThat(browser.find(By.cssSelector("[data-testid='timeline-summary']"))
                        .getText())
                .doesNotContain("-0.0");
    }

    private void awaitCompletedOverTheApi(String id) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(300);
        JsonNode plan = json(scheduler.get("/plans/" + id).body());
        while (!List.of("COMPLETED", "FAILED", "CANCELLED")
                        .contains(plan.get("status").asText())
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            plan = json(scheduler.get("/plans/" + id).body());
        }
        assertThat(plan.get("status").asText()).as("plan %s", plan).isEqualTo("COMPLETED");
    }

    @Test
    void numbersAndLayoutsReadTheSameEverywhere() {
        browser.go("#/plans", "plans");
        Object answers = browser.driver()
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "Promise.all([import('./assets/js/dom.js'), import('./assets/js/layout.js')])"
                        + ".then(([dom, layout]) => done(["
                        + "dom.fmt.ms(-1e-12), dom.fmt.seconds(-1e-9), dom.fmt.percent(-1e-9),"
                        + "layout.describeShortForm('tp2 pp4 dp4 cp1 sp mb1 zero1 none'),"
                        + "layout.describeShortForm('tp2 pp4 dp4 cp1 sp mb1 zero1 recompute=selective'),"
                        + "layout.describeLayout({tp: 2, pp: 4, dp: 4, cp: 1, virtualStages: 1,"
                        + " sequenceParallel: true, microBatchSequences: 1, recompute: 'SELECTIVE', zeroStage: 1}),"
                        + "layout.describeShortForm('tp2 pp4 dp4 cp1 sp ep8 etp2 dispatcher=hierarchical a2a-overlap"
                        + " mb1 zero1 recompute=none'),"
                        + "layout.describeLayout({tp: 2, pp: 4, dp: 4, cp: 1, virtualStages: 1,"
                        + " sequenceParallel: true, microBatchSequences: 1, recompute: 'none', zeroStage: 1,"
                        + " expertParallelism: {ep: 8, etp: 2, expertsPerGpu: 16, dispatcher: 'hierarchical',"
                        + " allToAllOverlap: true}})"
                        + "]), e => done(['failed: ' + e]));");
        assertThat(answers)
                .asList()
                .containsExactly(
                        "0.0 ms",
                        "0.000 s",
                        "0.0 %",
                        "TP 2 x PP 4 x DP 4, sequence parallel, micro-batch 1, no recompute, ZeRO-1",
                        "TP 2 x PP 4 x DP 4, sequence parallel, micro-batch 1, selective recompute, ZeRO-1",
                        "TP 2 x PP 4 x DP 4, sequence parallel, micro-batch 1, selective recompute, ZeRO-1",
                        "TP 2 x PP 4 x DP 4, sequence parallel, micro-batch 1, no recompute, ZeRO-1,"
                                + " EP 8 x ETP 2 (hierarchical dispatcher, all-to-all overlapped)",
                        "TP 2 x PP 4 x DP 4, sequence parallel, micro-batch 1, no recompute, ZeRO-1,"
                                + " EP 8 x ETP 2 (hierarchical dispatcher, all-to-all overlapped)");
    }

    @Test
    void aMixtureOfExpertsPlanShowsExpertsPerGpuAndTheAllToAllTime() throws InterruptedException {
        String id = json(scheduler
                        .ok(
                                "POST",
                                "/plans",
                                "{\"cluster\":\"" + cluster
                                        + "\",\"model\":\"qwen3-30b-a3b\",\"goal\":{\"globalBatchSequences\":64,"
                                        + "\"gpus\":32},\"options\":{\"timeLimitSeconds\":10}}")
                        .body())
                .get("id")
                .asText();
        awaitCompletedOverTheApi(id);
        JsonNode document =
                json(scheduler.ok("GET", "/plans/" + id, null).body()).at("/result/plan");
        JsonNode experts = document.at("/layout/expertParallelism");
        assertThat(experts.get("expertsPerGpu").asInt())
                .isEqualTo(128 / experts.get("ep").asInt());

        browser.go("#/plans/" + id, "plan-detail");

        String perGpu =
                browser.find(By.cssSelector("[data-testid='experts-per-gpu']")).getText();
        assertThat(perGpu)
                .startsWith(String.valueOf(experts.get("expertsPerGpu").asInt()));
        if (experts.get("etp").asInt() > 1) {
            assertThat(perGpu).endsWith("each split over " + experts.get("etp").asInt() + " GPUs");
        }
        assertThat(browser.find(By.cssSelector("[data-testid='moe-all-to-all']"))
                        .getText())
                .isEqualTo(String.format(
                        Locale.ROOT,
                        "%.3f s",
                        document.at("/estimate/breakdown/exposedExpertAllToAllSeconds")
                                .asDouble()));
        assertThat(browser.find(By.cssSelector("[data-testid='layout-line']")).getText())
                .contains("EP " + experts.get("ep").asInt());
        browser.screenshot("plan-detail-moe");
    }

    @Test
    void theNewPlanFormStartsFromTheServiceDefaults() {
        JsonNode defaults = json(scheduler.ok("GET", "/plans/defaults", null).body());

        browser.go("#/plans/new", "new-plan");

        assertThat(Double.parseDouble(browser.find(By.id("plan-headroom")).getAttribute("value")))
                .isEqualTo(defaults.at("/options/headroomFraction").asDouble())
                .isEqualTo(SearchOptions.defaults().headroomFraction());
        assertThat(browser.find(By.id("plan-zeropp")).isSelected())
                .isEqualTo(defaults.at("/options/allowZeroPlusPlus").asBoolean());
        assertThat(browser.find(By.id("plan-gradient-coding")).isSelected())
                .isEqualTo(defaults.at("/options/allowGradientCoding").asBoolean());
        assertThat(Double.parseDouble(browser.find(By.id("plan-ladder")).getAttribute("value")))
                .isEqualTo(defaults.at("/options/maxLadderFraction").asDouble());
        assertThat(new Select(browser.find(By.id("plan-framework")))
                        .getFirstSelectedOption()
                        .getText())
                .isEqualTo(defaults.get("framework").asText());
    }
}

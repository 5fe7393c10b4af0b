package dev.trainingplanner.api.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import dev.trainingplanner.costmodel.correction.CorrectionKind;
import dev.trainingplanner.costmodel.correction.CorrectionSet;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A job's page in real headless chromium against the running service: steps uploaded through the measurements API
 * must show on the measured-against-predicted chart (every step a point, the plan's prediction a level line), in the
 * revision table and as the flag they raise; the cluster's correction set in effect, with each factor's evidence, and
 * whether the job's plan was computed with it, must show in the corrections panel.
 */
@PlannerIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobPagesBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    Browser browser;
    Api scheduler;
    String cluster;

    @BeforeAll
    void setUp() {
        cluster = ApiTestSupport.uniqueName("job-ui");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 2, 8);
        scheduler = admin.as(tokens.scheduler());
        browser = Browser.start(port);
        browser.open("#/token", "token");
        WebElement input = browser.find(By.id("token-input"));
        input.sendKeys(tokens.viewer());
        input.submit();
        browser.await(By.xpath("//p[@id='token-status' and contains(., 'accepted by the service')]"));
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    /** A job of 16 GPUs on {@code clusterName} with one completed plan (its revision 1). */
    private PlannedJob plannedJob(Api api, String clusterName, String name) {
        String jobId = api.post(
                        "/api/v1/jobs",
                        "{\"name\":\"" + name + "\",\"cluster\":\"" + clusterName + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},"
                                + "\"options\":{\"timeLimitSeconds\":2}}")
                .json()
                .get("id")
                .asText();
        Api.Answer started = api.post("/api/v1/plans", "{\"jobId\":\"" + jobId + "\"}");
        JsonNode plan = Plans.awaitFinished(api, started.header("Location"), Duration.ofSeconds(180));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        return new PlannedJob(
                jobId, plan.at("/result/plan/estimate/iterationTimeSeconds").asDouble());
    }

    private record PlannedJob(String id, double predictedSeconds) {}

    /** Steps 0-9 (warm-up) at 3x the prediction, steps 10-29 at 1.2x: 30 steps, 20 counted, slower than plan. */
    private static void uploadSlowerThanPredicted(Api api, PlannedJob job) {
        List<String> samples = new ArrayList<>();
        for (int step = 0; step < 30; step++) {
            samples.add(String.format(
                    Locale.ROOT,
                    "{\"planRevision\":1,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":65536,"
                            + "\"timestamp\":\"%s\"}",
                    step,
                    (step < 10 ? 3 : 1.2) * job.predictedSeconds(),
                    Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step)));
        }
        Api.Answer uploaded =
                api.post("/api/v1/jobs/" + job.id() + "/measurements", "[" + String.join(",", samples) + "]");
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    }

    @Test
    void measuredStepsShowAgainstThePredictionOnTheJobPage() throws IOException {
        PlannedJob job = plannedJob(scheduler, cluster, "measured-ui");
        String jobId = job.id();
        double predicted = job.predictedSeconds();
        uploadSlowerThanPredicted(scheduler, job);

        browser.go("#/jobs/" + jobId, "job-detail");
        browser.await(By.cssSelector("#measured-chart canvas"));
        JsonNode series = JSON.readTree(
                (String)
                        browser.script(
                                "const chart = window.echarts.getInstanceByDom(document.getElementById('measured-chart'));"
                                        + " return JSON.stringify(chart.getOption().series.map(s => ({name: s.name, data: s.data})));"));
        assertThat(series).hasSize(2);
        JsonNode measured = series.get(0);
        assertThat(measured.get("name").asText()).isEqualTo("measured (revision 1)");
        assertThat(measured.get("data")).hasSize(30);
        assertThat(measured.at("/data/0/0").asLong()).isZero();
        assertThat(measured.at("/data/0/1").asDouble()).isCloseTo(3 * predicted, within(1e-9));
        assertThat(measured.at("/data/29/0").asLong()).isEqualTo(29);
        assertThat(measured.at("/data/29/1").asDouble()).isCloseTo(1.2 * predicted, within(1e-9));
        JsonNode prediction = series.get(1);
        assertThat(prediction.get("name").asText()).isEqualTo("predicted (revision 1)");
        assertThat(prediction.get("data")).hasSize(2);
        assertThat(prediction.at("/data/0/0").asLong()).isZero();
        assertThat(prediction.at("/data/1/0").asLong()).isEqualTo(29);
        assertThat(prediction.at("/data/0/1").asDouble()).isEqualTo(predicted);
        assertThat(prediction.at("/data/1/1").asDouble()).isEqualTo(predicted);

        List<WebElement> rows = browser.findAll(By.cssSelector("table[data-testid='measured-table'] tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText())
                .contains(
                        "20 of 30",
                        String.format(Locale.ROOT, "%.3f s", predicted),
                        String.format(Locale.ROOT, "%.3f s", 1.2 * predicted),
                        "20.0 %");
        assertThat(browser.find(By.cssSelector("[data-testid='measurement-flags']"))
                        .getText())
                .contains("slower than plan", "revision 1", "20.0 % slower", "threshold 10 %");
        browser.screenshot("job-detail-measured");
    }

    @Test
    void correctionsInEffectShowTheClustersFitAndWhetherThePlanUsedIt() {
        String learned = ApiTestSupport.uniqueName("job-ui-learned");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, learned, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, learned, 2, 8);
        Api learnedScheduler = admin.as(tokens.scheduler());
        // Three runs: the fitter frees a factor only from CorrectionFitter.Settings.DEFAULT.minimumRuns() runs on.
        List<PlannedJob> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(plannedJob(learnedScheduler, learned, "learned-ui-" + i));
        }
        String job = "#/jobs/" + jobs.get(0).id();
        String published = CorrectionSet.NONE.version();

        browser.go(job, "job-detail");
        By panel = By.cssSelector("[data-testid='corrections']");
        assertThat(browser.find(panel).getText())
                .contains("No correction applies: published calibration, no measured runs yet", published);
        assertThat(browser.findAll(By.cssSelector("table[data-testid='corrections-table']")))
                .isEmpty();
        By planVersion = By.cssSelector("[data-testid='corrections-plan-version']");
        assertThat(browser.find(planVersion).getText())
                .contains("latest", "The current plan was computed with this set (version " + published + ")");

        for (PlannedJob planned : jobs) {
            uploadSlowerThanPredicted(learnedScheduler, planned);
        }
        JsonNode corrections = learnedScheduler
                .get("/api/v1/clusters/" + learned + "/corrections")
                .json();
        String latest = corrections.at("/latest/version").asText();
        assertThat(latest).isNotEqualTo(published);
        JsonNode compute = null;
        for (JsonNode factor : corrections.at("/latest/factors")) {
            if (factor.get("kind").asText().equals(CorrectionKind.COMPUTE_EFFICIENCY.name())) {
                compute = factor;
            }
        }
        assertThat(compute).as(corrections.toString()).isNotNull();
        // Every run 20 % slower than predicted after warm-up: the GPUs compute slower than published.
        assertThat(compute.get("value").asDouble()).isLessThan(1);
        assertThat(compute.at("/evidence/runIds")).hasSize(3);
        assertThat(compute.at("/evidence/samples").asLong()).isEqualTo(60);

        browser.go("#/jobs", "jobs");
        browser.go(job, "job-detail");
        assertThat(browser.find(panel).getText())
                .contains("Version " + latest, "fitted", "from 3 runs (90 stored steps, warm-up included)")
                .doesNotContain("no measured runs yet");
        List<String> computeRow = null;
        for (WebElement row : browser.findAll(By.cssSelector("table[data-testid='corrections-table'] tbody tr"))) {
            List<String> cells = row.findElements(By.tagName("td")).stream()
                    .map(WebElement::getText)
                    .toList();
            if (cells.get(0).equals("compute efficiency")) {
                computeRow = cells;
            }
        }
        assertThat(computeRow)
                .as("factor, scope, value, runs, samples, evidence")
                .containsExactly(
                        "compute efficiency",
                        compute.get("scope").asText(),
                        String.format(Locale.ROOT, "%.4f", compute.get("value").asDouble()),
                        "3",
                        "60",
                        compute.at("/evidence/note").asText());
        assertThat(browser.find(planVersion).getText())
                .contains(
                        "older set",
                        "The current plan was computed with version " + published + ", not the latest " + latest);
        browser.screenshot("job-detail-corrections");
    }
}

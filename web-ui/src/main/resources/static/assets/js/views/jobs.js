// Jobs: each training job's current plan, its measured iteration time against each plan revision's prediction and the
// flags its measurements raised, the cluster's correction factors in effect, and its history of nightly re-planning (predicted time per night, what changed, flags
// for plans that no longer fit or became slower), with "re-plan now".
import { api } from '../api.js';
import { chart, colour } from '../charts.js';
import { badge, emptyState, fmt, h, humanize, table } from '../dom.js';
import {
  CORRECTION_FACTOR,
  CORRECTION_FIT,
  CORRECTIONS,
  JOB,
  KNOB_CHANGE,
  MEASURED_STEP,
  MEASUREMENT_FLAG,
  MEASUREMENTS,
  PLAN,
  REVISION,
  REVISION_PREDICTION,
  REVISION_SUMMARY,
  STARTED,
  VIOLATION,
} from '../fields.js';

// The most samples the measurements endpoint answers in one page; the chart shows the first page.
const MAX_SAMPLES = 10000;

export async function render(main, [id], ctx) {
  if (id) return renderJob(main, id, ctx);
  main.append(h('h1', {}, 'Jobs'));
  const jobs = await api.get('/jobs');
  if (!ctx.isCurrent()) return;
  if (!jobs.length) {
    main.append(emptyState('No training jobs yet. A scheduler creates one with POST /api/v1/jobs (cluster, model, training goal and options); the planner then re-plans it every night against the latest profile.'));
    return;
  }
  main.append(
    table({
      testId: 'jobs-table',
      columns: [
        { label: 'Job', value: (j) => h('a', { href: `#/jobs/${encodeURIComponent(JOB.id(j))}` }, JOB.name(j)) },
        { label: 'Cluster', value: (j) => JOB.cluster(j) },
        { label: 'Model', value: (j) => JOB.model(j) },
        { label: 'Current plan', value: (j) => planLink(JOB.currentPlanId(j)) ?? 'none yet' },
        { label: 'Flags', value: (j) => flagBadges(allFlags(j)) },
      ],
      rows: jobs,
    }),
  );
}

function planLink(planId) {
  return planId ? h('a', { href: `#/plans/${encodeURIComponent(planId)}` }, planId) : undefined;
}

/** The nightly flags and the kinds of the flags the job's measurements raised. */
function allFlags(job) {
  return [...(JOB.flags(job) || []), ...(JOB.measurementFlags(job) || []).map((f) => humanize(MEASUREMENT_FLAG.kind(f)))];
}

function flagBadges(flags) {
  if (!flags.length) return badge('ok', 'ok');
  return h('span', {}, flags.map((f) => [badge('bad', String(f).toLowerCase().replace(/[_-]/g, ' ')), ' ']));
}

async function renderJob(main, id, ctx) {
  main.append(h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')), h('h1', {}, `Job ${id}`));
  const job = await api.get(`/jobs/${encodeURIComponent(id)}`);
  if (!ctx.isCurrent()) return;
  const revisions = await api.get(`/jobs/${encodeURIComponent(id)}/revisions`);
  if (!ctx.isCurrent()) return;
  const measured = await api.get(`/jobs/${encodeURIComponent(id)}/measurements?limit=${MAX_SAMPLES}`);
  if (!ctx.isCurrent()) return;
  const current = JOB.currentPlanId(job);
  const [corrections, currentPlan] = await Promise.all([
    api.get(`/clusters/${encodeURIComponent(JOB.cluster(job))}/corrections`),
    current ? api.get(`/plans/${encodeURIComponent(current)}`) : undefined,
  ]);
  if (!ctx.isCurrent()) return;
  const replan = h('button', { type: 'button', id: 'replan-now' }, 'Re-plan now');
  const replanStatus = h('span', { role: 'status', class: 'hint' });
  replan.addEventListener('click', async () => {
    replan.disabled = true;
    try {
      const answer = await api.post(`/jobs/${encodeURIComponent(id)}/replan`, {});
      const planId = STARTED.planId(answer);
      replanStatus.textContent = 'Re-planning started.';
      if (planId) window.location.hash = `#/plans/${encodeURIComponent(planId)}`;
    } catch (e) {
      replan.disabled = false;
      ctx.showProblem(e);
    }
  });
  main.append(
    h(
      'p',
      { class: 'muted' },
      `Cluster ${JOB.cluster(job)} · model ${JOB.model(job)} · `,
      current ? ['current plan ', planLink(current)] : 'no current plan yet',
      ' ',
      flagBadges(allFlags(job)),
    ),
    h('div', { class: 'actions' }, replan, replanStatus),
  );
  renderMeasured(main, measured, ctx);
  renderCorrections(main, corrections, currentPlan);
  main.append(h('h2', {}, 'Nightly re-planning'));
  if (!revisions.length) {
    main.append(emptyState('No re-planning has run for this job yet. The nightly run (or "Re-plan now") adds a revision with what changed.'));
    return;
  }
  const rows = revisions
    .map((r) => ({
      at: REVISION.createdAt(r),
      night: REVISION.night(r),
      before: REVISION.predictedBeforeSeconds(r),
      after: REVISION.predictedAfterSeconds(r),
      changes: describeChanges(r),
      planId: REVISION.planId(r),
      flags: REVISION.flags(r),
    }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const box = h('div', { class: 'chart short', id: 'revisions-chart' });
  main.append(box);
  chart(
    box,
    {
      tooltip: { trigger: 'axis' },
      legend: { data: ['current plan', 'new best'] },
      grid: { left: 60, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: 'iteration (s)', scale: true },
      series: [
        { name: 'current plan', type: 'line', data: rows.filter((r) => r.before !== undefined).map((r) => [r.at, r.before]) },
        { name: 'new best', type: 'line', data: rows.filter((r) => r.after !== undefined).map((r) => [r.at, r.after]) },
      ],
    },
    ctx,
    { label: 'Predicted iteration time per night; the table below lists every revision.' },
  );
  main.append(
    table({
      testId: 'revisions-table',
      rowClass: (r) => (r.flags.length ? 'degraded' : null),
      columns: [
        { label: 'Night', value: (r) => r.night || fmt.instant(r.at) },
        { label: 'Ran at', value: (r) => fmt.instant(r.at) },
        { label: 'Current plan', num: true, value: (r) => fmt.seconds(r.before) },
        { label: 'New best', num: true, value: (r) => fmt.seconds(r.after) },
        { label: 'Change', num: true, value: (r) => (r.before && r.after ? `${((r.after / r.before - 1) * 100).toFixed(1)} %` : '–') },
        { label: 'What changed', value: (r) => r.changes },
        { label: 'Flags', value: (r) => flagBadges(r.flags) },
        { label: 'Plan', value: (r) => planLink(r.planId) },
      ],
      rows,
    }),
  );
}

/**
 * Measured iteration time over steps against each revision's predicted time (a level line over the steps the revision
 * ran), the per-revision summary table, and the flags the measurements raised.
 */
function renderMeasured(main, measured, ctx) {
  main.append(h('h2', {}, 'Measured against predicted'));
  const summaries = MEASUREMENTS.summaries(measured) || [];
  if (!summaries.length) {
    main.append(emptyState('No measured steps yet. The profiler agent\'s watch mode (or a scheduler) uploads them with POST /api/v1/jobs/{id}/measurements; each is compared with the prediction of the plan revision that ran it.'));
    return;
  }
  const predicted = new Map((MEASUREMENTS.predictions(measured) || []).map((p) => [REVISION_PREDICTION.planRevision(p), REVISION_PREDICTION.predictedIterationSeconds(p)]));
  const samples = MEASUREMENTS.samples(measured) || [];
  const series = summaries.flatMap((summary, index) => {
    const revision = REVISION_SUMMARY.planRevision(summary);
    const points = samples
      .filter((s) => MEASURED_STEP.planRevision(s) === revision)
      .map((s) => [MEASURED_STEP.step(s), MEASURED_STEP.iterationSeconds(s)]);
    const prediction = predicted.get(revision);
    const line = [
      { name: `measured (revision ${revision})`, type: 'line', showSymbol: true, symbolSize: 4, color: colour(2 * index), data: points },
    ];
    if (prediction !== undefined) {
      line.push({
        name: `predicted (revision ${revision})`,
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        color: colour(2 * index + 1),
        data: [[REVISION_SUMMARY.firstStep(summary), prediction], [REVISION_SUMMARY.lastStep(summary), prediction]],
      });
    }
    return line;
  });
  const box = h('div', { class: 'chart short', id: 'measured-chart' });
  main.append(box);
  chart(
    box,
    {
      tooltip: { trigger: 'axis' },
      legend: { data: series.map((s) => s.name) },
      grid: { left: 60, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'value', name: 'step', scale: true },
      yAxis: { type: 'value', name: 'iteration (s)', scale: true },
      series,
    },
    ctx,
    { label: 'Measured iteration time per step against each plan revision\'s prediction; the table below summarises every revision.' },
  );
  const total = MEASUREMENTS.total(measured);
  if (MEASUREMENTS.more(measured)) {
    main.append(h('p', { class: 'hint' }, `The chart shows the first ${samples.length} of ${total} steps.`));
  }
  main.append(
    table({
      testId: 'measured-table',
      columns: [
        { label: 'Revision', num: true, value: (s) => REVISION_SUMMARY.planRevision(s) },
        { label: 'Steps', num: true, value: (s) => `${REVISION_SUMMARY.firstStep(s)}–${REVISION_SUMMARY.lastStep(s)}` },
        { label: 'Counted', num: true, value: (s) => `${REVISION_SUMMARY.counted(s)} of ${REVISION_SUMMARY.samples(s)}` },
        { label: 'Predicted', num: true, value: (s) => fmt.seconds(predicted.get(REVISION_SUMMARY.planRevision(s))) },
        { label: 'Median', num: true, value: (s) => fmt.seconds(REVISION_SUMMARY.medianIterationSeconds(s)) },
        { label: 'p95', num: true, value: (s) => fmt.seconds(REVISION_SUMMARY.p95IterationSeconds(s)) },
        { label: 'Median vs predicted', num: true, value: (s) => relative(REVISION_SUMMARY.medianIterationSeconds(s), predicted.get(REVISION_SUMMARY.planRevision(s))) },
        { label: 'Peak memory', num: true, value: (s) => fmt.gib(REVISION_SUMMARY.peakMemoryBytes(s)) },
      ],
      rows: summaries,
    }),
    h('p', { class: 'hint' }, `The first ${MEASUREMENTS.warmupSteps(measured)} steps of each revision are warm-up and left out of its statistics.`),
  );
  const flags = MEASUREMENTS.flags(measured) || [];
  main.append(
    h('h3', {}, 'Flags from measurements'),
    flags.length
      ? h('ul', { 'data-testid': 'measurement-flags' }, flags.map((f) => h('li', {}, badge('bad', humanize(MEASUREMENT_FLAG.kind(f))), ' ', describeFlag(f))))
      : h('p', { 'data-testid': 'measurement-flags' }, badge('ok', 'ok'), ' The latest revision runs within its plan\'s time and memory.'),
  );
}

/**
 * The cluster's correction set that plans and estimates use now: each factor with its value, scope and evidence, and
 * whether the job's current plan was computed with this set (a plan records the version it used).
 */
function renderCorrections(main, corrections, currentPlan) {
  main.append(h('h2', {}, 'Corrections in effect'));
  const version = CORRECTIONS.version(corrections);
  const factors = CORRECTIONS.factors(corrections) || [];
  const fit = (CORRECTIONS.fits(corrections) || []).find((f) => CORRECTION_FIT.version(f) === version);
  const section = h('div', { 'data-testid': 'corrections' });
  main.append(section);
  if (!factors.length) {
    section.append(emptyState(`No correction applies: published calibration, no measured runs yet (version ${version}). Steps uploaded for the cluster's jobs correct it once a plan revision has steps past warm-up.`));
  } else {
    section.append(
      h(
        'p',
        { class: 'muted' },
        `Version ${version}`,
        fit ? `, fitted ${fmt.instant(CORRECTION_FIT.fittedAt(fit))} from ${plural(CORRECTION_FIT.runs(fit), 'run')} (${fmt.integer(CORRECTION_FIT.measuredSamples(fit))} stored steps, warm-up included)` : '',
        '. Each value multiplies what the published calibration gives for its factor (1: unchanged).',
      ),
      table({
        testId: 'corrections-table',
        columns: [
          { label: 'Factor', value: (f) => humanize(CORRECTION_FACTOR.kind(f)) },
          { label: 'Scope', value: (f) => CORRECTION_FACTOR.scope(f) || 'whole cluster' },
          { label: 'Value', num: true, value: (f) => fmt.number(CORRECTION_FACTOR.value(f), 4) },
          { label: 'Runs', num: true, value: (f) => (CORRECTION_FACTOR.runIds(f) || []).length },
          { label: 'Samples', num: true, value: (f) => fmt.integer(CORRECTION_FACTOR.samples(f)) },
          { label: 'Evidence', value: (f) => CORRECTION_FACTOR.note(f) },
        ],
        rows: factors,
      }),
    );
  }
  section.append(h('p', { 'data-testid': 'corrections-plan-version' }, planVersion(currentPlan, version)));
}

function planVersion(plan, latest) {
  if (!plan) return 'The job has no current plan yet.';
  const used = PLAN.correctionVersion(plan);
  if (used === undefined) return 'The current plan was computed before plans recorded their correction version.';
  if (used === latest) return [badge('ok', 'latest'), ` The current plan was computed with this set (version ${used}).`];
  return [badge('warn', 'older set'), ` The current plan was computed with version ${used}, not the latest ${latest}; a re-plan uses the latest.`];
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function relative(measured, predicted) {
  return measured !== undefined && predicted ? fmt.percent(measured / predicted - 1) : '–';
}

function describeFlag(f) {
  const revision = `revision ${MEASUREMENT_FLAG.planRevision(f)}`;
  if (MEASUREMENT_FLAG.rank(f) !== undefined) {
    return `${revision}: rank ${MEASUREMENT_FLAG.rank(f)} peaked at ${fmt.gib(MEASUREMENT_FLAG.peakMemoryBytes(f))} of ${fmt.gib(MEASUREMENT_FLAG.capacityBytes(f))}, above the plan's limit of ${fmt.gib(MEASUREMENT_FLAG.limitBytes(f))} (raised ${fmt.instant(MEASUREMENT_FLAG.raisedAt(f))})`;
  }
  return `${revision}: median ${fmt.seconds(MEASUREMENT_FLAG.medianIterationSeconds(f))} against ${fmt.seconds(MEASUREMENT_FLAG.predictedIterationSeconds(f))} predicted, ${fmt.percent(MEASUREMENT_FLAG.slowdownFraction(f))} slower (threshold ${fmt.percent(MEASUREMENT_FLAG.thresholdFraction(f), 0)}; raised ${fmt.instant(MEASUREMENT_FLAG.raisedAt(f))})`;
}

function describeChanges(r) {
  const parts = (REVISION.layoutChanges(r) || []).map((k) => `${KNOB_CHANGE.knob(k)}: ${KNOB_CHANGE.before(k)} → ${KNOB_CHANGE.after(k)}`);
  const moved = REVISION.movedRanks(r);
  if (moved !== undefined) parts.push(`${moved} rank${moved === 1 ? '' : 's'} moved`);
  const problem = REVISION.currentPlanProblem(r);
  if (problem) parts.push(`current plan: ${problem}`);
  const violations = REVISION.currentPlanViolations(r) || [];
  if (violations.length) parts.push(`current plan: ${violations.map(VIOLATION.reason).join('; ')}`);
  const failure = REVISION.newPlanFailure(r);
  if (failure) parts.push(`new plan failed: ${failure}`);
  const note = REVISION.note(r);
  if (note) parts.push(note);
  return parts.length ? parts.join('; ') : 'no change';
}

// Plan detail: status and live progress while solving; when a plan exists, its layout in one line, predictions,
// the comparison of GPU counts (objective cost per token), iteration-time breakdown, per-rank memory against capacity, pipeline timeline, placement grid, explanation,
// alternatives and launch artifacts.
import { api, request } from '../api.js';
import { chart, colour } from '../charts.js';
import { badge, emptyState, fmt, h, humanize, table, textEquivalent } from '../dom.js';
import { ALTERNATIVE, ESTIMATE, GPU_COUNT, LAYOUT, PLAN, PLAN_DOCUMENT, RANK_PLACEMENT, readAll, SEARCH_BEST } from '../fields.js';
import { degrees, describeLayout, describeShortForm } from '../layout.js';
import { busySpans, oneFOneB } from '../pipeline.js';
import { breakdownOf, breakdownValue, explanationGroups, gpuCountSearchOf, isFinished, rankMemory, resultOf, statusOf } from '../plan-model.js';

const POLL_MILLIS = 1000;
/** Above this many micro-batches the timeline draws spans of work instead of one bar per pass. */
const AGGREGATE_ABOVE = 32;
export const ARTIFACT_KINDS = ['megatron-args', 'deepspeed-config', 'hostfile', 'rank-map'];

export async function render(main, [id], ctx) {
  const plan = await api.get(`/plans/${encodeURIComponent(id)}`);
  ctx.dataArrived();
  if (!ctx.isCurrent()) return;
  const status = statusOf(plan);
  main.append(
    h('p', {}, h('a', { href: '#/plans' }, '← All plans')),
    h('h1', {}, `Plan ${id} `, statusBadge(status)),
    context(plan),
  );
  if (!isFinished(plan)) {
    main.append(progressSection(plan, id, ctx));
  }
  const result = resultOf(plan);
  if (!result) {
    const reason = PLAN.failureReason(plan);
    main.append(
      isFinished(plan)
        ? emptyState(`This plan has no result${reason ? `: ${reason}` : '.'} Adjust the request (more GPUs, smaller batch, more headroom) and submit a new plan.`, h('a', { href: '#/plans/new' }, 'New plan'))
        : emptyState(
          PLAN.bestSoFar(plan)
            ? 'The search has a plan (its layout and predicted time are above); placement, memory and timeline appear here when the solve ends.'
            : 'No feasible plan found yet; the best plan so far appears above as soon as the solver has one.',
        ),
    );
    if (reason && isFinished(plan)) main.append(h('p', { 'data-testid': 'failure-reason' }, reason));
    return;
  }
  renderResult(main, plan, result, ctx);
}

const STATUS_BADGE = { QUEUED: 'info', SOLVING: 'info', COMPLETED: 'ok', FAILED: 'bad', CANCELLED: 'warn' };

function statusBadge(status) {
  const kind = STATUS_BADGE[status] || 'info';
  return h('span', { 'data-testid': 'plan-status' }, badge(kind, status.toLowerCase()));
}

function context(plan) {
  const document = PLAN.document(plan);
  const cluster = PLAN.cluster(plan);
  const model = PLAN.model(plan);
  const gpus = PLAN.gpus(plan);
  const costPerToken = PLAN.objective(plan) === 'cost-per-token';
  const batch = PLAN.globalBatchSequences(plan);
  const sequenceLength = PLAN_DOCUMENT.sequenceLength(document);
  const framework = PLAN.framework(plan) ?? PLAN_DOCUMENT.framework(document);
  const jobId = PLAN.jobId(plan);
  const purpose = PLAN.purpose(plan);
  return h(
    'p',
    { class: 'muted', 'data-testid': 'plan-context' },
    ['Cluster ', h('a', { href: `#/clusters/${encodeURIComponent(cluster)}` }, cluster)],
    model ? ` · model ${model}` : null,
    gpus ? (costPerToken ? ` · up to ${gpus} GPUs, lowest cost per token` : ` · ${gpus} GPUs`) : null,
    batch ? ` · global batch ${batch} sequences` : null,
    sequenceLength ? ` · sequence ${sequenceLength} tokens` : null,
    framework ? ` · ${framework}` : null,
    jobId ? [' · job ', h('a', { href: `#/jobs/${encodeURIComponent(jobId)}` }, jobId)] : null,
    purpose && purpose !== 'request' ? ` · ${purpose}` : null,
  );
}

/** Live progress: polls the plan every second and plots its progress and best predicted time since the page opened. */
function progressSection(plan, id, ctx) {
  const section = h('section', { class: 'panel', 'aria-labelledby': 'progress-heading' }, h('h2', { id: 'progress-heading' }, 'Solving'));
  const statusLine = h('p', { class: 'progress-status', role: 'status', 'data-testid': 'progress-status' });
  const bar = h('progress', { max: 100, value: 0, id: 'plan-progress', 'aria-label': 'Solve progress' });
  const box = h('div', { class: 'chart short', id: 'progress-chart' });
  const cancel = h('button', { type: 'button', class: 'danger', 'data-testid': 'cancel-plan' }, 'Cancel solve');
  section.append(statusLine, bar, box, h('div', { class: 'actions' }, cancel));
  const points = [];
  const opened = Date.now();
  let instance = null;
  const update = (current) => {
    // While solving, bestSoFar is the search's best placement (layout in short form and predicted time).
    const searching = PLAN.bestSoFar(current);
    const best = SEARCH_BEST.predictedIterationSeconds(searching);
    const fraction = PLAN.progress(current) ?? 0;
    points.push({ elapsedSeconds: (Date.now() - opened) / 1000, progress: fraction, bestSeconds: best });
    bar.value = Math.round(fraction * 100);
    statusLine.textContent = `${statusOf(current).toLowerCase()}, ${Math.round(fraction * 100)} % of the time limit; best iteration time so far: ${best !== undefined ? fmt.seconds(best) : 'none yet'}${searching ? ` (${describeShortForm(SEARCH_BEST.layout(searching))})` : ''}`;
    const option = {
      grid: { left: 60, right: 60, top: 30, bottom: 40 },
      tooltip: { trigger: 'axis' },
      legend: { data: ['progress', 'best iteration time'] },
      xAxis: { type: 'value', name: 's on this page' },
      yAxis: [
        { type: 'value', name: '%', min: 0, max: 100 },
        { type: 'value', name: 's', scale: true },
      ],
      series: [
        { name: 'progress', type: 'line', showSymbol: false, data: points.map((p) => [p.elapsedSeconds, p.progress * 100]) },
        { name: 'best iteration time', type: 'line', step: 'end', yAxisIndex: 1, data: points.filter((p) => p.bestSeconds !== undefined).map((p) => [p.elapsedSeconds, p.bestSeconds]) },
      ],
    };
    if (!instance) instance = chart(box, option, ctx, { label: 'Solve progress and best predicted iteration time over time; the status line above gives the latest values.' });
    else instance.setOption(option);
  };
  update(plan);
  let timer = null;
  const poll = async () => {
    if (!ctx.isCurrent()) return;
    try {
      const current = await api.get(`/plans/${encodeURIComponent(id)}`);
      if (!ctx.isCurrent()) return;
      if (isFinished(current)) {
        window.dispatchEvent(new HashChangeEvent('hashchange'));
        return;
      }
      update(current);
    } catch (e) {
      ctx.showProblem(e);
    }
    timer = setTimeout(poll, POLL_MILLIS);
  };
  timer = setTimeout(poll, POLL_MILLIS);
  ctx.onCleanup(() => clearTimeout(timer));
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await api.delete(`/plans/${encodeURIComponent(id)}`);
      clearTimeout(timer);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) {
      cancel.disabled = false;
      ctx.showProblem(e);
    }
  });
  return section;
}

function renderResult(main, plan, result, ctx) {
  const estimate = PLAN_DOCUMENT.estimate(result);
  const layout = PLAN_DOCUMENT.layout(result);
  const placement = (PLAN_DOCUMENT.placement(result) || []).map((r) => readAll(RANK_PLACEMENT, r));
  const gpuTotal = placement.length;
  const perGpu = ESTIMATE.tokensPerSecondPerGpu(estimate);
  main.append(h('p', { class: 'layout-line', 'data-testid': 'layout-line' }, describeLayout(layout)));
  main.append(
    h(
      'dl',
      { class: 'kpis' },
      kpi('Iteration time', fmt.seconds(ESTIMATE.iterationTimeSeconds(estimate)), 'iteration-time'),
      kpi('Tokens/s (all GPUs)', perGpu !== undefined && gpuTotal ? fmt.integer(perGpu * gpuTotal) : '–', 'tokens-per-second'),
      kpi('Tokens/s per GPU', fmt.integer(perGpu), 'tokens-per-second-per-gpu'),
      kpi('MFU', fmt.percent(ESTIMATE.mfu(estimate)), 'mfu'),
      kpi('Peak memory', fmt.gib(ESTIMATE.peakMemoryBytes(estimate)), 'peak-memory'),
      ...expertKpis(layout, estimate),
    ),
  );
  const search = gpuCountSearchOf(plan);
  if (search) main.append(gpuCountSection(search));
  main.append(breakdownSection(estimate, ctx));
  main.append(memorySection(estimate, plan, ctx));
  main.append(timelineSection(plan, result, estimate, ctx));
  main.append(placementSection(placement, ctx));
  main.append(explanationSection(result));
  main.append(alternativesSection(result, estimate));
  main.append(artifactsSection(plan, ctx));
}

/**
 * For a mixture-of-experts plan: the routed experts each GPU holds (each split over etp GPUs when etp > 1) and the MoE
 * all-to-all time left exposed per iteration (the estimate's exposedExpertAllToAllSeconds). Nothing for a dense plan.
 */
function expertKpis(layout, estimate) {
  const perGpu = LAYOUT.expertsPerGpu(layout);
  if (perGpu === undefined) return [];
  const etp = LAYOUT.etp(layout) ?? 1;
  const experts = `${fmt.integer(perGpu)}${etp > 1 ? `, each split over ${etp} GPUs` : ''}`;
  const allToAll = breakdownValue(breakdownOf(estimate), 'exposedExpertAllToAllSeconds');
  return [
    kpi('Experts per GPU', experts, 'experts-per-gpu'),
    kpi('MoE all-to-all', allToAll === undefined ? '–' : fmt.seconds(allToAll), 'moe-all-to-all'),
  ];
}

function kpi(label, value, testId) {
  return h('div', {}, h('dt', {}, label), h('dd', { 'data-testid': testId }, value));
}

/** Four significant digits without exponent: GPU-hours and costs per million tokens span many magnitudes. */
function significant(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US', { maximumSignificantDigits: 4 }) : '–';
}

/** Objective cost per token: every GPU count compared, the chosen one marked. */
function gpuCountSection(search) {
  const section = h('section', { 'aria-labelledby': 'gpu-count-heading' }, h('h2', { id: 'gpu-count-heading' }, 'GPU count (cost per token)'));
  const priced = typeof search.gpuHourPrice === 'number';
  const bound = typeof search.maxIterationSeconds === 'number' ? search.maxIterationSeconds : null;
  const chosenGpus = Number(search.chosenGpus) || 0;
  const chosen = search.candidates.find((c) => chosenGpus > 0 && Number(GPU_COUNT.gpus(c)) === chosenGpus);
  const searched = search.candidates.filter((c) => GPU_COUNT.searched(c)).length;
  const boundText = bound !== null ? `, iteration at most ${fmt.seconds(bound)}` : '';
  let summary;
  if (chosenGpus > 0) {
    summary = `${chosenGpus} of at most ${search.maxGpus} GPUs${boundText}: the fewest GPU-hours per trained token` +
      (chosen ? ` (${significant(GPU_COUNT.gpuHoursPerMillionTokens(chosen))} GPU-h per million tokens${priced ? `, cost ${significant(GPU_COUNT.costPerMillionTokens(chosen))} per million tokens at ${significant(search.gpuHourPrice)} per GPU-hour` : ''})` : '') +
      '.';
  } else {
    summary = `No GPU count up to ${search.maxGpus} GPUs has a plan${bound !== null ? ` within the ${fmt.seconds(bound)} iteration-time bound` : ''}.`;
  }
  section.append(
    h('p', { 'data-testid': 'gpu-count-summary', 'data-chosen-gpus': chosenGpus, 'data-max-gpus': search.maxGpus }, summary),
    h('p', { class: 'hint' }, `${search.candidates.length} GPU counts screened; the full placement search ran on ${searched} of them (those with the lowest screened cost within the bound).`),
  );
  if (!search.candidates.length) return section;
  section.append(
    table({
      testId: 'gpu-count-table',
      rowClass: (c) => (chosenGpus > 0 && Number(GPU_COUNT.gpus(c)) === chosenGpus ? 'chosen' : null),
      columns: [
        { label: '', value: (c) => (chosenGpus > 0 && Number(GPU_COUNT.gpus(c)) === chosenGpus ? badge('ok', 'chosen') : '') },
        { label: 'GPUs', num: true, value: (c) => fmt.integer(GPU_COUNT.gpus(c)) },
        { label: 'Layout', value: (c) => (GPU_COUNT.layout(c) ? describeShortForm(GPU_COUNT.layout(c)) : '–') },
        { label: 'Iteration time', num: true, value: (c) => fmt.seconds(GPU_COUNT.iterationTimeSeconds(c)) },
        { label: 'GPU-h per million tokens', num: true, value: (c) => significant(GPU_COUNT.gpuHoursPerMillionTokens(c)) },
        ...(priced ? [{ label: 'Cost per million tokens', num: true, value: (c) => significant(GPU_COUNT.costPerMillionTokens(c)) }] : []),
        { label: 'Planned by', value: (c) => (GPU_COUNT.searched(c) ? 'full search' : 'screening only') },
        { label: 'Note', value: (c) => GPU_COUNT.note(c) || '' },
      ],
      rows: search.candidates,
    }),
  );
  return section;
}

function breakdownSection(estimate, ctx) {
  const parts = breakdownOf(estimate);
  const section = h('section', { 'aria-labelledby': 'breakdown-heading' }, h('h2', { id: 'breakdown-heading' }, 'Iteration-time breakdown'));
  if (!parts.length) {
    section.append(emptyState('The estimate has no breakdown.'));
    return section;
  }
  const box = h('div', { class: 'chart short', id: 'breakdown-chart' });
  section.append(box);
  const labels = parts.map(([k]) => humanize(k));
  chart(
    box,
    {
      grid: { left: 190, right: 60, top: 10, bottom: 30 },
      tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${fmt.ms(parts[p.dataIndex][1])}` },
      xAxis: { type: 'value', name: 'ms' },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: [{ type: 'bar', data: parts.map(([, v], i) => ({ value: v * 1000, itemStyle: { color: colour(i) } })), label: { show: true, position: 'right', formatter: (p) => fmt.ms(parts[p.dataIndex][1]) } }],
    },
    ctx,
    { label: 'Iteration-time breakdown; the table next to it lists every part.' },
  );
  section.append(
    table({
      testId: 'breakdown-table',
      columns: [
        { label: 'Part', value: (r) => humanize(r[0]) },
        { label: 'Time', num: true, value: (r) => fmt.ms(r[1]) },
      ],
      rows: parts,
    }),
  );
  return section;
}

function headroomOf(plan) {
  return PLAN_DOCUMENT.headroomFraction(PLAN.document(plan)) ?? PLAN.headroomFraction(plan) ?? 0;
}

function memorySection(estimate, plan, ctx) {
  const memory = rankMemory(estimate);
  const section = h('section', { 'aria-labelledby': 'memory-heading' }, h('h2', { id: 'memory-heading' }, 'Memory per rank'));
  if (!memory.ranks.length) {
    section.append(emptyState('The estimate lists no per-rank memory.'));
    return section;
  }
  const headroom = headroomOf(plan);
  section.append(h('p', { class: 'hint' }, `Stacked memory of each rank against its GPU's capacity (line) and the usable limit after ${fmt.percent(headroom, 0)} headroom (dashed).`));
  const box = h('div', { class: 'chart', id: 'memory-chart' });
  section.append(box);
  const categories = memory.ranks.map((r) => String(r.rank));
  const series = memory.components.map((component, c) => ({
    name: humanize(component),
    type: 'bar',
    stack: 'memory',
    barCategoryGap: '10%',
    large: memory.ranks.length > 256,
    itemStyle: { color: colour(c) },
    data: memory.ranks.map((r) => fmt.gibNumber(r.parts[c])),
  }));
  if (memory.ranks.some((r) => typeof r.capacityBytes === 'number')) {
    series.push({ name: 'capacity', type: 'line', step: 'middle', symbol: 'none', lineStyle: { color: '#b3261e', width: 2 }, data: memory.ranks.map((r) => fmt.gibNumber(r.capacityBytes)) });
    series.push({ name: 'usable (after headroom)', type: 'line', step: 'middle', symbol: 'none', lineStyle: { color: '#b3261e', type: 'dashed' }, data: memory.ranks.map((r) => fmt.gibNumber(r.capacityBytes * (1 - headroom))) });
  }
  chart(
    box,
    {
      grid: { left: 60, right: 20, top: 50, bottom: 50 },
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: categories, name: 'rank' },
      yAxis: { type: 'value', name: 'GiB' },
      dataZoom: memory.ranks.length > 64 ? [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 5 }] : [],
      series,
    },
    ctx,
    { label: `Memory of ${memory.ranks.length} ranks against GPU capacity; the table below lists every rank.` },
  );
  const rows = memory.ranks;
  section.append(
    textEquivalent(
      `Memory of all ${rows.length} ranks as a table`,
      h(
        'div',
        { class: 'table-scroll' },
        table({
          testId: 'memory-table',
          rowClass: (r) => (r.capacityBytes && r.totalBytes > r.capacityBytes * (1 - headroom) ? 'degraded' : null),
          columns: [
            { label: 'Rank', num: true, value: (r) => r.rank },
            ...memory.components.map((component, c) => ({ label: `${humanize(component)} (GiB)`, num: true, value: (r) => fmt.number(r.parts[c] / 1024 ** 3, 2) })),
            { label: 'Total (GiB)', num: true, value: (r) => fmt.number(r.totalBytes / 1024 ** 3, 2) },
            { label: 'Capacity (GiB)', num: true, value: (r) => (typeof r.capacityBytes === 'number' ? fmt.number(r.capacityBytes / 1024 ** 3, 2) : '–') },
            { label: 'Used of capacity', num: true, value: (r) => (r.capacityBytes ? fmt.percent(r.totalBytes / r.capacityBytes) : '–') },
          ],
          rows,
        }),
      ),
    ),
  );
  return section;
}

/** Micro-batches per iteration: the global batch over the data-parallel replicas' micro-batches. */
function microBatchesOf(result, layout) {
  const global = PLAN_DOCUMENT.globalBatchSequences(result);
  const micro = LAYOUT.microBatchSequences(layout) ?? 1;
  return global ? Math.max(1, Math.round(global / (degrees(layout).dp * micro))) : undefined;
}

function timelineSection(plan, result, estimate, ctx) {
  const layout = PLAN_DOCUMENT.layout(result);
  const d = degrees(layout);
  const parts = breakdownOf(estimate);
  const section = h('section', { 'aria-labelledby': 'timeline-heading' }, h('h2', { id: 'timeline-heading' }, 'Pipeline timeline'));
  const m = microBatchesOf(result, layout);
  const computeTotal = breakdownValue(parts, 'computeSeconds');
  // One compute figure for forward and backward: a backward pass costs two forward passes (activation and weight
  // gradients; Narayanan et al., SC'21 §3.2), so a third of it is forward.
  const forwardTotal = computeTotal / 3;
  const backwardTotal = (computeTotal * 2) / 3;
  const recomputeTotal = breakdownValue(parts, 'recomputeSeconds') || 0;
  if (!m || computeTotal === undefined) {
    section.append(emptyState('The timeline needs the number of micro-batches and the compute time per iteration, which this estimate does not give.'));
    return section;
  }
  // The breakdown's compute times are per iteration on one stage: m micro-batches each.
  const forwardSeconds = forwardTotal / m;
  const backwardSeconds = (backwardTotal + recomputeTotal) / m;
  const schedule = oneFOneB({ stages: d.pp, microBatches: m, forwardSeconds, backwardSeconds, virtualStages: d.vpp });
  const apiBubble = breakdownValue(parts, 'pipelineBubbleSeconds');
  section.append(
    h(
      'p',
      { 'data-testid': 'timeline-summary', 'data-bubble-seconds': schedule.bubbleSeconds, 'data-forward-seconds': forwardSeconds, 'data-backward-seconds': backwardSeconds, 'data-micro-batches': m, 'data-stages': d.pp, 'data-virtual-stages': schedule.virtualStages },
      `${d.pp} stage${d.pp === 1 ? '' : 's'} × ${m} micro-batches, ${schedule.interleaved ? `interleaved 1F1B with ${schedule.virtualStages} chunks per stage` : '1F1B'}: ` +
        `forward ${fmt.ms(forwardSeconds)} and backward ${fmt.ms(backwardSeconds)} per micro-batch and stage. ` +
        `Compute span ${fmt.ms(schedule.makespanSeconds)}, of which bubble ${fmt.ms(schedule.bubbleSeconds)} per stage` +
        (apiBubble !== undefined ? `; the estimate's pipeline bubble, which also holds the stages' differences and exposed communication, is ${fmt.ms(apiBubble)}.` : '.') +
        (d.vpp > 1 && !schedule.interleaved ? ` VPP ${d.vpp} needs the micro-batch count to be a multiple of the stage count to interleave; the chart shows the non-interleaved schedule.` : ''),
    ),
  );
  const box = h('div', { class: d.pp > 8 ? 'chart tall' : 'chart', id: 'timeline-chart' });
  section.append(box);
  const stageNames = Array.from({ length: d.pp }, (_, s) => `stage ${s}`);
  // Forward blue, backward orange; later model chunks of an interleaved stage in lighter shades.
  const shade = (kind, chunk) => (kind === 'F' ? ['#0072B2', '#56B4E9', '#8fcbef', '#bfe0f5'] : ['#E69F00', '#f0c04d', '#f5d688', '#f9e6b8'])[Math.min(chunk, 3)];
  // Beyond AGGREGATE_ABOVE micro-batches each stage's back-to-back work is one span (forward and backward together).
  const aggregated = m > AGGREGATE_ABOVE;
  const data = aggregated
    ? busySpans(schedule.ops).map((span) => ({ value: [span.stage, span.start * 1000, span.end * 1000, span.forwards, span.backwards], itemStyle: { color: '#5b7fa6' }, kind: 'span' }))
    : schedule.ops.map((op) => ({ value: [op.stage, op.start * 1000, op.end * 1000, op.micro, op.chunk], itemStyle: { color: shade(op.kind, op.chunk) }, kind: op.kind }));
  box.dataset.aggregated = String(aggregated);
  box.dataset.bars = String(data.length);
  if (aggregated) section.append(h('p', { class: 'hint', 'data-testid': 'timeline-aggregated' }, `${m} micro-batches are too many to draw one by one: each bar is a stage's back-to-back forward and backward passes, and the gaps between bars are the bubble.`));
  const showLabels = !aggregated && m <= 16 && d.pp <= 16;
  chart(
    box,
    {
      tooltip: {
        formatter: (p) => (p.data.kind === 'span'
          ? `stage ${p.value[0]} busy ${p.value[1].toFixed(1)}–${p.value[2].toFixed(1)} ms: ${p.value[3]} forward and ${p.value[4]} backward passes back to back`
          : `${p.data.kind === 'F' ? 'forward' : 'backward'} of micro-batch ${p.value[3]}${schedule.interleaved ? `, chunk ${p.value[4]}` : ''} on stage ${p.value[0]}: ${p.value[1].toFixed(1)}–${p.value[2].toFixed(1)} ms`),
      },
      grid: { left: 70, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'value', name: 'ms', min: 0 },
      yAxis: { type: 'category', data: stageNames, inverse: true },
      series: [
        {
          type: 'custom',
          renderItem: (params, api) => {
            const stage = api.value(0);
            const start = api.coord([api.value(1), stage]);
            const end = api.coord([api.value(2), stage]);
            const height = api.size([0, 1])[1] * 0.7;
            const rect = { x: start[0], y: start[1] - height / 2, width: Math.max(1, end[0] - start[0]), height };
            return {
              type: 'rect',
              shape: rect,
              style: { fill: api.visual('color'), stroke: '#fff', lineWidth: 0.5, text: showLabels && rect.width > 14 ? String(api.value(3)) : '', textFill: '#fff', fontSize: 10 },
            };
          },
          encode: { x: [1, 2], y: 0 },
          data,
        },
      ],
    },
    ctx,
    {
      label: aggregated
        ? `Pipeline timeline of ${d.pp} stages and ${m} micro-batches, each stage's back-to-back forward and backward passes drawn as one span; gaps are the bubble. The table lists each stage's busy and idle time.`
        : `Pipeline timeline of ${d.pp} stages and ${m} micro-batches: forward in blue, backward in orange, gaps are the bubble. The table lists each stage's busy and idle time.`,
    },
  );
  const stageRows = stageNames.map((name, s) => {
    const ops = schedule.ops.filter((o) => o.stage === s);
    const first = Math.min(...ops.map((o) => o.start));
    const last = Math.max(...ops.map((o) => o.end));
    const busy = ops.reduce((a, o) => a + (o.end - o.start), 0);
    return { name, first, last, busy, idle: schedule.makespanSeconds - busy };
  });
  section.append(
    table({
      testId: 'timeline-table',
      columns: [
        { label: 'Stage', value: (r) => r.name },
        { label: 'First start', num: true, value: (r) => fmt.ms(r.first) },
        { label: 'Last end', num: true, value: (r) => fmt.ms(r.last) },
        { label: 'Busy', num: true, value: (r) => fmt.ms(r.busy) },
        { label: 'Idle (bubble)', num: true, value: (r) => fmt.ms(r.idle) },
      ],
      rows: stageRows,
    }),
  );
  return section;
}

function placementSection(placement, ctx) {
  const section = h('section', { 'aria-labelledby': 'placement-heading' }, h('h2', { id: 'placement-heading' }, 'Placement'));
  if (!placement.length) {
    section.append(emptyState('The plan lists no placement.'));
    return section;
  }
  const nodes = [...new Set(placement.map((r) => String(r.node)))];
  const nodeIndex = new Map(nodes.map((n, i) => [n, i]));
  const gpuMax = Math.max(...placement.map((r) => Number(r.gpu))) + 1;
  const gpus = Array.from({ length: gpuMax }, (_, g) => `GPU ${g}`);
  const stages = Math.max(...placement.map((r) => r.pp)) + 1;
  const groups = Math.max(...placement.map((r) => r.dp)) + 1;
  let colourBy = 'pp';
  const picker = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Colour the grid by' },
    h('span', {}, 'Colour by:'),
    h('label', {}, h('input', { type: 'radio', name: 'placement-colour', value: 'pp', checked: true }), ' pipeline stage'),
    h('label', {}, h('input', { type: 'radio', name: 'placement-colour', value: 'dp' }), ' data-parallel group'),
  );
  const box = h('div', { class: nodes.length > 16 ? 'chart tall' : 'chart', id: 'placement-chart' });
  const caption = h('p', { class: 'hint', 'data-testid': 'placement-caption' });
  const captionFor = (key) => `${placement.length} ranks on ${nodes.length} node${nodes.length === 1 ? '' : 's'}; each cell shows its rank (r) and its ${key === 'pp' ? 'pipeline stage (s)' : 'data-parallel group (d)'}, coloured by it; the tooltip and the table give every coordinate (tp, cp, pp, dp).`;
  caption.textContent = captionFor(colourBy);
  section.append(caption, picker, box);
  const optionFor = (key) => ({
    tooltip: { formatter: (p) => { const r = placement[p.dataIndex]; return `rank ${r.rank} on ${r.node} GPU ${r.gpu}<br>tp ${r.tp} · cp ${r.cp} · pp ${r.pp} · dp ${r.dp}`; } },
    grid: { left: 90, right: 20, top: 30, bottom: 10 },
    xAxis: { type: 'category', data: gpus, position: 'top' },
    yAxis: { type: 'category', data: nodes, inverse: true, axisLabel: { interval: nodes.length > 40 ? 'auto' : 0 } },
    visualMap: { show: false, type: 'piecewise', dimension: 2, pieces: Array.from({ length: key === 'pp' ? stages : groups }, (_, v) => ({ value: v, color: colour(v) })) },
    series: [
      {
        type: 'heatmap',
        progressive: 0,
        data: placement.map((r) => [Number(r.gpu), nodeIndex.get(String(r.node)), r[key], r.rank]),
        label: { show: placement.length <= 256, fontSize: 10, lineHeight: 13, color: '#fff', formatter: (p) => { const r = placement[p.dataIndex]; return `r${r.rank}\n${key === 'pp' ? 's' : 'd'}${r[key]}`; } },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  });
  const instance = chart(box, optionFor(colourBy), ctx, { label: `Placement of ${placement.length} ranks on a node by GPU grid; the table lists every rank.` });
  picker.addEventListener('change', (event) => {
    colourBy = event.target.value;
    caption.textContent = captionFor(colourBy);
    if (instance) instance.setOption(optionFor(colourBy), true);
    legend.replaceChildren(...legendItems(colourBy));
  });
  const legendItems = (key) => Array.from({ length: key === 'pp' ? stages : groups }, (_, v) => h('span', {}, h('span', { class: 'legend-swatch', style: `background:${colour(v)}` }), `${key === 'pp' ? 'stage' : 'DP group'} ${v} `));
  const legend = h('p', { class: 'hint', 'aria-hidden': 'true' }, legendItems(colourBy));
  section.append(legend);
  section.append(
    textEquivalent(
      `Placement of all ${placement.length} ranks as a table`,
      h(
        'div',
        { class: 'table-scroll' },
        table({
          testId: 'placement-table',
          columns: ['rank', 'node', 'gpu', 'tp', 'cp', 'pp', 'dp'].map((k) => ({ label: k === 'gpu' ? 'GPU' : k.length === 2 ? k.toUpperCase() : k[0].toUpperCase() + k.slice(1), num: k !== 'node', value: (r) => r[k] })),
          rows: placement,
        }),
      ),
    ),
  );
  return section;
}

function explanationSection(result) {
  const groups = explanationGroups(result);
  return h(
    'section',
    { 'aria-labelledby': 'explanation-heading' },
    h('h2', { id: 'explanation-heading' }, 'Why this plan'),
    groups.length
      ? h(
          'div',
          { class: 'panel explanation', 'data-testid': 'explanation' },
          groups.map((g) => [g.title ? h('h3', {}, g.title) : null, g.lines.length === 1 && !g.title ? h('p', {}, g.lines[0]) : h('ul', {}, g.lines.map((l) => h('li', {}, l)))]),
        )
      : emptyState('The plan carries no explanation.'),
  );
}

function alternativesSection(result, estimate) {
  const alternatives = PLAN_DOCUMENT.alternatives(result) || [];
  const section = h('section', { 'aria-labelledby': 'alternatives-heading' }, h('h2', { id: 'alternatives-heading' }, 'Alternatives'));
  if (!alternatives.length) {
    section.append(emptyState('No alternatives were kept for this plan (ask for more with the top-K option).'));
    return section;
  }
  const chosen = ESTIMATE.iterationTimeSeconds(estimate);
  const rows = [{ chosen: true, layout: PLAN_DOCUMENT.layout(result), estimate }, ...alternatives.map((a) => ({ chosen: false, layout: ALTERNATIVE.layout(a), estimate: ALTERNATIVE.estimate(a) }))];
  section.append(
    table({
      testId: 'alternatives-table',
      columns: [
        { label: '', value: (r) => (r.chosen ? badge('ok', 'chosen') : '') },
        { label: 'Layout', value: (r) => describeLayout(r.layout) },
        { label: 'Iteration time', num: true, value: (r) => fmt.seconds(ESTIMATE.iterationTimeSeconds(r.estimate)) },
        { label: 'vs chosen', num: true, value: (r) => fmt.percent(ESTIMATE.iterationTimeSeconds(r.estimate) / chosen - 1) },
        { label: 'Tokens/s per GPU', num: true, value: (r) => fmt.integer(ESTIMATE.tokensPerSecondPerGpu(r.estimate)) },
        { label: 'MFU', num: true, value: (r) => fmt.percent(ESTIMATE.mfu(r.estimate)) },
        { label: 'Peak memory', num: true, value: (r) => fmt.gib(ESTIMATE.peakMemoryBytes(r.estimate)) },
      ],
      rows,
    }),
  );
  return section;
}

function artifactsSection(plan, ctx) {
  const id = PLAN.id(plan);
  const section = h('section', { 'aria-labelledby': 'artifacts-heading' }, h('h2', { id: 'artifacts-heading' }, 'Launch artifacts'));
  for (const kind of ARTIFACT_KINDS) {
    const pre = h('pre', { class: 'artifact', id: `artifact-${kind}`, tabindex: '0', 'aria-label': `${kind} artifact` }, 'loading…');
    const copy = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Copy');
    const download = h('a', { class: 'artifact-download', 'data-kind': kind, hidden: true }, `Download ${kind}`);
    const copied = h('span', { role: 'status', class: 'hint' });
    section.append(h('h3', {}, kind), h('div', { class: 'actions' }, copy, download, copied), pre);
    request('GET', `/plans/${encodeURIComponent(id)}/artifacts/${encodeURIComponent(kind)}`, { accept: '*/*' })
      .then((body) => {
        if (!ctx.isCurrent()) return;
        const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
        pre.textContent = text;
        copy.disabled = false;
        const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
        ctx.onCleanup(() => URL.revokeObjectURL(url));
        download.href = url;
        download.download = artifactFileName(kind, id);
        download.hidden = false;
        copy.addEventListener('click', async () => {
          try {
            await navigator.clipboard.writeText(text);
            copied.textContent = 'Copied.';
          } catch {
            // Clipboard access is refused outside secure contexts: select the text so Ctrl+C copies it.
            const range = document.createRange();
            range.selectNodeContents(pre);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            copied.textContent = 'Selected: press Ctrl+C to copy.';
          }
        });
      })
      .catch((e) => {
        pre.textContent = `Unavailable: ${e.message}`;
      });
  }
  return section;
}

function artifactFileName(kind, id) {
  if (/deepspeed|rank-map/i.test(kind)) return `plan-${id}-${kind}.json`;
  if (/hostfile/i.test(kind)) return `plan-${id}-hostfile`;
  if (/megatron/i.test(kind)) return `plan-${id}-megatron-args.txt`;
  return `plan-${id}-${kind}.txt`;
}

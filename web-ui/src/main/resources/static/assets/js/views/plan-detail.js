// Plan detail: status and live progress while solving; when a plan exists, its layout in one line, predictions,
// the comparison of GPU counts (objective cost per token), iteration-time breakdown, per-rank memory against capacity, pipeline timeline, placement grid, explanation,
// alternatives and launch artifacts.
import { api, request } from '../api.js';
import { chart, colour } from '../charts.js';
import { badge, emptyState, fmt, h, humanize, table, textEquivalent } from '../dom.js';
import { degrees, describeLayout, pick } from '../layout.js';
import { oneFOneB } from '../pipeline.js';
import { breakdownOf, breakdownValue, documentOf, estimateOf, explanationGroups, gpuCountSearchOf, isTerminal, placementOf, rankMemory, resultOf, statusOf } from '../plan-model.js';

const POLL_MILLIS = 1000;
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
  if (!isTerminal(plan)) {
    main.append(progressSection(plan, id, ctx));
  }
  const result = resultOf(plan);
  const planDocument = documentOf(plan.result);
  if (!result && planDocument && planDocument.explanation) {
    main.append(emptyState('No layout of this model fits the request on this cluster. Give it more GPUs, a smaller batch or less headroom, then submit a new plan.', h('a', { href: '#/plans/new' }, 'New plan')));
    const search = gpuCountSearchOf(plan);
    if (search) main.append(gpuCountSection(search));
    main.append(explanationSection(planDocument, plan));
    return;
  }
  if (!result) {
    const reason = pick(plan, 'failureReason', 'reason', 'error', 'message');
    main.append(
      isTerminal(plan)
        ? emptyState(`This plan has no result${reason ? `: ${reason}` : '.'} Adjust the request (more GPUs, smaller batch, more headroom) and submit a new plan.`, h('a', { href: '#/plans/new' }, 'New plan'))
        : emptyState(
          plan.bestSoFar
            ? 'The search has a plan (its layout and predicted time are above); placement, memory and timeline appear here when the solve ends.'
            : 'No feasible plan found yet; the best plan so far appears above as soon as the solver has one.',
        ),
    );
    if (reason && isTerminal(plan)) main.append(h('p', { 'data-testid': 'failure-reason' }, reason));
    return;
  }
  renderResult(main, plan, result, ctx);
}

function statusBadge(status) {
  const kind = /FAIL|INFEASIBLE/.test(status) ? 'bad' : /CANCEL|STOP|TERMINATED/.test(status) ? 'warn' : /DONE|COMPLETE|SUCCE|FINISH/.test(status) ? 'ok' : 'info';
  return h('span', { 'data-testid': 'plan-status' }, badge(kind, status.toLowerCase()));
}

function context(plan) {
  const request = plan.request || {};
  const problem = (documentOf(plan.result) || {}).problem || {};
  const goal = request.goal || {};
  const cluster = plan.cluster || request.cluster || problem.cluster;
  const model = request.model || problem.model;
  const gpus = goal.gpus ?? problem.gpus;
  const costPerToken = goal.objective === 'cost-per-token';
  const batch = goal.globalBatchSequences ?? problem.globalBatchSequences;
  return h(
    'p',
    { class: 'muted', 'data-testid': 'plan-context' },
    cluster ? ['Cluster ', h('a', { href: `#/clusters/${encodeURIComponent(cluster)}` }, String(cluster))] : null,
    model ? ` · model ${model}` : null,
    gpus ? (costPerToken ? ` · up to ${gpus} GPUs, lowest cost per token` : ` · ${gpus} GPUs`) : null,
    batch ? ` · global batch ${batch} sequences` : null,
    problem.sequenceLength ? ` · sequence ${problem.sequenceLength} tokens` : null,
    goal.framework || problem.framework ? ` · ${goal.framework || problem.framework}` : null,
    plan.jobId ? [' · job ', h('a', { href: `#/jobs/${encodeURIComponent(plan.jobId)}` }, String(plan.jobId))] : null,
    request.purpose && request.purpose !== 'request' ? ` · ${request.purpose}` : null,
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
    const searching = current.bestSoFar && typeof current.bestSoFar.predictedIterationSeconds === 'number' ? current.bestSoFar : null;
    const best = pick(estimateOf(resultOf(current)), 'iterationTimeSeconds') ?? (searching ? searching.predictedIterationSeconds : undefined);
    const fraction = typeof current.progress === 'number' ? current.progress : 0;
    points.push({ elapsedSeconds: (Date.now() - opened) / 1000, progress: fraction, bestSeconds: best });
    bar.value = Math.round(fraction * 100);
    statusLine.textContent = `${statusOf(current).toLowerCase()}, ${Math.round(fraction * 100)} % of the time limit; best iteration time so far: ${best !== undefined ? fmt.ms(best) : 'none yet'}${searching ? ` (${searching.layout})` : ''}`;
    const option = {
      grid: { left: 60, right: 60, top: 30, bottom: 40 },
      tooltip: { trigger: 'axis' },
      legend: { data: ['progress', 'best iteration time'] },
      xAxis: { type: 'value', name: 's on this page' },
      yAxis: [
        { type: 'value', name: '%', min: 0, max: 100 },
        { type: 'value', name: 'ms', scale: true },
      ],
      series: [
        { name: 'progress', type: 'line', showSymbol: false, data: points.map((p) => [p.elapsedSeconds, p.progress * 100]) },
        { name: 'best iteration time', type: 'line', step: 'end', yAxisIndex: 1, data: points.filter((p) => p.bestSeconds !== undefined).map((p) => [p.elapsedSeconds, p.bestSeconds * 1000]) },
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
      if (isTerminal(current)) {
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
  const estimate = estimateOf(result) || {};
  const layout = result.layout || {};
  const placement = placementOf(result);
  const gpuTotal = placement.length || (plan.request && plan.request.goal && plan.request.goal.gpus);
  const perGpu = pick(estimate, 'tokensPerSecondPerGpu');
  main.append(h('p', { class: 'layout-line', 'data-testid': 'layout-line' }, describeLayout(layout)));
  main.append(
    h(
      'dl',
      { class: 'kpis' },
      kpi('Iteration time', fmt.seconds(pick(estimate, 'iterationTimeSeconds')), 'iteration-time'),
      kpi('Tokens/s (all GPUs)', perGpu !== undefined && gpuTotal ? fmt.integer(perGpu * gpuTotal) : '–', 'tokens-per-second'),
      kpi('Tokens/s per GPU', fmt.integer(perGpu), 'tokens-per-second-per-gpu'),
      kpi('MFU', fmt.percent(pick(estimate, 'mfu')), 'mfu'),
      kpi('Peak memory', fmt.gib(pick(estimate, 'peakMemoryBytes')), 'peak-memory'),
    ),
  );
  const search = gpuCountSearchOf(plan);
  if (search) main.append(gpuCountSection(search));
  main.append(breakdownSection(estimate, ctx));
  main.append(memorySection(estimate, plan, ctx));
  main.append(timelineSection(plan, result, estimate, ctx));
  main.append(placementSection(placement, ctx));
  main.append(explanationSection(result, plan));
  main.append(alternativesSection(result, estimate));
  main.append(artifactsSection(plan, ctx));
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
  const chosen = search.candidates.find((c) => chosenGpus > 0 && Number(c.gpus) === chosenGpus);
  const searched = search.candidates.filter((c) => c.searched).length;
  const boundText = bound !== null ? `, iteration at most ${fmt.seconds(bound)}` : '';
  let summary;
  if (chosenGpus > 0) {
    summary = `${chosenGpus} of at most ${search.maxGpus} GPUs${boundText}: the fewest GPU-hours per trained token` +
      (chosen ? ` (${significant(chosen.gpuHoursPerMillionTokens)} GPU-h per million tokens${priced ? `, cost ${significant(chosen.costPerMillionTokens)} per million tokens at ${significant(search.gpuHourPrice)} per GPU-hour` : ''})` : '') +
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
      rowClass: (c) => (chosenGpus > 0 && Number(c.gpus) === chosenGpus ? 'chosen' : null),
      columns: [
        { label: '', value: (c) => (chosenGpus > 0 && Number(c.gpus) === chosenGpus ? badge('ok', 'chosen') : '') },
        { label: 'GPUs', num: true, value: (c) => fmt.integer(c.gpus) },
        { label: 'Layout', value: (c) => c.layout ?? '–' },
        { label: 'Iteration time', num: true, value: (c) => fmt.seconds(c.iterationTimeSeconds) },
        { label: 'GPU-h per million tokens', num: true, value: (c) => significant(c.gpuHoursPerMillionTokens) },
        ...(priced ? [{ label: 'Cost per million tokens', num: true, value: (c) => significant(c.costPerMillionTokens) }] : []),
        { label: 'Planned by', value: (c) => (c.searched ? 'full search' : 'screening only') },
        { label: 'Note', value: (c) => c.note || '' },
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
        { label: 'Seconds', num: true, value: (r) => r[1].toPrecision(6) },
      ],
      rows: parts,
    }),
  );
  return section;
}

function headroomOf(plan) {
  const problem = (documentOf(plan.result) || {}).problem || {};
  const options = (plan.request && plan.request.options) || {};
  const value = problem.headroomFraction ?? options.headroomFraction;
  return typeof value === 'number' ? value : 0;
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

function microBatchesOf(plan, result, estimate, layout) {
  const direct = pick(estimate, 'microBatches', 'numMicroBatches', 'microBatchCount') ?? pick(result, 'microBatches', 'numMicroBatches') ?? pick(layout, 'microBatches', 'numMicroBatches');
  if (direct) return Number(direct);
  const request = plan.request || {};
  const global = pick(result.problem, 'globalBatchSequences') ?? pick(request.goal, 'globalBatchSequences');
  const micro = pick(layout, 'microBatchSequences', 'microBatchSize', 'microBatch') ?? pick(result, 'microBatchSequences', 'microBatchSize') ?? 1;
  const d = degrees(layout);
  return global ? Math.max(1, Math.round(global / (d.dp * micro))) : undefined;
}

function timelineSection(plan, result, estimate, ctx) {
  const layout = result.layout || {};
  const d = degrees(layout);
  const parts = breakdownOf(estimate);
  const section = h('section', { 'aria-labelledby': 'timeline-heading' }, h('h2', { id: 'timeline-heading' }, 'Pipeline timeline'));
  const m = microBatchesOf(plan, result, estimate, layout);
  const computeTotal = breakdownValue(parts, /^compute/i);
  let forwardTotal = breakdownValue(parts, /^forward/i);
  let backwardTotal = breakdownValue(parts, /^backward/i);
  if ((forwardTotal === undefined || backwardTotal === undefined) && computeTotal !== undefined) {
    // One compute figure for forward and backward: a backward pass costs two forward passes (activation and weight
    // gradients; Narayanan et al., SC'21 §3.2), so a third of it is forward.
    forwardTotal = computeTotal / 3;
    backwardTotal = (computeTotal * 2) / 3;
  }
  const recomputeTotal = breakdownValue(parts, /^recompute/i) || 0;
  if (!m || forwardTotal === undefined || backwardTotal === undefined) {
    section.append(emptyState('The timeline needs the number of micro-batches and the compute time per iteration, which this estimate does not give.'));
    return section;
  }
  // The breakdown's compute times are per iteration on one stage: m micro-batches each.
  const forwardSeconds = forwardTotal / m;
  const backwardSeconds = (backwardTotal + recomputeTotal) / m;
  const schedule = oneFOneB({ stages: d.pp, microBatches: m, forwardSeconds, backwardSeconds, virtualStages: d.vpp });
  const apiBubble = breakdownValue(parts, /bubble/i);
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
  const data = schedule.ops.map((op) => ({ value: [op.stage, op.start * 1000, op.end * 1000, op.micro, op.chunk], itemStyle: { color: shade(op.kind, op.chunk) }, kind: op.kind }));
  const showLabels = m <= 16 && d.pp <= 16;
  chart(
    box,
    {
      tooltip: { formatter: (p) => `${p.data.kind === 'F' ? 'forward' : 'backward'} of micro-batch ${p.value[3]}${schedule.interleaved ? `, chunk ${p.value[4]}` : ''} on stage ${p.value[0]}: ${p.value[1].toFixed(1)}–${p.value[2].toFixed(1)} ms` },
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
    { label: `Pipeline timeline of ${d.pp} stages and ${m} micro-batches: forward in blue, backward in orange, gaps are the bubble. The table lists each stage's busy and idle time.` },
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
  const stages = Math.max(...placement.map((r) => Number(r.pp ?? 0))) + 1;
  const groups = Math.max(...placement.map((r) => Number(r.dp ?? 0))) + 1;
  let colourBy = 'pp';
  const picker = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Colour the grid by' },
    h('span', {}, 'Colour by:'),
    h('label', {}, h('input', { type: 'radio', name: 'placement-colour', value: 'pp', checked: true }), ' pipeline stage'),
    h('label', {}, h('input', { type: 'radio', name: 'placement-colour', value: 'dp' }), ' data-parallel group'),
  );
  const box = h('div', { class: nodes.length > 16 ? 'chart tall' : 'chart', id: 'placement-chart' });
  section.append(h('p', { class: 'hint' }, `${placement.length} ranks on ${nodes.length} node${nodes.length === 1 ? '' : 's'}; each cell shows the rank and its (tp, pp, dp) coordinates.`), picker, box);
  const optionFor = (key) => ({
    tooltip: { formatter: (p) => { const r = placement[p.dataIndex]; return `rank ${r.rank} on ${r.node} GPU ${r.gpu}<br>tp ${r.tp} · cp ${r.cp ?? 0} · pp ${r.pp} · dp ${r.dp}`; } },
    grid: { left: 90, right: 20, top: 30, bottom: 10 },
    xAxis: { type: 'category', data: gpus, position: 'top' },
    yAxis: { type: 'category', data: nodes, inverse: true, axisLabel: { interval: nodes.length > 40 ? 'auto' : 0 } },
    visualMap: { show: false, type: 'piecewise', dimension: 2, pieces: Array.from({ length: key === 'pp' ? stages : groups }, (_, v) => ({ value: v, color: colour(v) })) },
    series: [
      {
        type: 'heatmap',
        progressive: 0,
        data: placement.map((r) => [Number(r.gpu), nodeIndex.get(String(r.node)), Number(r[key] ?? 0), r.rank]),
        label: { show: placement.length <= 256, fontSize: 10, lineHeight: 13, color: '#fff', formatter: (p) => { const r = placement[p.dataIndex]; return `r${r.rank}\n${key === 'pp' ? 's' : 'd'}${r[key]}`; } },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  });
  const instance = chart(box, optionFor(colourBy), ctx, { label: `Placement of ${placement.length} ranks on a node by GPU grid; the table lists every rank.` });
  picker.addEventListener('change', (event) => {
    colourBy = event.target.value;
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

function explanationSection(result, plan) {
  const groups = explanationGroups(result, plan);
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
  const alternatives = Array.isArray(result.alternatives) ? result.alternatives : [];
  const section = h('section', { 'aria-labelledby': 'alternatives-heading' }, h('h2', { id: 'alternatives-heading' }, 'Alternatives'));
  if (!alternatives.length) {
    section.append(emptyState('No alternatives were kept for this plan (ask for more with the top-K option).'));
    return section;
  }
  const chosen = pick(estimate, 'iterationTimeSeconds');
  const rows = [{ chosen: true, layout: result.layout, estimate }, ...alternatives.map((a) => ({ chosen: false, layout: a.layout || a, estimate: estimateOf(a) || a, reason: pick(a, 'reason', 'whyNot', 'note') }))];
  section.append(
    table({
      testId: 'alternatives-table',
      columns: [
        { label: '', value: (r) => (r.chosen ? badge('ok', 'chosen') : '') },
        { label: 'Layout', value: (r) => describeLayout(r.layout) },
        { label: 'Iteration time', num: true, value: (r) => fmt.seconds(pick(r.estimate, 'iterationTimeSeconds')) },
        { label: 'vs chosen', num: true, value: (r) => (chosen && pick(r.estimate, 'iterationTimeSeconds') ? `${((pick(r.estimate, 'iterationTimeSeconds') / chosen - 1) * 100).toFixed(1)} %` : '–') },
        { label: 'Tokens/s per GPU', num: true, value: (r) => fmt.integer(pick(r.estimate, 'tokensPerSecondPerGpu')) },
        { label: 'MFU', num: true, value: (r) => fmt.percent(pick(r.estimate, 'mfu')) },
        { label: 'Peak memory', num: true, value: (r) => fmt.gib(pick(r.estimate, 'peakMemoryBytes')) },
        { label: 'Note', value: (r) => r.reason || '' },
      ],
      rows,
    }),
  );
  return section;
}

function artifactKinds(plan) {
  const listed = plan.artifacts || (plan._links && plan._links.artifacts);
  if (Array.isArray(listed) && listed.length) return listed.map((a) => (typeof a === 'string' ? a : pick(a, 'kind', 'name'))).filter(Boolean);
  return ARTIFACT_KINDS;
}

function artifactsSection(plan, ctx) {
  const id = pick(plan, 'id', 'planId');
  const section = h('section', { 'aria-labelledby': 'artifacts-heading' }, h('h2', { id: 'artifacts-heading' }, 'Launch artifacts'));
  for (const kind of artifactKinds(plan)) {
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

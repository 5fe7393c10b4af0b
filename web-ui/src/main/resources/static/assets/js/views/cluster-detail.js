// Cluster detail: node x node bandwidth heatmap (measured vs nominal, degraded links highlighted), per-node GPU
// table with straggler statistics, and the measurement history of a chosen link.
import { api, asList } from '../api.js';
import { chart } from '../charts.js';
import { badge, emptyState, fmt, h, table, textEquivalent } from '../dom.js';
import { DEGRADED_FRACTION, gpuCount, latestMeasurement, linkHistory, linkMatrix, profileOf, staleSubjects } from '../profile.js';

export async function render(main, [name], ctx) {
  main.append(h('p', {}, h('a', { href: '#/clusters' }, '← All clusters')), h('h1', {}, `Cluster ${name}`));
  const [cluster, effective] = await Promise.all([api.get(`/clusters/${encodeURIComponent(name)}`), api.get(`/clusters/${encodeURIComponent(name)}/profiles`)]);
  if (!ctx.isCurrent()) return;
  if (cluster && cluster.description) main.append(h('p', { class: 'muted' }, cluster.description));
  const profile = profileOf(effective);
  const stale = staleSubjects(effective);
  for (const node of profile.nodes) node.stale = stale.has(node.name);
  if (!profile.nodes.length) {
    main.append(
      emptyState(
        `No measurements for ${name} yet. Start the profiler-agent on its nodes ` +
          `(java -jar profiler-agent.jar run --planner URL --token TOKEN --cluster ${name} --node NODE ...) or upload a profile ` +
          `to POST /api/v1/clusters/${name}/profiles.`,
      ),
    );
    return;
  }
  const matrix = linkMatrix(profile);
  const measuredAt = latestMeasurement(profile);
  main.append(
    h(
      'dl',
      { class: 'kpis' },
      kpi('Nodes', profile.nodes.length),
      kpi('GPUs', gpuCount(profile)),
      kpi('Nominal link', matrix.nominalGbps ? `${fmt.number(matrix.nominalGbps, 0)} Gbit/s` : '–'),
      kpi('Degraded links', matrix.degraded.length, 'degraded-count'),
      kpi('Latest measurement', measuredAt ? fmt.age(measuredAt) : 'unknown'),
      kpi('Stale measurements', effective.staleMeasurements ?? stale.size, 'stale-count'),
    ),
  );
  const historySection = h('section', { 'aria-labelledby': 'history-heading' });
  main.append(heatmapSection(matrix, ctx, (from, to) => showHistory(historySection, name, matrix, ctx, from, to)));
  main.append(gpuSection(profile));
  main.append(historySection);
  const first = matrix.degraded[0] || matrix.cells.find((c) => c.measured) || matrix.cells[0];
  if (first) await showHistory(historySection, name, matrix, ctx, first.from, first.to);
  else historySection.append(h('h2', { id: 'history-heading' }, 'Link history'), emptyState('The profile lists no links between nodes yet.'));
}

function kpi(label, value, testId) {
  return h('div', {}, h('dt', {}, label), h('dd', { 'data-testid': testId }, String(value)));
}

function heatmapSection(matrix, ctx, onSelect) {
  const n = matrix.nodes.length;
  const section = h('section', { 'aria-labelledby': 'heatmap-heading' }, h('h2', { id: 'heatmap-heading' }, 'Inter-node bandwidth'));
  section.append(
    h(
      'p',
      { class: 'hint' },
      `Measured median bandwidth (Gbit/s) from row node to column node. Nominal ${matrix.nominalGbps ? fmt.number(matrix.nominalGbps, 0) + ' Gbit/s' : 'unknown'}; ` +
        `links below ${Math.round(DEGRADED_FRACTION * 100)} % of nominal are degraded and outlined in red. Select a cell to see that link's history.`,
    ),
  );
  const box = h('div', { class: n > 24 ? 'chart tall' : 'chart', id: 'bandwidth-heatmap' });
  section.append(box);
  const values = matrix.cells.map((c) => c.bandwidthGbps);
  const maxGbps = Math.max(matrix.nominalGbps || 0, ...values, 1);
  const data = matrix.cells.map((c) => [c.j, c.i, c.bandwidthGbps]);
  // Degraded links get a marker on top of their cell: on a 128-node map a cell is a few pixels wide.
  const markers = matrix.degraded.map((c) => [c.j, c.i, c.bandwidthGbps]);
  const labelInterval = n > 32 ? Math.ceil(n / 32) - 1 : 0;
  const instance = chart(
    box,
    {
      tooltip: {
        formatter: (p) => {
          const cell = matrix.cells[p.dataIndex];
          if (!cell) return '';
          return `${cell.from} → ${cell.to}<br>${fmt.number(cell.bandwidthGbps, 1)} Gbit/s (${fmt.percent(cell.ratio, 0)} of nominal)${cell.measured ? '' : '<br>default (not measured)'}`;
        },
      },
      grid: { left: 90, right: 30, top: 20, bottom: 110 },
      xAxis: { type: 'category', data: matrix.nodes, name: 'to', axisLabel: { rotate: 60, interval: labelInterval }, splitArea: { show: true } },
      yAxis: { type: 'category', data: matrix.nodes, name: 'from', inverse: true, axisLabel: { interval: labelInterval }, splitArea: { show: true } },
      visualMap: { seriesIndex: 0, min: 0, max: maxGbps, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#b3261e', '#f7d774', '#e8f1fb', '#1f5fbf'] }, text: ['Gbit/s', ''] },
      series: [
        { type: 'heatmap', data, progressive: 0, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } },
        { type: 'scatter', name: 'degraded', data: markers, symbol: 'rect', symbolSize: Math.max(8, Math.min(24, 480 / Math.max(n, 1))), itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#b3261e', borderWidth: 2 }, tooltip: { show: false }, silent: true, z: 3 },
      ],
    },
    ctx,
    { label: `Bandwidth heatmap of ${n} nodes; ${matrix.degraded.length} degraded links, listed in the table below.` },
  );
  if (instance) instance.on('click', (p) => p.seriesIndex === 0 && onSelect(matrix.cells[p.dataIndex].from, matrix.cells[p.dataIndex].to));
  const degradedTable = matrix.degraded.length
    ? table({
        caption: `${matrix.degraded.length} degraded link${matrix.degraded.length === 1 ? '' : 's'}`,
        testId: 'degraded-links',
        rowClass: () => 'degraded',
        columns: [
          { label: 'From', value: (c) => c.from },
          { label: 'To', value: (c) => c.to },
          { label: 'Measured (Gbit/s)', num: true, value: (c) => fmt.number(c.bandwidthGbps, 1) },
          { label: 'Nominal (Gbit/s)', num: true, value: () => fmt.number(matrix.nominalGbps, 1) },
          { label: 'Of nominal', num: true, value: (c) => fmt.percent(c.ratio, 0) },
          { label: 'p95 (Gbit/s)', num: true, value: (c) => (c.link && c.link.p95BandwidthGbps !== undefined ? fmt.number(c.link.p95BandwidthGbps, 1) : '–') },
          { label: 'History', value: (c) => h('button', { type: 'button', class: 'secondary', onclick: () => onSelect(c.from, c.to) }, 'Show') },
        ],
        rows: matrix.degraded,
      })
    : h('p', { 'data-testid': 'degraded-links' }, badge('ok', 'no degraded links'), ` All ${matrix.cells.length} node pairs reach at least ${Math.round(DEGRADED_FRACTION * 100)} % of nominal.`);
  section.append(degradedTable);
  const allLinks = h('div', { class: 'table-scroll' });
  const details = textEquivalent(`All ${matrix.cells.length} node pairs as a table`, allLinks);
  // Built on first opening: a 128-node cluster has 16,256 pairs and the table is rarely needed.
  details.addEventListener('toggle', () => {
    if (!details.open || allLinks.firstChild) return;
    allLinks.append(
      table({
        testId: 'all-links',
        rowClass: (c) => (c.degraded ? 'degraded' : null),
        columns: [
          { label: 'From', value: (c) => c.from },
          { label: 'To', value: (c) => c.to },
          { label: 'Bandwidth (Gbit/s)', num: true, value: (c) => fmt.number(c.bandwidthGbps, 1) },
          { label: 'Of nominal', num: true, value: (c) => fmt.percent(c.ratio, 0) },
          { label: 'Source', value: (c) => (c.measured ? 'measured' : 'default link') },
        ],
        rows: matrix.cells,
      }),
    );
  });
  section.append(details);
  return section;
}

function gpuSection(profile) {
  const rows = [];
  for (const node of profile.nodes) {
    for (const gpu of node.gpus || []) rows.push({ node, gpu });
  }
  return h(
    'section',
    { 'aria-labelledby': 'gpus-heading' },
    h('h2', { id: 'gpus-heading' }, 'GPUs by node'),
    h(
      'div',
      { class: 'table-scroll' },
      table({
        testId: 'gpu-table',
        rowClass: (r) => (r.node.stale || r.gpu.stale ? 'degraded' : null),
        columns: [
          { label: 'Node', value: (r) => r.node.name },
          { label: 'GPU', num: true, value: (r) => r.gpu.index },
          { label: 'Type', value: (r) => r.gpu.type },
          { label: 'Memory', num: true, value: (r) => fmt.gib(r.gpu.memoryBytes) },
          { label: 'Used', num: true, value: (r) => (r.gpu.memoryUsedBytes !== undefined ? fmt.gib(r.gpu.memoryUsedBytes) : '–') },
          { label: 'Relative speed', num: true, value: (r) => fmt.number(r.gpu.relativeSpeed ?? 1, 2) },
          { label: 'Node speed', num: true, value: (r) => (r.node.compute ? fmt.number(r.node.compute.relativeSpeed ?? 1, 2) : '–') },
          { label: 'Slow probability', num: true, value: (r) => (r.node.compute && r.node.compute.slowProbability !== undefined ? fmt.percent(r.node.compute.slowProbability, 1) : '–') },
          { label: 'Slowdown', num: true, value: (r) => (r.node.compute && r.node.compute.slowdown !== undefined ? `×${fmt.number(r.node.compute.slowdown, 2)}` : '–') },
          { label: 'Source', value: (r) => r.gpu.source || 'measured' },
          { label: 'Measured', value: (r) => (r.node.stale || r.gpu.stale ? badge('warn', 'stale') : r.node.measuredAt ? fmt.age(r.node.measuredAt) : '–') },
        ],
        rows,
      }),
    ),
  );
}

async function showHistory(section, name, matrix, ctx, from, to) {
  section.replaceChildren(h('h2', { id: 'history-heading' }, `Link history: ${from} ↔ ${to}`));
  section.append(linkPicker(matrix, from, to, (f, t) => showHistory(section, name, matrix, ctx, f, t)));
  const historyOf = (subject) => api.get(`/clusters/${encodeURIComponent(name)}/profiles/history?subject=${encodeURIComponent(subject)}`).then((d) => asList(d, 'measurements', 'history'));
  let entries;
  try {
    entries = (await Promise.all([historyOf(`${from}->${to}`), historyOf(`${to}->${from}`)])).flat();
  } catch (e) {
    section.append(h('p', { class: 'hint' }, `History unavailable: ${e.message}`));
    return;
  }
  if (!ctx.isCurrent()) return;
  const points = linkHistory(entries, from, to);
  if (!points.length) {
    section.append(emptyState(`No measurement of ${from} ↔ ${to} has been uploaded; the heatmap shows the default link for this pair.`));
    return;
  }
  const withValues = points.filter((p) => typeof p.bandwidthGbps === 'number');
  if (withValues.length) {
    const box = h('div', { class: 'chart short', id: 'link-history-chart' });
    section.append(box);
    const directions = [...new Set(withValues.map((p) => p.direction))];
    chart(
      box,
      {
        tooltip: { trigger: 'axis' },
        legend: { data: directions },
        grid: { left: 60, right: 30, top: 40, bottom: 40 },
        xAxis: { type: 'time' },
        yAxis: { type: 'value', name: 'Gbit/s', min: 0 },
        series: directions.map((d) => ({ name: d, type: 'line', showSymbol: true, data: withValues.filter((p) => p.direction === d).map((p) => [p.at, p.bandwidthGbps]) })),
      },
      ctx,
      { label: `Bandwidth of ${from} ↔ ${to} over ${withValues.length} measurements, listed in the table below.` },
    );
  } else {
    section.append(h('p', { class: 'hint' }, 'The service lists when this link was measured but not the values of earlier measurements; the heatmap shows the latest value.'));
  }
  section.append(
    table({
      testId: 'link-history',
      rowClass: (p) => (p.stale ? 'degraded' : null),
      columns: [
        { label: 'Measured at', value: (p) => fmt.instant(p.at) },
        { label: 'Received at', value: (p) => fmt.instant(p.receivedAt) },
        { label: 'Direction', value: (p) => p.direction },
        { label: 'Bandwidth (Gbit/s)', num: true, value: (p) => fmt.number(p.bandwidthGbps, 1) },
        { label: 'p95 (Gbit/s)', num: true, value: (p) => fmt.number(p.p95BandwidthGbps, 1) },
        { label: 'Latency (µs)', num: true, value: (p) => fmt.number(p.latencyUs, 1) },
        { label: 'State', value: (p) => (p.stale ? badge('warn', 'stale') : 'current') },
      ],
      rows: points,
    }),
  );
}

function linkPicker(matrix, from, to, onPick) {
  const fromSelect = h('select', { id: 'history-from' }, matrix.nodes.map((n) => h('option', { value: n, selected: n === from }, n)));
  const toSelect = h('select', { id: 'history-to' }, matrix.nodes.map((n) => h('option', { value: n, selected: n === to }, n)));
  const form = h(
    'form',
    { class: 'actions', 'aria-label': 'Choose a link' },
    h('label', { for: 'history-from' }, 'From'),
    fromSelect,
    h('label', { for: 'history-to' }, 'To'),
    toSelect,
    h('button', { type: 'submit', class: 'secondary' }, 'Show history'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onPick(fromSelect.value, toSelect.value);
  });
  return form;
}

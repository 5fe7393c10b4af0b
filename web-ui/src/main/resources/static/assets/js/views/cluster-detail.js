// Cluster detail: node x node bandwidth heatmap (measured vs nominal, degraded links highlighted), per-node GPU
// table with straggler statistics, and the measurement history of a chosen link.
import { api } from '../api.js';
import { chart } from '../charts.js';
import { gradientCss, heatmap } from '../heatmap.js';
import { badge, emptyState, fmt, h, table, textEquivalent } from '../dom.js';
import { CLUSTER, EFFECTIVE_PROFILE } from '../fields.js';
import { DEGRADED_FRACTION, gpuCount, latestMeasurement, linkHistory, linkMatrix, profileOf, staleSubjects } from '../profile.js';

export async function render(main, [name], ctx) {
  main.append(h('p', {}, h('a', { href: '#/clusters' }, '← All clusters')), h('h1', {}, `Cluster ${name}`));
  const [cluster, effective] = await Promise.all([api.get(`/clusters/${encodeURIComponent(name)}`), api.get(`/clusters/${encodeURIComponent(name)}/profiles?view=full&limit=10000`)]);
  ctx.dataArrived();
  if (!ctx.isCurrent()) return;
  const description = CLUSTER.description(cluster);
  if (description) main.append(h('p', { class: 'muted' }, description));
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
      kpi('Stale measurements', EFFECTIVE_PROFILE.staleMeasurements(effective), 'stale-count'),
    ),
  );
  const historySection = h('section', { 'aria-labelledby': 'history-heading' });
  main.append(heatmapSection(matrix, ctx, (from, to) => showHistory(historySection, name, matrix, ctx, from, to)));
  main.append(gpuSection(profile));
  main.append(historySection);
  const first = matrix.degraded[0] || matrix.cells.find((c) => c.measured) || matrix.cells[0];
  // The history loads after the page is drawn: two more requests that the heatmap and tables need not wait for.
  if (first) showHistory(historySection, name, matrix, ctx, first.from, first.to).catch((e) => ctx.showProblem(e));
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
        `links below ${Math.round(DEGRADED_FRACTION * 100)} % of nominal are degraded and outlined in red. Cells large enough show the measured Gbit/s; select a cell to see that link's history.`,
    ),
  );
  const box = h('div', {
    class: n > 24 ? 'chart tall' : 'chart',
    id: 'bandwidth-heatmap',
    role: 'img',
    'aria-label': `Bandwidth heatmap of ${n} nodes; ${matrix.degraded.length} degraded link${matrix.degraded.length === 1 ? '' : 's'}, listed in the table below.`,
  });
  const maxGbps = Math.max(matrix.nominalGbps || 0, ...matrix.cells.map((c) => c.bandwidthGbps), 1);
  section.append(box, h('div', { class: 'colour-scale', 'aria-hidden': 'true' }, '0 Gbit/s', h('span', { class: 'bar', style: `background: ${gradientCss()}` }), `${fmt.number(maxGbps, 0)} Gbit/s`));
  // Drawn after the box is in the document, when it has a size.
  queueMicrotask(() => {
    const redraw = heatmap(box, {
      labels: matrix.nodes,
      cells: matrix.cells.map((c) => ({ ...c, value: c.bandwidthGbps })),
      maxValue: maxGbps,
      onSelect: (cell) => onSelect(cell.from, cell.to),
      describe: (cell) => `${cell.from} → ${cell.to}\n${fmt.number(cell.bandwidthGbps, 1)} Gbit/s (${fmt.percent(cell.ratio, 0)} of nominal)${cell.measured ? '' : '\ndefault link (not measured)'}`,
    });
    window.addEventListener('resize', redraw);
    ctx.onCleanup(() => window.removeEventListener('resize', redraw));
  });
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

function distinct(values) {
  return [...new Set(values.filter((v) => v !== undefined && v !== null))];
}

/** One row per node (128 rows for 1,024 GPUs): its GPUs' types, memory and each GPU's relative speed in index order. */
function gpuSection(profile) {
  return h(
    'section',
    { 'aria-labelledby': 'gpus-heading' },
    h('h2', { id: 'gpus-heading' }, 'GPUs by node'),
    h('p', { class: 'hint' }, 'Relative speed 1.00 is the catalog speed of the GPU type; straggler statistics are per node (chance that an iteration is slow, and by how much). Nodes of one NVLink domain (the trays of an NVL72 rack) reach each other over NVLink; – means NVLink ends at the node.'),
    h(
      'div',
      { class: 'table-scroll' },
      table({
        testId: 'gpu-table',
        rowClass: (node) => (node.stale ? 'degraded' : null),
        columns: [
          { label: 'Node', value: (node) => node.name },
          { label: 'GPUs', num: true, value: (node) => node.gpus.length },
          { label: 'NVLink domain', value: (node) => node.nvlinkDomain ?? '–' },
          { label: 'Type', value: (node) => distinct(node.gpus.map((g) => g.type)).join(', ') },
          { label: 'Memory per GPU', num: true, value: (node) => distinct(node.gpus.map((g) => fmt.gib(g.memoryBytes))).join(', ') },
          { label: 'Used', num: true, value: (node) => { const used = node.gpus.map((g) => g.memoryUsedBytes).filter((v) => typeof v === 'number'); return used.length ? fmt.gib(Math.max(...used)) + ' max' : '–'; } },
          { label: 'Relative speed by GPU', value: (node) => node.gpus.map((g) => fmt.number(g.relativeSpeed ?? 1, 2)).join(' ') },
          { label: 'Node speed', num: true, value: (node) => fmt.number(node.relativeSpeed ?? 1, 2) },
          { label: 'Slow probability', num: true, value: (node) => (typeof node.slowProbability === 'number' ? fmt.percent(node.slowProbability, 1) : '–') },
          { label: 'Slowdown', num: true, value: (node) => (typeof node.slowdown === 'number' ? `×${fmt.number(node.slowdown, 2)}` : '–') },
          { label: 'Source', value: (node) => distinct(node.gpus.map((g) => g.source || 'measured')).join(', ') },
          { label: 'Measured', value: (node) => (node.stale ? badge('warn', 'stale') : node.measuredAt ? fmt.age(node.measuredAt) : '–') },
        ],
        rows: profile.nodes,
      }),
    ),
  );
}

async function showHistory(section, name, matrix, ctx, from, to) {
  section.replaceChildren(h('h2', { id: 'history-heading' }, `Link history: ${from} ↔ ${to}`));
  section.append(linkPicker(matrix, from, to, (f, t) => showHistory(section, name, matrix, ctx, f, t)));
  const historyOf = (subject) => api.get(`/clusters/${encodeURIComponent(name)}/profiles/history?subject=${encodeURIComponent(subject)}`);
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

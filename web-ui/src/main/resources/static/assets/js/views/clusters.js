// Clusters: every registered cluster with node/GPU counts, profile age and health; registration for admins.
import { api, idempotencyKey } from '../api.js';
import { CLUSTER, EFFECTIVE_PROFILE } from '../fields.js';
import { badge, emptyState, fmt, h, table } from '../dom.js';
import { gpuCount, latestMeasurement, linkMatrix, profileOf } from '../profile.js';

/** A registered cluster with what its effective profile (null when unreadable) says about it. */
export function summarize(cluster, effective) {
  const profile = profileOf(effective);
  const staleCount = EFFECTIVE_PROFILE.staleMeasurements(effective) ?? 0;
  return {
    name: CLUSTER.name(cluster),
    staleCount,
    nodes: profile.nodes.length || null,
    gpus: profile.nodes.length ? gpuCount(profile) : null,
    measuredAt: latestMeasurement(profile),
    degradedLinks: profile.links.length ? linkMatrix(profile).degraded.length : null,
    // Nodes with a measured chance of a slow iteration: every plan on this cluster carries their straggler delay.
    stragglers: profile.nodes.filter((n) => n.slowProbability > 0).length,
    stale: staleCount > 0,
  };
}

export function healthBadge(summary) {
  if (!summary.measuredAt && !summary.nodes) return badge('warn', 'no profile yet');
  const badges = [];
  if (summary.degradedLinks) badges.push(badge('bad', `${summary.degradedLinks} degraded link${summary.degradedLinks === 1 ? '' : 's'}`));
  if (summary.stragglers) badges.push(badge('warn', `${summary.stragglers} straggler node${summary.stragglers === 1 ? '' : 's'}: plans carry straggler delay`));
  if (summary.stale) badges.push(badge('warn', `${summary.staleCount || ''} stale measurement${summary.staleCount === 1 ? '' : 's'}`.trim()));
  if (!badges.length) badges.push(badge('ok', 'healthy'));
  return h('span', {}, badges.map((b) => [b, ' ']));
}

export async function render(main, params, ctx) {
  main.append(h('h1', {}, 'Clusters'));
  const registered = await api.get('/clusters');
  // The list answer holds names only; each cluster's effective profile (full view, first 10,000 measurements, the
  // most the page draws) gives its counts, age and health.
  const effective = await Promise.all(
    registered.map((c) => api.get(`/clusters/${encodeURIComponent(CLUSTER.name(c))}/profiles?view=full&limit=10000`).catch(() => null)),
  );
  if (!ctx.isCurrent()) return;
  const clusters = registered.map((c, i) => summarize(c, effective[i]));
  if (!clusters.length) {
    main.append(
      emptyState(
        'No clusters are registered yet. Register one below (admin token), then run the profiler-agent on each node ' +
          '(java -jar profiler-agent.jar run --planner URL --token TOKEN --cluster NAME ...) so that measurements arrive.',
      ),
    );
  } else {
    main.append(
      table({
        caption: `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}`,
        testId: 'clusters-table',
        columns: [
          { label: 'Cluster', value: (c) => h('a', { href: `#/clusters/${encodeURIComponent(c.name)}` }, c.name) },
          { label: 'Nodes', num: true, value: (c) => c.nodes },
          { label: 'GPUs', num: true, value: (c) => c.gpus },
          { label: 'Profile age', value: (c) => (c.measuredAt ? h('time', { datetime: c.measuredAt, title: fmt.instant(c.measuredAt) }, fmt.age(c.measuredAt)) : 'never measured') },
          { label: 'Health', value: (c) => healthBadge(c) },
        ],
        rows: clusters,
      }),
    );
  }
  main.append(registerForm(ctx));
}

function registerForm(ctx) {
  const name = h('input', { id: 'register-name', name: 'name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9._-]*', autocomplete: 'off' });
  const description = h('input', { id: 'register-description', name: 'description', maxlength: 2000, autocomplete: 'off' });
  const profile = h('textarea', { id: 'register-profile', name: 'profile', rows: 8, placeholder: '{"name": "cluster-a", "nodes": [...], "links": [...]}' });
  const status = h('p', { role: 'status', class: 'hint' });
  const form = h(
    'form',
    { class: 'stack', 'aria-labelledby': 'register-heading' },
    h('label', { for: 'register-name' }, 'Cluster name'),
    name,
    h('label', { for: 'register-description' }, 'Description (optional)'),
    description,
    h('label', { for: 'register-profile' }, 'Initial profile (optional JSON, cluster profile format)'),
    profile,
    h('div', { class: 'full actions' }, h('button', { type: 'submit' }, 'Register cluster'), status),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let parsed = null;
    if (profile.value.trim()) {
      try {
        parsed = JSON.parse(profile.value);
      } catch (e) {
        ctx.showProblem(new Error(`The profile is not valid JSON: ${e.message}`));
        return;
      }
    }
    try {
      await api.post('/clusters', { name: name.value.trim(), description: description.value.trim() || undefined });
      if (parsed) await api.post(`/clusters/${encodeURIComponent(name.value.trim())}/profiles`, { ...parsed, name: name.value.trim() }, { headers: { 'Idempotency-Key': idempotencyKey() } });
      location.hash = `#/clusters/${encodeURIComponent(name.value.trim())}`;
    } catch (e) {
      ctx.showProblem(e);
    }
  });
  return h('section', { class: 'panel' }, h('h2', { id: 'register-heading' }, 'Register a cluster'), form);
}

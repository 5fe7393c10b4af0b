// Plans: the plans the service knows, newest first, with their status and predicted iteration time.
import { api, asList } from '../api.js';
import { emptyState, fmt, h, table } from '../dom.js';
import { describeLayout, pick } from '../layout.js';
import { estimateOf, idOf, resultOf, statusOf } from '../plan-model.js';

export async function render(main, params, ctx) {
  main.append(h('h1', {}, 'Plans'), h('p', {}, h('a', { href: '#/plans/new' }, 'Request a new plan')));
  const plans = asList(await api.get('/plans'), 'plans');
  if (!ctx.isCurrent()) return;
  if (!plans.length) {
    main.append(emptyState('No plans yet. Request one on the New plan page: choose a cluster, a model and the batch, and the planner searches layouts and placements.', h('a', { href: '#/plans/new' }, 'New plan')));
    return;
  }
  main.append(
    table({
      testId: 'plans-table',
      columns: [
        { label: 'Plan', value: (p) => h('a', { href: `#/plans/${encodeURIComponent(idOf(p))}` }, String(idOf(p))) },
        { label: 'Status', value: (p) => statusOf(p).toLowerCase() },
        { label: 'Cluster', value: (p) => pick(p.request || p, 'cluster', 'clusterName') },
        { label: 'Model', value: (p) => { const m = pick(p.request || p, 'model', 'modelName'); return typeof m === 'object' && m ? pick(m, 'name') || 'custom' : m; } },
        { label: 'Layout', value: (p) => (resultOf(p) ? describeLayout(resultOf(p).layout) : '–') },
        { label: 'Iteration time', num: true, value: (p) => fmt.seconds(pick(estimateOf(resultOf(p)), 'iterationTimeSeconds') ?? pick(p, 'iterationTimeSeconds', 'bestIterationTimeSeconds')) },
        { label: 'Created', value: (p) => fmt.instant(pick(p, 'createdAt', 'submittedAt')) },
      ],
      rows: plans,
    }),
  );
}

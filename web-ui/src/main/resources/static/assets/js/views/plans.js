// Plans: the plans the service knows, newest first: what was asked (model, GPUs), the chosen layout and its predicted
// iteration time once completed, status and solve progress.
import { api } from '../api.js';
import { emptyState, fmt, h, table } from '../dom.js';
import { PLAN_SUMMARY } from '../fields.js';
import { describeShortForm } from '../layout.js';

export async function render(main, params, ctx) {
  main.append(h('h1', {}, 'Plans'), h('p', {}, h('a', { href: '#/plans/new' }, 'Request a new plan')));
  const plans = await api.get('/plans');
  if (!ctx.isCurrent()) return;
  if (!plans.length) {
    main.append(emptyState('No plans yet. Request one on the New plan page: choose a cluster, a model and the batch, and the planner searches layouts and placements.', h('a', { href: '#/plans/new' }, 'New plan')));
    return;
  }
  main.append(
    table({
      testId: 'plans-table',
      columns: [
        { label: 'Plan', value: (p) => h('a', { href: `#/plans/${encodeURIComponent(PLAN_SUMMARY.id(p))}` }, PLAN_SUMMARY.id(p)) },
        { label: 'Status', value: (p) => PLAN_SUMMARY.status(p).toLowerCase() },
        { label: 'Cluster', value: (p) => PLAN_SUMMARY.cluster(p) },
        { label: 'Model', value: (p) => PLAN_SUMMARY.model(p) },
        { label: 'GPUs', num: true, value: (p) => fmt.integer(PLAN_SUMMARY.gpus(p)) },
        { label: 'Layout', value: (p) => (PLAN_SUMMARY.layout(p) ? describeShortForm(PLAN_SUMMARY.layout(p)) : '–') },
        { label: 'Iteration time', num: true, value: (p) => fmt.seconds(PLAN_SUMMARY.iterationTimeSeconds(p)) },
        { label: 'Progress', num: true, value: (p) => fmt.percent(PLAN_SUMMARY.progress(p), 0) },
        { label: 'Created', value: (p) => fmt.instant(PLAN_SUMMARY.createdAt(p)) },
      ],
      rows: plans,
    }),
  );
}

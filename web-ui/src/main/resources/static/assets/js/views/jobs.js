// Jobs: each training job's current plan and its history of nightly re-planning (predicted time per night, what
// changed, flags for plans that no longer fit or became slower), with "re-plan now".
import { api, asList } from '../api.js';
import { chart } from '../charts.js';
import { badge, emptyState, fmt, h, table } from '../dom.js';
import { describeLayout, pick } from '../layout.js';

export async function render(main, [id], ctx) {
  if (id) return renderJob(main, id, ctx);
  main.append(h('h1', {}, 'Jobs'));
  const jobs = asList(await api.get('/jobs'), 'jobs');
  if (!ctx.isCurrent()) return;
  if (!jobs.length) {
    main.append(emptyState('No training jobs yet. A scheduler creates one with POST /api/v1/jobs (cluster, model, training goal and options); the planner then re-plans it every night against the latest profile.'));
    return;
  }
  main.append(
    table({
      testId: 'jobs-table',
      columns: [
        { label: 'Job', value: (j) => h('a', { href: `#/jobs/${encodeURIComponent(j.id)}` }, String(pick(j, 'name') ?? j.id)) },
        { label: 'Cluster', value: (j) => pick(j, 'cluster', 'clusterName') },
        { label: 'Model', value: (j) => { const m = pick(j, 'model', 'modelName'); return typeof m === 'object' && m ? m.name : m; } },
        { label: 'Current plan', value: (j) => { const p = pick(j, 'currentPlanId', 'currentPlan', 'planId'); return p ? h('a', { href: `#/plans/${encodeURIComponent(typeof p === 'object' ? p.id : p)}` }, String(typeof p === 'object' ? p.id : p)) : 'none yet'; } },
        { label: 'Flags', value: (j) => flagBadges(flagsOf(j)) },
      ],
      rows: jobs,
    }),
  );
}

function flagsOf(item) {
  let flags = pick(item, 'flags', 'alerts') || [];
  // A job keeps its last re-planning outcome as an object with the flag list inside.
  if (flags && !Array.isArray(flags) && Array.isArray(flags.flags)) flags = flags.flags;
  const list = Array.isArray(flags) ? flags.map((f) => (typeof f === 'string' ? f : pick(f, 'code', 'kind', 'type') || JSON.stringify(f))) : [];
  if (item.noLongerFits === true || item.doesNotFit === true) list.push('NO_LONGER_FITS');
  if (item.slower === true || item.becameSlower === true) list.push('SLOWER');
  return [...new Set(list)];
}

function flagBadges(flags) {
  if (!flags.length) return badge('ok', 'ok');
  return h('span', {}, flags.map((f) => [badge('bad', String(f).toLowerCase().replace(/[_-]/g, ' ')), ' ']));
}

async function renderJob(main, id, ctx) {
  main.append(h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')), h('h1', {}, `Job ${id}`));
  const job = await api.get(`/jobs/${encodeURIComponent(id)}`);
  if (!ctx.isCurrent()) return;
  let revisions = asList(pick(job, 'revisions', 'history', 'planRevisions') || []);
  if (!revisions.length) {
    try {
      revisions = asList(await api.get(`/jobs/${encodeURIComponent(id)}/revisions`), 'revisions');
    } catch (e) {
      if (e.status !== 404) throw e;
    }
  }
  if (!ctx.isCurrent()) return;
  const replan = h('button', { type: 'button', id: 'replan-now' }, 'Re-plan now');
  const replanStatus = h('span', { role: 'status', class: 'hint' });
  replan.addEventListener('click', async () => {
    replan.disabled = true;
    try {
      const answer = await api.post(`/jobs/${encodeURIComponent(id)}/replan`, {});
      const planId = answer && pick(answer, 'planId', 'id');
      replanStatus.textContent = 'Re-planning started.';
      if (planId) window.location.hash = `#/plans/${encodeURIComponent(planId)}`;
    } catch (e) {
      replan.disabled = false;
      ctx.showProblem(e);
    }
  });
  const current = pick(job, 'currentPlanId', 'currentPlan', 'planId');
  main.append(
    h(
      'p',
      { class: 'muted' },
      `Cluster ${pick(job, 'cluster', 'clusterName') ?? '–'} · model ${(() => { const m = pick(job, 'model', 'modelName'); return typeof m === 'object' && m ? m.name : m ?? '–'; })()} · `,
      current ? ['current plan ', h('a', { href: `#/plans/${encodeURIComponent(typeof current === 'object' ? current.id : current)}` }, String(typeof current === 'object' ? current.id : current))] : 'no current plan yet',
      ' ',
      flagBadges(flagsOf(job)),
    ),
    h('div', { class: 'actions' }, replan, replanStatus),
  );
  main.append(h('h2', {}, 'Nightly re-planning'));
  if (!revisions.length) {
    main.append(emptyState('No re-planning has run for this job yet. The nightly run (or "Re-plan now") adds a revision with what changed.'));
    return;
  }
  const rows = revisions
    .map((r) => ({
      at: pick(r, 'createdAt', 'at', 'ranAt', 'timestamp'),
      night: r.night,
      before: pick(r, 'predictedBeforeSeconds', 'iterationTimeBeforeSeconds', 'beforeSeconds'),
      after: pick(r, 'predictedAfterSeconds', 'iterationTimeAfterSeconds', 'afterSeconds'),
      changes: pick(r, 'changes', 'changed', 'whatChanged', 'diff'),
      layout: pick(r, 'layout'),
      movedRanks: pick(r, 'movedRanks', 'ranksMoved'),
      planId: pick(r, 'planId'),
      flags: flagsOf(r),
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
        { label: 'What changed', value: (r) => describeChanges(r) },
        { label: 'Flags', value: (r) => flagBadges(r.flags) },
        { label: 'Plan', value: (r) => (r.planId ? h('a', { href: `#/plans/${encodeURIComponent(r.planId)}` }, String(r.planId)) : '–') },
      ],
      rows,
    }),
  );
}

function describeChanges(r) {
  const parts = [];
  const c = r.changes;
  if (Array.isArray(c)) parts.push(...c.map(knobText));
  else if (typeof c === 'string') parts.push(c);
  else if (c && typeof c === 'object') {
    if (Array.isArray(c.layoutChanges)) parts.push(...c.layoutChanges.map(knobText));
    if (c.movedRanks && typeof c.movedRanks.count === 'number') parts.push(`${c.movedRanks.count} rank${c.movedRanks.count === 1 ? '' : 's'} moved`);
    if (c.currentPlanProblem) parts.push(`current plan: ${c.currentPlanProblem}`);
    if (Array.isArray(c.currentPlanViolations) && c.currentPlanViolations.length) parts.push(`current plan: ${c.currentPlanViolations.map((v) => (typeof v === 'string' ? v : v.reason || v.code || JSON.stringify(v))).join('; ')}`);
    if (c.note) parts.push(c.note);
  }
  if (r.layout) parts.push(describeLayout(r.layout));
  return parts.length ? parts.join('; ') : 'no change';
}

function knobText(k) {
  if (typeof k === 'string') return k;
  return pick(k, 'description', 'text') || `${k.knob || k.field}: ${k.before ?? k.from} → ${k.after ?? k.to}`;
}

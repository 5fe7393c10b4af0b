// Jobs: each training job's current plan and its history of nightly re-planning (predicted time per night, what
// changed, flags for plans that no longer fit or became slower), with "re-plan now".
import { api } from '../api.js';
import { chart } from '../charts.js';
import { badge, emptyState, fmt, h, table } from '../dom.js';
import { JOB, KNOB_CHANGE, REVISION, STARTED, VIOLATION } from '../fields.js';

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
        { label: 'Flags', value: (j) => flagBadges(JOB.flags(j) || []) },
      ],
      rows: jobs,
    }),
  );
}

function planLink(planId) {
  return planId ? h('a', { href: `#/plans/${encodeURIComponent(planId)}` }, planId) : undefined;
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
  const current = JOB.currentPlanId(job);
  main.append(
    h(
      'p',
      { class: 'muted' },
      `Cluster ${JOB.cluster(job)} · model ${JOB.model(job)} · `,
      current ? ['current plan ', planLink(current)] : 'no current plan yet',
      ' ',
      flagBadges(JOB.flags(job) || []),
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

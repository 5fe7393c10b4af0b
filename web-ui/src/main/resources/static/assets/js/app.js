// Hash-based single-page router: each route renders one view module into <main>.
import { ApiProblem, token } from './api.js';
import { clear, h } from './dom.js';
import * as clusters from './views/clusters.js';
import * as clusterDetail from './views/cluster-detail.js';
import * as newPlan from './views/new-plan.js';
import * as plans from './views/plans.js';
import * as planDetail from './views/plan-detail.js';
import * as jobs from './views/jobs.js';
import * as tokenView from './views/token.js';

const routes = [
  { pattern: /^#\/clusters\/([^/]+)$/, view: clusterDetail, nav: 'clusters', name: 'cluster-detail' },
  { pattern: /^#\/clusters$/, view: clusters, nav: 'clusters', name: 'clusters' },
  { pattern: /^#\/plans\/new$/, view: newPlan, nav: 'new-plan', name: 'new-plan' },
  { pattern: /^#\/plans\/([^/]+)$/, view: planDetail, nav: 'plans', name: 'plan-detail' },
  { pattern: /^#\/plans$/, view: plans, nav: 'plans', name: 'plans' },
  { pattern: /^#\/jobs\/([^/]+)$/, view: jobs, nav: 'jobs', name: 'job-detail' },
  { pattern: /^#\/jobs$/, view: jobs, nav: 'jobs', name: 'jobs' },
  { pattern: /^#\/token$/, view: tokenView, nav: 'token', name: 'token' },
];

const main = document.getElementById('view');
const problemBox = document.getElementById('problem');
let cleanups = [];
let generation = 0;

/** Shows an API problem (or any error) in the alert box above the view. */
export function showProblem(error) {
  clear(problemBox);
  const p = error instanceof ApiProblem ? error : new ApiProblem({ status: 0, title: 'Unexpected error', detail: String(error && error.message ? error.message : error) });
  const heading = p.status ? `${p.title} (HTTP ${p.status})` : p.title;
  const items = [];
  if (p.detail) items.push(h('p', { class: 'problem-detail' }, p.detail));
  if (p.field) items.push(h('p', {}, 'Field: ', h('code', {}, String(p.field))));
  if (Array.isArray(p.problems) && p.problems.length) items.push(h('ul', {}, p.problems.map((problem) => h('li', {}, problem))));
  if (p.status === 401) items.push(h('p', {}, 'Enter a valid API token on the ', h('a', { href: '#/token' }, 'Token'), ' page.'));
  if (p.status === 403) items.push(h('p', {}, 'Your token does not have the role this action needs. Use a token with the right role on the ', h('a', { href: '#/token' }, 'Token'), ' page.'));
  if (p.method && p.path) items.push(h('p', { class: 'hint' }, `${p.method} ${p.path}`));
  problemBox.append(
    h('button', { type: 'button', class: 'secondary', 'aria-label': 'Dismiss error', onclick: hideProblem }, 'Dismiss'),
    h('h2', {}, heading),
    ...items,
  );
  problemBox.hidden = false;
}

export function hideProblem() {
  problemBox.hidden = true;
  clear(problemBox);
}

export function refreshTokenState() {
  const state = document.getElementById('token-state');
  state.textContent = token.get() ? 'Token set for this browser session' : 'No token: enter one on the Token page';
}

async function route() {
  const hash = location.hash && location.hash !== '#' ? location.hash : '#/clusters';
  const match = routes.map((r) => ({ r, m: hash.match(r.pattern) })).find((x) => x.m);
  for (const fn of cleanups.splice(0)) fn();
  const current = ++generation;
  hideProblem();
  clear(main);
  delete main.dataset.viewReady;
  document.querySelectorAll('header nav a').forEach((a) => a.removeAttribute('aria-current'));
  if (!match) {
    main.append(h('h1', {}, 'Page not found'), h('p', {}, 'Go to the ', h('a', { href: '#/clusters' }, 'clusters'), '.'));
    main.dataset.viewReady = 'not-found';
    return;
  }
  const { r, m } = match;
  document.querySelector(`header nav a[data-nav="${r.nav}"]`)?.setAttribute('aria-current', 'page');
  const params = m.slice(1).map(decodeURIComponent);
  const started = performance.now();
  let dataArrived = null;
  const ctx = {
    // Views call this when the API answered, so that drawing time is told apart from the service's answer time.
    dataArrived: () => {
      if (dataArrived === null) dataArrived = performance.now();
    },
    onCleanup: (fn) => cleanups.push(fn),
    isCurrent: () => current === generation,
    showProblem,
  };
  try {
    await r.view.render(main, params, ctx);
  } catch (e) {
    if (current === generation) showProblem(e);
  }
  if (current === generation) {
    // Exposed for the browser tests and for anyone checking render cost in the devtools.
    const finished = performance.now();
    main.dataset.renderMs = String(Math.round(finished - started));
    main.dataset.drawMs = String(Math.round(finished - (dataArrived ?? started)));
    main.dataset.viewReady = r.name;
    main.focus({ preventScroll: true });
  }
}

function checkHealth() {
  fetch('/actuator/health')
    .then((r) => r.json())
    .then((health) => (document.getElementById('health').textContent = health.status))
    .catch((e) => (document.getElementById('health').textContent = `unreachable (${e.message})`));
}

window.addEventListener('hashchange', route);
window.addEventListener('planner:token-changed', refreshTokenState);
refreshTokenState();
checkHealth();
if (document.readyState === 'complete') route();
else window.addEventListener('load', route);

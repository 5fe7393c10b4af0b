// Token entry: kept in sessionStorage only, so it is gone when the browser session ends.
import { api, token } from '../api.js';
import { h } from '../dom.js';

export async function render(main, params, ctx) {
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', size: 48, value: token.get() });
  const status = h('p', { role: 'status', id: 'token-status' }, token.get() ? 'A token is set for this browser session.' : 'No token set.');
  const form = h(
    'form',
    { class: 'stack', 'aria-labelledby': 'token-heading' },
    h('label', { for: 'token-input' }, 'Bearer token'),
    input,
    h(
      'div',
      { class: 'full actions' },
      h('button', { type: 'submit' }, 'Save for this session'),
      h('button', { type: 'button', class: 'secondary', id: 'token-clear', onclick: () => save('') }, 'Forget token'),
    ),
  );
  const save = async (value) => {
    token.set(value);
    input.value = value;
    window.dispatchEvent(new Event('planner:token-changed'));
    if (!value) {
      status.textContent = 'Token forgotten.';
      return;
    }
    try {
      await api.get('/clusters');
      status.textContent = 'Token saved for this browser session and accepted by the service.';
    } catch (e) {
      status.textContent = 'Token saved, but the service refused it.';
      ctx.showProblem(e);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save(input.value.trim());
  });
  main.append(
    h('h1', { id: 'token-heading' }, 'API token'),
    h(
      'p',
      {},
      'Every API call of this dashboard sends this token as a bearer header. It is stored in this browser session only ' +
        '(sessionStorage) and forgotten when the tab is closed. The service prints the first admin token at its first start ' +
        '(or takes PLANNER_ADMIN_TOKEN); admins create viewer and scheduler tokens with POST /api/v1/tokens.',
    ),
    form,
    status,
  );
}

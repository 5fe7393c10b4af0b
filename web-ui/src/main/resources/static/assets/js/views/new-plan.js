// New plan: cluster, model (preset or custom), batch, sequence length, GPU count and planning options; submitting
// starts an asynchronous solve and opens the plan page, which shows live progress until it is done.
import { api, asList } from '../api.js';
import { emptyState, h } from '../dom.js';

/** The request body of POST /api/v1/plans built from the form's values. */
export function planRequest(values) {
  const body = {
    cluster: values.cluster,
    model: values.model,
    globalBatch: values.globalBatch,
    sequenceLength: values.sequenceLength,
    gpus: values.gpus,
    options: {
      zeroPlusPlus: values.zeroPlusPlus,
      gradientCoding: values.gradientCoding,
      ladderFraction: values.ladderFraction,
      headroom: values.headroom,
    },
  };
  if (values.customModel) body.customModel = values.customModel;
  return body;
}

export async function render(main, params, ctx) {
  main.append(h('h1', {}, 'New plan'));
  const [clusterData, modelData] = await Promise.all([api.get('/clusters'), api.get('/models')]);
  if (!ctx.isCurrent()) return;
  const clusters = asList(clusterData, 'clusters');
  const models = asList(modelData, 'models', 'presets');
  if (!clusters.length) {
    main.append(emptyState('There is no cluster to plan on yet. Register a cluster and upload its profile first.', h('a', { href: '#/clusters' }, 'Clusters')));
    return;
  }
  const field = (id, label, control, hint) => [h('label', { for: id }, label), hint ? h('div', {}, control, h('div', { class: 'hint', id: `${id}-hint` }, hint)) : control];
  const cluster = h('select', { id: 'plan-cluster', name: 'cluster', required: true }, clusters.map((c) => h('option', { value: c.name }, c.name)));
  const model = h(
    'select',
    { id: 'plan-model', name: 'model', required: true },
    models.map((m) => {
      const name = typeof m === 'string' ? m : m.name;
      return h('option', { value: name }, name + (m && m.custom ? ' (custom)' : ''));
    }),
    h('option', { value: '__custom__' }, 'Custom model (JSON)…'),
  );
  const custom = h('textarea', { id: 'plan-custom-model', rows: 8, placeholder: '{"name": "my-model", "layers": 32, "hiddenSize": 4096, ...}', 'aria-describedby': 'plan-custom-model-hint' });
  const customRow = h('div', { class: 'full', hidden: true }, h('label', { for: 'plan-custom-model' }, 'Custom model definition'), custom, h('div', { class: 'hint', id: 'plan-custom-model-hint' }, 'Same field names as the presets (name, layers, hiddenSize, ffnHiddenSize, attentionHeads, kvHeads, vocabularySize, ...).'));
  model.addEventListener('change', () => (customRow.hidden = model.value !== '__custom__'));
  const number = (id, value, attrs = {}) => h('input', { id, type: 'number', required: true, value, ...attrs });
  const globalBatch = number('plan-global-batch', 1024, { min: 1, step: 1 });
  const sequenceLength = number('plan-seq-len', 4096, { min: 1, step: 1 });
  const gpus = number('plan-gpus', 8, { min: 1, step: 1 });
  const zeroPlusPlus = h('input', { id: 'plan-zeropp', type: 'checkbox' });
  const gradientCoding = h('input', { id: 'plan-gradient-coding', type: 'checkbox' });
  const ladder = number('plan-ladder', 0, { min: 0, max: 1, step: 0.05 });
  const headroom = number('plan-headroom', 0.1, { min: 0, max: 0.9, step: 0.01 });
  const submit = h('button', { type: 'submit', id: 'plan-submit' }, 'Start planning');
  const form = h(
    'form',
    { class: 'stack', id: 'new-plan-form', novalidate: false },
    field('plan-cluster', 'Cluster', cluster),
    field('plan-model', 'Model', model),
    customRow,
    field('plan-global-batch', 'Global batch (sequences)', globalBatch),
    field('plan-seq-len', 'Sequence length (tokens)', sequenceLength),
    field('plan-gpus', 'GPUs to use', gpus),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Options'),
      field('plan-zeropp', 'Consider ZeRO++ (qwZ, hpZ, qgZ)', zeroPlusPlus),
      field('plan-gradient-coding', 'Consider gradient coding against stragglers', gradientCoding),
      field('plan-ladder', 'Ladder Residual: largest fraction of layers', ladder, '0 disables it; 0.5 lets the planner use it on up to half the layers.'),
      field('plan-headroom', 'Memory headroom (fraction of each GPU kept free)', headroom),
    ),
    h('div', { class: 'full actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let customModel = null;
    if (model.value === '__custom__') {
      try {
        customModel = JSON.parse(custom.value);
      } catch (e) {
        ctx.showProblem(new Error(`The custom model is not valid JSON: ${e.message}`));
        custom.focus();
        return;
      }
    }
    const body = planRequest({
      cluster: cluster.value,
      model: customModel ? customModel.name : model.value,
      customModel,
      globalBatch: Number(globalBatch.value),
      sequenceLength: Number(sequenceLength.value),
      gpus: Number(gpus.value),
      zeroPlusPlus: zeroPlusPlus.checked,
      gradientCoding: gradientCoding.checked,
      ladderFraction: Number(ladder.value),
      headroom: Number(headroom.value),
    });
    submit.disabled = true;
    try {
      const { data, response } = await api.post('/plans', body, { withResponse: true });
      const location = response.headers.get('Location') || '';
      const id = (data && (data.id || data.planId)) || location.split('/').filter(Boolean).pop();
      window.location.hash = `#/plans/${encodeURIComponent(id)}`;
    } catch (e) {
      submit.disabled = false;
      ctx.showProblem(e);
    }
  });
  main.append(form);
}

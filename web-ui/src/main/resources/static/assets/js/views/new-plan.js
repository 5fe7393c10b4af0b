// New plan: cluster, model (preset or custom), batch, sequence length, objective, GPU count and planning options;
// submitting starts an asynchronous solve and opens the plan page, which shows live progress until it is done.
import { api, ApiProblem } from '../api.js';
import { CLUSTER, MODEL, MODEL_SPEC, PLAN_DEFAULTS, PLAN_SUMMARY } from '../fields.js';
import { emptyState, h } from '../dom.js';

const CUSTOM = '__custom__';
export const COST_PER_TOKEN = 'cost-per-token';

const given = (value) => value !== undefined && value !== null && value !== '' && Number.isFinite(Number(value));

/**
 * The body of POST /api/v1/plans for a stand-alone plan (cluster + model + goal + options). With the cost-per-token
 * objective, gpus is the most GPUs the run may get and the optional iteration-time bound and GPU-hour price go into
 * the goal too (the API rejects them with the default objective, so they are sent only with this one).
 */
export function planRequest(values) {
  const options = {
    allowZeroPlusPlus: values.zeroPlusPlus,
    allowGradientCoding: values.gradientCoding,
    maxLadderFraction: values.ladderFraction,
    headroomFraction: values.headroom,
  };
  if (values.timeLimitSeconds) options.timeLimitSeconds = values.timeLimitSeconds;
  const goal = { globalBatchSequences: values.globalBatch, gpus: values.gpus, framework: values.framework };
  if (given(values.sequenceLength)) goal.sequenceLength = Number(values.sequenceLength);
  if (values.objective === COST_PER_TOKEN) {
    goal.objective = COST_PER_TOKEN;
    if (given(values.maxIterationSeconds)) goal.maxIterationSeconds = Number(values.maxIterationSeconds);
    if (given(values.gpuHourPrice)) goal.gpuHourPrice = Number(values.gpuHourPrice);
  }
  return {
    cluster: values.cluster,
    model: values.model,
    goal,
    options,
  };
}

/** A model definition as POST /api/v1/models takes it: the spec's fields, enums in lower case. */
function modelDefinition(name, spec) {
  const definition = { name };
  for (const [key, read] of Object.entries(MODEL_SPEC)) {
    const value = read(spec);
    if (value === undefined) continue;
    definition[key] = typeof value === 'string' ? value.toLowerCase() : value;
  }
  return definition;
}

/** The model name to plan with: a preset or registered model as chosen, a custom definition registered first. */
async function modelToPlan(choice, customJson) {
  if (choice !== CUSTOM) return choice;
  const custom = JSON.parse(customJson);
  await registerModel(modelDefinition(custom.name, custom));
  return custom.name;
}

async function registerModel(definition) {
  try {
    await api.post('/models', definition);
  } catch (e) {
    // Registered before (by this form or a colleague): the name is taken, and it is the same definition by construction.
    if (!(e instanceof ApiProblem && e.status === 409)) throw e;
  }
}

export async function render(main, params, ctx) {
  main.append(h('h1', {}, 'New plan'));
  // The options' initial values are the service's defaults (GET /plans/defaults), the ones a request without them gets.
  const [clusterData, modelData, defaults] = await Promise.all([api.get('/clusters'), api.get('/models'), api.get('/plans/defaults')]);
  if (!ctx.isCurrent()) return;
  const clusters = clusterData.map(CLUSTER.name);
  const models = modelData;
  if (!clusters.length) {
    main.append(emptyState('There is no cluster to plan on yet. Register a cluster and upload its profile first.', h('a', { href: '#/clusters' }, 'Clusters')));
    return;
  }
  const field = (id, label, control, hint) => [h('label', { for: id }, label), hint ? h('div', {}, control, h('div', { class: 'hint', id: `${id}-hint` }, hint)) : control];
  const cluster = h('select', { id: 'plan-cluster', name: 'cluster', required: true }, clusters.map((c) => h('option', { value: c }, c)));
  const model = h(
    'select',
    { id: 'plan-model', name: 'model', required: true },
    models.map((m) => h('option', { value: MODEL.name(m) }, MODEL.name(m) + (MODEL.preset(m) === false ? ' (custom)' : ''))),
    h('option', { value: CUSTOM }, 'Custom model (JSON)…'),
  );
  const custom = h('textarea', { id: 'plan-custom-model', rows: 8, placeholder: '{"name": "my-model", "layers": 32, "hiddenSize": 4096, "attentionHeads": 32, "vocabularySize": 32000, "sequenceLength": 4096, "mlp": "swiglu"}', 'aria-describedby': 'plan-custom-model-hint' });
  const customRow = h('div', { class: 'full', hidden: true }, h('label', { for: 'plan-custom-model' }, 'Custom model definition'), custom, h('div', { class: 'hint', id: 'plan-custom-model-hint' }, 'Fields: name, layers, hiddenSize, ffnHiddenSize, attentionHeads, kvHeads, vocabularySize, sequenceLength, mlp (gelu|swiglu), tiedEmbeddings, flashAttention, norm (layer_norm|rms_norm).'));
  const number = (id, value, attrs = {}) => h('input', { id, type: 'number', required: true, value, ...attrs });
  const globalBatch = number('plan-global-batch', 1024, { min: 1, step: 1 });
  const sequenceLength = number('plan-seq-len', '', { min: 1, step: 1 });
  const gpus = number('plan-gpus', 8, { min: 1, step: 1 });
  const objective = h(
    'select',
    { id: 'plan-objective', name: 'objective', 'aria-describedby': 'plan-objective-hint' },
    h('option', { value: 'iteration-time' }, 'Fastest iteration'),
    h('option', { value: COST_PER_TOKEN }, 'Lowest cost per token'),
  );
  const maxIterationSeconds = h('input', { id: 'plan-max-iteration-seconds', type: 'number', min: 0.001, step: 'any', placeholder: 'no bound', 'aria-describedby': 'plan-max-iteration-seconds-hint' });
  const gpuHourPrice = h('input', { id: 'plan-gpu-hour-price', type: 'number', min: 0, step: 'any', placeholder: 'none', 'aria-describedby': 'plan-gpu-hour-price-hint' });
  const framework = h('select', { id: 'plan-framework' }, ['megatron', 'deepspeed', 'fsdp'].map((f) => h('option', { value: f, selected: f === PLAN_DEFAULTS.framework(defaults) }, f)));
  const zeroPlusPlus = h('input', { id: 'plan-zeropp', type: 'checkbox', checked: PLAN_DEFAULTS.allowZeroPlusPlus(defaults) === true });
  const gradientCoding = h('input', { id: 'plan-gradient-coding', type: 'checkbox', checked: PLAN_DEFAULTS.allowGradientCoding(defaults) === true });
  const ladder = number('plan-ladder', PLAN_DEFAULTS.maxLadderFraction(defaults), { min: 0, max: 1, step: 0.05 });
  const headroom = number('plan-headroom', PLAN_DEFAULTS.headroomFraction(defaults), { min: 0, max: 0.9, step: 0.01 });
  const timeLimit = h('input', { id: 'plan-time-limit', type: 'number', min: 1, max: 3600, step: 1, placeholder: 'service default' });
  const syncSequenceLength = () => {
    const chosen = models.find((m) => MODEL.name(m) === model.value);
    customRow.hidden = model.value !== CUSTOM;
    if (chosen) sequenceLength.value = MODEL.sequenceLength(chosen);
  };
  model.addEventListener('change', syncSequenceLength);
  syncSequenceLength();
  const gpusField = field('plan-gpus', 'GPUs to use', gpus);
  const costFields = [
    field('plan-max-iteration-seconds', 'Longest iteration allowed (seconds, optional)', maxIterationSeconds, 'Plans slower than this per iteration are not chosen.'),
    field('plan-gpu-hour-price', 'GPU-hour price (optional)', gpuHourPrice, 'Adds the cost per million tokens to the comparison of GPU counts (in the currency of the price).'),
  ];
  const syncObjective = () => {
    const costPerToken = objective.value === COST_PER_TOKEN;
    gpusField[0].textContent = costPerToken ? 'Most GPUs to use (maximum)' : 'GPUs to use';
    for (const element of costFields.flat()) element.hidden = !costPerToken;
  };
  objective.addEventListener('change', syncObjective);
  syncObjective();
  const submit = h('button', { type: 'submit', id: 'plan-submit' }, 'Start planning');
  const form = h(
    'form',
    { class: 'stack', id: 'new-plan-form' },
    field('plan-cluster', 'Cluster', cluster),
    field('plan-model', 'Model', model),
    customRow,
    field('plan-global-batch', 'Global batch (sequences per step)', globalBatch),
    field('plan-seq-len', 'Sequence length (tokens)', sequenceLength, "Defaults to the model's; the plan request carries it as goal.sequenceLength."),
    field('plan-objective', 'Objective', objective, 'Fastest iteration plans on exactly the GPUs given; lowest cost per token compares GPU counts up to that maximum and keeps the one with the fewest GPU-hours per trained token.'),
    gpusField,
    costFields,
    field('plan-framework', 'Framework', framework),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Options'),
      field('plan-zeropp', 'Consider ZeRO++ (qwZ, hpZ, qgZ)', zeroPlusPlus),
      field('plan-gradient-coding', 'Consider gradient coding against stragglers', gradientCoding),
      field('plan-ladder', 'Ladder Residual: largest fraction of layers', ladder, '0 disables it; 0.5 lets the planner use it on up to half the layers.'),
      field('plan-headroom', 'Memory headroom (fraction of each GPU kept free)', headroom),
      field('plan-time-limit', 'Solve time limit (seconds)', timeLimit),
    ),
    h('div', { class: 'full actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      let modelName;
      try {
        modelName = await modelToPlan(model.value, custom.value);
      } catch (e) {
        if (e instanceof SyntaxError) throw new Error(`The custom model is not valid JSON: ${e.message}`);
        throw e;
      }
      const costPerToken = objective.value === COST_PER_TOKEN;
      const body = planRequest({
        cluster: cluster.value,
        model: modelName,
        globalBatch: Number(globalBatch.value),
        sequenceLength: sequenceLength.value === '' ? null : Number(sequenceLength.value),
        gpus: Number(gpus.value),
        framework: framework.value,
        objective: objective.value,
        maxIterationSeconds: costPerToken && maxIterationSeconds.value !== '' ? Number(maxIterationSeconds.value) : null,
        gpuHourPrice: costPerToken && gpuHourPrice.value !== '' ? Number(gpuHourPrice.value) : null,
        zeroPlusPlus: zeroPlusPlus.checked,
        gradientCoding: gradientCoding.checked,
        ladderFraction: Number(ladder.value),
        headroom: Number(headroom.value),
        timeLimitSeconds: timeLimit.value ? Number(timeLimit.value) : null,
      });
      const id = PLAN_SUMMARY.id(await api.post('/plans', body));
      window.location.hash = `#/plans/${encodeURIComponent(id)}`;
    } catch (e) {
      submit.disabled = false;
      ctx.showProblem(e);
    }
  });
  main.append(form);
}

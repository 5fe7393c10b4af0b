// Every field of an API answer that the dashboard reads, one table per schema of the OpenAPI document
// (/v3/api-docs), and the plan statuses. Views read answers only through these accessors, so this file is the whole
// contract between the dashboard and the API: planner-api's DashboardContractTest checks each path against the schema
// named next to it, and each status list against the schema's enum.
//
// Format (the test reads it): `export const NAME = fields('Schema', {` then one `accessor: 'path',` per line, where a
// path is property names joined by dots, each looked up in the schema the previous one refers to.

function fields(schema, paths) {
  const accessors = {};
  for (const [name, path] of Object.entries(paths)) {
    const keys = path.split('.');
    // JSON null and a missing key read the same: undefined.
    accessors[name] = (object) => keys.reduce((value, key) => (value === null || value === undefined ? undefined : value[key]), object) ?? undefined;
  }
  return Object.freeze(accessors);
}

/** A plain object with every accessor of {@code table} read from {@code object} (for rows of tables and charts). */
export function readAll(table, object) {
  return Object.fromEntries(Object.entries(table).map(([name, read]) => [name, read(object)]));
}

/** Every status of a plan (PlanView.status, PlanSummary.status) and those after which it changes no more. */
export const PLAN_STATUSES = ['QUEUED', 'SOLVING', 'COMPLETED', 'FAILED', 'CANCELLED'];
export const FINISHED_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'];

export const PLAN_SUMMARY = fields('PlanSummary', {
  id: 'id',
  cluster: 'cluster',
  model: 'model',
  gpus: 'gpus',
  status: 'status',
  progress: 'progress',
  layout: 'layout',
  iterationTimeSeconds: 'iterationTimeSeconds',
  createdAt: 'createdAt',
});

/** GET /api/v1/plans/defaults: what a plan request gets for each option it leaves out. */
export const PLAN_DEFAULTS = fields('PlanDefaults', {
  framework: 'framework',
  objective: 'objective',
  headroomFraction: 'options.headroomFraction',
  allowZeroPlusPlus: 'options.allowZeroPlusPlus',
  allowGradientCoding: 'options.allowGradientCoding',
  maxLadderFraction: 'options.maxLadderFraction',
});

export const PLAN = fields('PlanView', {
  id: 'id',
  jobId: 'jobId',
  cluster: 'cluster',
  status: 'status',
  progress: 'progress',
  model: 'request.model',
  purpose: 'request.purpose',
  gpus: 'request.goal.gpus',
  objective: 'request.goal.objective',
  globalBatchSequences: 'request.goal.globalBatchSequences',
  framework: 'request.goal.framework',
  headroomFraction: 'request.options.headroomFraction',
  bestSoFar: 'bestSoFar',
  document: 'result.plan',
  correctionVersion: 'result.corrections.version',
  failureReason: 'failureReason',
});

export const SEARCH_BEST = fields('SearchBest', {
  layout: 'layout',
  predictedIterationSeconds: 'predictedIterationSeconds',
});

export const PLAN_DOCUMENT = fields('PlanDocument', {
  cluster: 'problem.cluster',
  model: 'problem.model',
  gpus: 'problem.gpus',
  globalBatchSequences: 'problem.globalBatchSequences',
  sequenceLength: 'problem.sequenceLength',
  framework: 'problem.framework',
  headroomFraction: 'problem.headroomFraction',
  layout: 'layout',
  placement: 'placement',
  estimate: 'estimate',
  alternatives: 'alternatives',
  explanation: 'explanation',
  gpuCountSearch: 'gpuCountSearch',
});

export const LAYOUT = fields('LayoutJson', {
  tp: 'tp',
  pp: 'pp',
  dp: 'dp',
  cp: 'cp',
  virtualStages: 'virtualStages',
  sequenceParallel: 'sequenceParallel',
  recompute: 'recompute',
  microBatchSequences: 'microBatchSequences',
  zeroStage: 'zeroStage',
  quantizedWeights: 'zeroPlusPlus.quantizedWeights',
  hpzGroupSize: 'zeroPlusPlus.hpzGroupSize',
  quantizedGradients: 'zeroPlusPlus.quantizedGradients',
  codingScheme: 'gradientCoding.scheme',
  stragglersTolerated: 'gradientCoding.stragglersTolerated',
  burstLength: 'gradientCoding.burstLength',
  window: 'gradientCoding.window',
  maxStragglersInWindow: 'gradientCoding.maxStragglersInWindow',
  ladderLayers: 'ladderLayers',
  stageLayerCounts: 'stageLayerCounts',
  ep: 'expertParallelism.ep',
  etp: 'expertParallelism.etp',
  expertsPerGpu: 'expertParallelism.expertsPerGpu',
  dispatcher: 'expertParallelism.dispatcher',
  allToAllOverlap: 'expertParallelism.allToAllOverlap',
});

export const RANK_PLACEMENT = fields('RankPlacement', {
  rank: 'rank',
  node: 'node',
  gpu: 'gpu',
  tp: 'tp',
  cp: 'cp',
  dp: 'dp',
  pp: 'pp',
});

export const ESTIMATE = fields('EstimateJson', {
  iterationTimeSeconds: 'iterationTimeSeconds',
  tokensPerSecondPerGpu: 'tokensPerSecondPerGpu',
  mfu: 'mfu',
  peakMemoryBytes: 'peakMemoryBytes',
  breakdown: 'breakdown',
  stageMemory: 'stageMemory',
  rankMemory: 'rankMemory',
});

/** The memory components of a pipeline stage, in stacking order; the accessor names are the chart's labels. */
export const STAGE_MEMORY = fields('StageMemoryJson', {
  weights: 'weightsBytes',
  gradients: 'gradientsBytes',
  optimizerStates: 'optimizerStatesBytes',
  activations: 'activationsBytes',
  communicationBuffers: 'communicationBuffersBytes',
  runtimeOverhead: 'runtimeOverheadBytes',
});
export const STAGE = fields('StageMemoryJson', {
  stage: 'stage',
});

export const RANK_MEMORY = fields('RankMemoryJson', {
  rank: 'rank',
  node: 'node',
  gpu: 'gpu',
  stage: 'stage',
  totalBytes: 'totalBytes',
  capacityBytes: 'capacityBytes',
});

export const ALTERNATIVE = fields('Alternative', {
  layout: 'layout',
  estimate: 'estimate',
});

/** The explanation's groups; the accessor names are their keys in the page's titles. */
export const EXPLANATION = fields('ExplanationJson', {
  summary: 'summary',
  dominantTerms: 'dominantTerms',
  bindingConstraints: 'bindingConstraints',
  notes: 'notes',
  infeasibility: 'infeasibility',
});

export const GPU_COUNT_SEARCH = fields('GpuCountSearch', {
  maxGpus: 'maxGpus',
  maxIterationSeconds: 'maxIterationSeconds',
  gpuHourPrice: 'gpuHourPrice',
  chosenGpus: 'chosenGpus',
  candidates: 'candidates',
});

export const GPU_COUNT = fields('GpuCount', {
  gpus: 'gpus',
  searched: 'searched',
  layout: 'layout',
  iterationTimeSeconds: 'iterationTimeSeconds',
  gpuHoursPerMillionTokens: 'gpuHoursPerMillionTokens',
  costPerMillionTokens: 'costPerMillionTokens',
  note: 'note',
});

export const JOB = fields('JobView', {
  id: 'id',
  name: 'name',
  cluster: 'cluster',
  model: 'model',
  currentPlanId: 'currentPlanId',
  flags: 'flags.flags',
  measurementFlags: 'measurementFlags',
});

/** A flag a job's measured steps raised on its latest plan revision (slowerThanPlan, memoryNearCapacity). */
export const MEASUREMENT_FLAG = fields('MeasurementFlag', {
  kind: 'kind',
  planRevision: 'planRevision',
  raisedAt: 'raisedAt',
  medianIterationSeconds: 'slowerThanPlan.medianIterationSeconds',
  predictedIterationSeconds: 'slowerThanPlan.predictedIterationSeconds',
  slowdownFraction: 'slowerThanPlan.slowdownFraction',
  thresholdFraction: 'slowerThanPlan.thresholdFraction',
  rank: 'memoryNearCapacity.rank',
  peakMemoryBytes: 'memoryNearCapacity.peakMemoryBytes',
  capacityBytes: 'memoryNearCapacity.capacityBytes',
  limitBytes: 'memoryNearCapacity.limitBytes',
});

/** GET /api/v1/jobs/{id}/measurements: measured steps, per-revision summaries and predictions, and the flags. */
export const MEASUREMENTS = fields('MeasurementsView', {
  warmupSteps: 'warmupSteps',
  summaries: 'summaries',
  predictions: 'predictions',
  flags: 'flags',
  samples: 'samples',
  total: 'page.total',
  more: 'page.more',
});

export const REVISION_SUMMARY = fields('RevisionSummary', {
  planRevision: 'planRevision',
  planId: 'planId',
  samples: 'samples',
  counted: 'counted',
  firstStep: 'firstStep',
  lastStep: 'lastStep',
  medianIterationSeconds: 'medianIterationSeconds',
  p95IterationSeconds: 'p95IterationSeconds',
  trendSecondsPerStep: 'trendSecondsPerStep',
  peakMemoryBytes: 'peakMemoryBytes',
});

export const REVISION_PREDICTION = fields('RevisionPrediction', {
  planRevision: 'planRevision',
  predictedIterationSeconds: 'predictedIterationSeconds',
});

export const MEASURED_STEP = fields('MeasuredStep', {
  planRevision: 'planRevision',
  step: 'step',
  iterationSeconds: 'iterationSeconds',
});

/**
 * GET /api/v1/clusters/{name}/corrections: the correction set plans and estimates on the cluster use now (no factor:
 * the published calibration) and every fit, newest first.
 */
export const CORRECTIONS = fields('History', {
  version: 'latest.version',
  factors: 'latest.factors',
  fits: 'fits',
});

export const CORRECTION_FIT = fields('Fit', {
  version: 'version',
  fittedAt: 'fittedAt',
  runs: 'runs',
  measuredSamples: 'measuredSamples',
});

/** One factor of a correction set: a multiplier (prior 1) of its kind for its scope (empty: the whole cluster). */
export const CORRECTION_FACTOR = fields('CorrectionFactor', {
  kind: 'kind',
  scope: 'scope',
  value: 'value',
  runIds: 'evidence.runIds',
  samples: 'evidence.samples',
  note: 'evidence.note',
});

export const STARTED = fields('Started', {
  planId: 'planId',
});

export const REVISION = fields('Revision', {
  planId: 'planId',
  night: 'night',
  createdAt: 'createdAt',
  predictedBeforeSeconds: 'predictedBeforeSeconds',
  predictedAfterSeconds: 'predictedAfterSeconds',
  flags: 'flags',
  layoutChanges: 'changes.layoutChanges',
  movedRanks: 'changes.movedRanks.count',
  currentPlanViolations: 'changes.currentPlanViolations',
  currentPlanProblem: 'changes.currentPlanProblem',
  newPlanFailure: 'changes.newPlanFailure',
  note: 'changes.note',
});

export const KNOB_CHANGE = fields('KnobChange', {
  knob: 'knob',
  before: 'before',
  after: 'after',
});

export const VIOLATION = fields('Violation', {
  reason: 'reason',
});

export const CLUSTER = fields('ClusterView', {
  name: 'name',
  description: 'description',
});

export const EFFECTIVE_PROFILE = fields('EffectiveProfileView', {
  profile: 'profile',
  staleMeasurements: 'staleMeasurements',
  measurements: 'measurements',
});

export const MEASUREMENT = fields('MeasurementView', {
  subject: 'subject',
  stale: 'stale',
});

export const PROFILE = fields('ClusterProfile', {
  measuredAt: 'measuredAt',
  nodes: 'nodes',
  links: 'links',
  defaultBandwidthGbps: 'defaultLink.bandwidthGbps',
});

export const NODE = fields('NodeProfile', {
  name: 'name',
  gpus: 'gpus',
  measuredAt: 'measuredAt',
  nvlinkDomain: 'nvlinkDomain',
  relativeSpeed: 'compute.relativeSpeed',
  slowProbability: 'compute.slowProbability',
  slowdown: 'compute.slowdown',
});

export const GPU = fields('GpuProfile', {
  type: 'type',
  memoryBytes: 'memoryBytes',
  memoryUsedBytes: 'memoryUsedBytes',
  relativeSpeed: 'relativeSpeed',
  source: 'source',
});

export const LINK = fields('LinkProfile', {
  from: 'from',
  to: 'to',
  bandwidthGbps: 'bandwidthGbps',
  latencyUs: 'latencyUs',
  p95BandwidthGbps: 'p95BandwidthGbps',
  measuredAt: 'measuredAt',
});

export const HISTORY_ENTRY = fields('HistoryEntryView', {
  subject: 'subject',
  measuredAt: 'measuredAt',
  receivedAt: 'receivedAt',
  stale: 'stale',
  value: 'value',
});

export const MODEL = fields('Model', {
  name: 'name',
  preset: 'preset',
  spec: 'spec',
  sequenceLength: 'spec.sequenceLength',
});

/** A model's definition; the accessor names are also the keys of POST /api/v1/models. */
export const MODEL_SPEC = fields('ModelSpec', {
  layers: 'layers',
  hiddenSize: 'hiddenSize',
  ffnHiddenSize: 'ffnHiddenSize',
  attentionHeads: 'attentionHeads',
  kvHeads: 'kvHeads',
  vocabularySize: 'vocabularySize',
  sequenceLength: 'sequenceLength',
  mlp: 'mlp',
  tiedEmbeddings: 'tiedEmbeddings',
  flashAttention: 'flashAttention',
  norm: 'norm',
});

// Reading a plan answer of the API: status, the plan document of the result (layout, placement, estimate,
// alternatives, explanation), per-rank memory components and the iteration-time breakdown.
import { ESTIMATE, EXPLANATION, FINISHED_STATUSES, GPU_COUNT_SEARCH, PLAN, PLAN_DOCUMENT, RANK_MEMORY, STAGE, STAGE_MEMORY } from './fields.js';

/** A plan's status (PlanView or PlanSummary: both name it status). */
export function statusOf(plan) {
  return PLAN.status(plan) ?? 'UNKNOWN';
}

export function isFinished(plan) {
  return FINISHED_STATUSES.includes(statusOf(plan));
}

/** The plan document of a finished solve (completed, or stopped with the best plan found until then), else null. */
export function resultOf(plan) {
  const document = PLAN.document(plan);
  return document && PLAN_DOCUMENT.layout(document) && PLAN_DOCUMENT.estimate(document) ? document : null;
}

/**
 * The comparison of GPU counts of a cost-per-token plan ({maxGpus, maxIterationSeconds, gpuHourPrice, chosenGpus,
 * candidates}), or null for the iteration-time objective. chosenGpus is 0 when no count has a plan.
 */
export function gpuCountSearchOf(plan) {
  const search = PLAN_DOCUMENT.gpuCountSearch(PLAN.document(plan));
  if (!search) return null;
  return {
    maxGpus: GPU_COUNT_SEARCH.maxGpus(search),
    maxIterationSeconds: GPU_COUNT_SEARCH.maxIterationSeconds(search),
    gpuHourPrice: GPU_COUNT_SEARCH.gpuHourPrice(search),
    chosenGpus: GPU_COUNT_SEARCH.chosenGpus(search) ?? 0,
    candidates: GPU_COUNT_SEARCH.candidates(search) || [],
  };
}

/**
 * Per-rank memory: the stacked components (bytes), the total and the GPU capacity of each rank. The plan document
 * lists each rank's total and capacity, and the components once per pipeline stage (identical for its ranks).
 */
export function rankMemory(estimate) {
  const list = ESTIMATE.rankMemory(estimate) || [];
  const stages = new Map((ESTIMATE.stageMemory(estimate) || []).map((s) => [STAGE.stage(s), s]));
  const components = Object.keys(STAGE_MEMORY);
  return {
    components,
    ranks: list.map((r) => {
      const stage = RANK_MEMORY.stage(r);
      const source = stages.get(stage);
      return {
        rank: RANK_MEMORY.rank(r),
        node: RANK_MEMORY.node(r),
        gpu: RANK_MEMORY.gpu(r),
        stage,
        parts: components.map((k) => (source ? STAGE_MEMORY[k](source) || 0 : 0)),
        totalBytes: RANK_MEMORY.totalBytes(r),
        capacityBytes: RANK_MEMORY.capacityBytes(r),
      };
    }),
  };
}

/** The iteration-time breakdown as [key, seconds] pairs, in the order the API lists them. */
export function breakdownOf(estimate) {
  return Object.entries(ESTIMATE.breakdown(estimate) || {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
}

/** One named part of the breakdown (the estimate's map keys, for example computeSeconds), or undefined. */
export function breakdownValue(breakdown, key) {
  const found = breakdown.find(([k]) => k === key);
  return found ? found[1] : undefined;
}

const EXPLANATION_TITLES = {
  dominantTerms: 'What dominates the iteration time',
  bindingConstraints: 'Binding constraints',
  notes: 'Notes',
  infeasibility: 'Why no layout fits',
};

/** The explanation as titled groups of lines: summary, dominant terms, binding constraints, notes, infeasibility. */
export function explanationGroups(document) {
  const e = PLAN_DOCUMENT.explanation(document);
  if (!e) return [];
  const groups = [];
  const summary = EXPLANATION.summary(e);
  if (summary) groups.push({ title: null, lines: [summary] });
  for (const [key, title] of Object.entries(EXPLANATION_TITLES)) {
    const lines = EXPLANATION[key](e);
    if (Array.isArray(lines) && lines.length) groups.push({ title, lines });
  }
  return groups;
}
